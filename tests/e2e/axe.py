"""axe-core in the browser tests: inject it into a page, run the WCAG 2.0/2.1 A and AA rules.

axe.min.js comes from the npm registry (tools/js/package.json). It is evaluated through the
DevTools protocol (`page.evaluate`), never added as a <script> element, so the portal's
Content-Security-Policy (no inline script, no eval) neither blocks it nor has to allow it.
"""

from __future__ import annotations

import json
from functools import cache

from tests.e2e.conftest import ROOT

AXE_DIR = ROOT / "tools" / "js" / "node_modules" / "axe-core"
AXE_SCRIPT = AXE_DIR / "axe.min.js"
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
COLOR_SCHEMES = ("light", "dark")

RUN_JS = """async tags => {
  const results = await axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
  });
  return results.violations.map(v => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary})),
  }));
}"""


@cache
def axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


def axe_version() -> str:
    return json.loads((AXE_DIR / "package.json").read_text(encoding="utf-8"))["version"]


def violations(page) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now (injected once per document)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    return page.evaluate(RUN_JS, list(WCAG_TAGS))


def describe(found: list[dict]) -> str:
    """One readable block per rule: what fails, where (CSS selectors), and how to fix it."""
    blocks = []
    for violation in found:
        lines = [f"  [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"]
        for node in violation["nodes"][:8]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    - {node['target']}: {summary[:300]}")
        if len(violation["nodes"]) > 8:
            lines.append(f"    … and {len(violation['nodes']) - 8} more elements")
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


class Sweep:
    """Collects the violations of every page and state, in light and dark, for one assertion at the end.

    A test checks every state it reaches (`check`), then `assert_clean` fails once, listing every
    page, state and colour scheme with violations, so one run shows all there is to fix.
    """

    def __init__(self) -> None:
        self.problems: dict[str, list[dict]] = {}
        self.checked: list[str] = []

    def check(self, page, name: str) -> None:
        page.wait_for_load_state("networkidle")
        for scheme in COLOR_SCHEMES:
            page.emulate_media(color_scheme=scheme)
            # Let colour transitions end before axe computes contrasts.
            page.wait_for_timeout(150)
            found = violations(page)
            label = f"{name} ({scheme})"
            self.checked.append(label)
            if found:
                self.problems[label] = found
        page.emulate_media(color_scheme="light")

    def report(self) -> str:
        return "\n".join(f"{label}:\n{describe(found)}" for label, found in self.problems.items())

    def assert_clean(self) -> None:
        assert self.checked, "nothing was checked"
        assert not self.problems, (
            f"axe-core {axe_version()} ({', '.join(WCAG_TAGS)}) found violations on "
            f"{len(self.problems)} of {len(self.checked)} page states:\n{self.report()}"
        )
