"""The accessibility statement tells the truth about what the browser tests run."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_statement_names_the_axe_core_version_the_browser_tests_run():
    from mespoints.pages import legal

    wanted = json.loads((ROOT / "tools" / "js" / "package.json").read_text())["dependencies"]["axe-core"]
    assert wanted == legal.AXE_CORE_VERSION


def test_the_statement_is_dated_and_says_partially_compliant_under_rgaa_4_1():
    source = (ROOT / "mespoints" / "pages" / "legal.py").read_text()
    from mespoints.pages import legal

    assert legal.STATEMENT_DATE == "1er décembre 2026"
    assert "partiellement conforme au RGAA 4.1" in source
    assert "thème clair et en" in source and "thème sombre" in source
