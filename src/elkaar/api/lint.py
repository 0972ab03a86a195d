"""Lint the OpenAPI document against the Dutch API Design Rules: `python -m elkaar.api.lint` (make openapi-lint).

Writes the document the API serves to a temporary file and runs Stoplight Spectral (installed into node_modules/
by `npm install`) with the Logius ruleset, read from ../shared/lint/ next to the repository and never copied.
Exit 1 on any finding of severity error. Without the ruleset or Spectral it says the lint was skipped and
exits 0, except under CI=true, where nothing may be skipped.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[3]
RULESET = REPO_DIR.parent / "shared" / "lint" / "api-design-rules.spectral.yml"
LOCAL_SPECTRAL = REPO_DIR / "node_modules" / ".bin" / "spectral"


def openapi_document() -> dict:
    """The OpenAPI document exactly as /api/v1/openapi.json serves it, as plain JSON data."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elkaar.settings")
    django.setup()
    from ninja.responses import NinjaJSONEncoder

    from elkaar.api.api import api

    return json.loads(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder))


def find_spectral(explicit: str | None) -> str | None:
    if explicit:
        return explicit if Path(explicit).is_file() and os.access(explicit, os.X_OK) else None
    if LOCAL_SPECTRAL.exists() and shutil.which("node"):
        return str(LOCAL_SPECTRAL)
    return shutil.which("spectral")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m elkaar.api.lint", description=__doc__.splitlines()[0])
    parser.add_argument("--ruleset", type=Path, default=RULESET, help=f"Spectral ruleset (default: {RULESET})")
    parser.add_argument("--spectral", help="the spectral executable (default: node_modules/.bin/spectral)")
    args = parser.parse_args(argv)
    in_ci = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}

    if not args.ruleset.is_file():
        return _unavailable(f"the ruleset {args.ruleset} is not there", in_ci)
    spectral = find_spectral(args.spectral)
    if spectral is None:
        return _unavailable("Spectral is not installed (run `npm install` in the repository)", in_ci)

    with tempfile.TemporaryDirectory(prefix="elkaar-openapi-") as directory:
        document = Path(directory) / "openapi.json"
        document.write_text(json.dumps(openapi_document(), indent=2, ensure_ascii=False), encoding="utf-8")
        command = [spectral, "lint", "--ruleset", str(args.ruleset), "--fail-severity", "error", str(document)]
        result = subprocess.run(command, check=False)  # noqa: S603 - our own arguments, no shell
    if result.returncode != 0:
        print(f"openapi-lint: FAILED (spectral exit {result.returncode}): see the errors above.", file=sys.stderr)
        return 1
    print("openapi-lint: the OpenAPI document follows the API Design Rules (no errors).")
    return 0


def _unavailable(reason: str, in_ci: bool) -> int:
    if in_ci:
        print(f"openapi-lint: FAILED: {reason}; under CI=true the lint may not be skipped.", file=sys.stderr)
        return 1
    print(f"openapi-lint: skipped: {reason}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
