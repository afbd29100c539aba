"""Accessibility check for browser tests: the vendored axe-core run inside a Playwright page.

`assert_no_serious_violations(page)` injects axe-core (motcua/testing/vendor/axe-core, MPL-2.0) into the
page as it is now, runs it against WCAG 2.0/2.1 A and AA rules and fails the test when any violation has the
impact "serious" or "critical", listing each rule, its help text and the offending elements.
The script is evaluated through the DevTools protocol, so a Content-Security-Policy cannot block it.
"""

from functools import cache
from pathlib import Path
from typing import Any

import pytest

AXE_SCRIPT = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = frozenset({"serious", "critical"})
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")


@cache
def axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


def run_axe(page: Any, *, context: str | None = None, tags: tuple[str, ...] = WCAG_TAGS) -> dict[str, Any]:
    """Run axe-core in `page` (optionally limited to the CSS selector `context`) and return its results."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source() + "\n;undefined")
    return page.evaluate(
        """async ([context, tags]) => await window.axe.run(context || document, {
            runOnly: {type: 'tag', values: tags},
            resultTypes: ['violations'],
        })""",
        [context, list(tags)],
    )


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"
        )
        for node in violation["nodes"][:10]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:300]}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    … and {len(violation['nodes']) - 10} more elements")
    return "\n".join(lines)


def serious_violations(page: Any, *, context: str | None = None) -> list[dict[str, Any]]:
    results = run_axe(page, context=context)
    return [v for v in results["violations"] if v.get("impact") in FAILING_IMPACTS]


def assert_no_serious_violations(page: Any, *, context: str | None = None) -> None:
    """Fail the test if axe-core finds a serious or critical WCAG 2.1 A/AA violation on the page."""
    violations = serious_violations(page, context=context)
    if violations:
        pytest.fail(
            f"axe-core found {len(violations)} serious or critical accessibility violation(s) on "
            f"{page.url}:\n{format_violations(violations)}",
            pytrace=False,
        )
