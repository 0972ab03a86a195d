"""The English translation must be complete: every Dutch text on screen or in e-mail has an English msgstr.

Dutch is the source language of the code (msgids are Dutch); `locale/en/LC_MESSAGES/django.po` holds English.
`missing_translations()` extracts the current msgids with Django's makemessages into a scratch directory and
compares them with the committed catalogue, so a new text without translation is found before it ships.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib
from django.conf import settings

SOURCE_DIR = Path(settings.SRC_DIR)
CATALOGUE = SOURCE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
_SOURCE_SUFFIXES = {".py", ".html", ".txt"}


def _key(entry: polib.POEntry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def extract_msgids() -> set[tuple[str, str]]:
    """All (context, msgid) pairs in the source tree, as makemessages sees them."""
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        (root / "elkaar" / "locale").mkdir(parents=True)
        for path in SOURCE_DIR.rglob("*"):
            if path.suffix in _SOURCE_SUFFIXES and "locale" not in path.parts and "migrations" not in path.parts:
                target = root / "elkaar" / path.relative_to(SOURCE_DIR)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
        for domain in ("django",):
            subprocess.run(  # noqa: S603 - fixed arguments
                [sys.executable, "-m", "django", "makemessages", "-l", "en", "-d", domain, "--no-location", "-v", "0"],
                cwd=root,
                check=True,
                env=os.environ | {"DJANGO_SETTINGS_MODULE": "elkaar.settings", "ELKAAR_VAR_DIR": str(root / "var")},
            )
        # `python -m django` in the scratch folder imports the scratch copy of elkaar, so its locale dir is used.
        extracted = polib.pofile(str(root / "elkaar" / "locale" / "en" / "LC_MESSAGES" / "django.po"))
        return {_key(entry) for entry in extracted if not entry.obsolete}


def missing_translations() -> list[str]:
    """Msgids in the source without a finished English translation in the committed catalogue."""
    committed = {_key(e): e for e in polib.pofile(str(CATALOGUE)) if not e.obsolete} if CATALOGUE.exists() else {}
    missing = []
    for key in sorted(extract_msgids()):
        entry = committed.get(key)
        if entry is None or not entry.translated() or "fuzzy" in entry.flags:
            missing.append(key[1])
    return missing
