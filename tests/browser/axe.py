"""Accessibility checks with axe-core (vendored under tests/browser/vendor/, see docs/design.md)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

AXE_PATH = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@cache
def _axe_source() -> str:
    return AXE_PATH.read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core on the page as it is now, for the WCAG 2.0 and 2.1 A and AA rules; return the violations."""
    # A click that navigates returns before the next document exists; injecting then fails.
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=_axe_source())
    result = page.evaluate(
        "options => window.axe.run(document, options)",
        {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    return result["violations"]


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"axe-core found {len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"][:10]:
            target = " ".join(str(part) for part in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {target}: {summary}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    ... and {len(violation['nodes']) - 10} more")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """Fail with every violation (rule id, help text, the offending elements) when axe-core finds any."""
    violations = axe_violations(page)
    if violations:
        pytest.fail(format_violations(page.url, violations), pytrace=False)
