"""The document's scripts: React Router's <Scripts>, its module preloads at low priority.

Reflex 0.10.1 writes `<Scripts />` into the document root (reflex.compiler.utils.create_document_root)
and offers no setting for it; `use_low_priority_scripts()` swaps in assets/low_priority_scripts.js
before the app compiles. The page is pre-rendered and paints without JavaScript: its preloads then
no longer come before the first paint (README « Audit Lighthouse »: first contentful paint on a
simulated phone from 1.9–2.4 s to about 0.8 s). Checked by tests/e2e/test_first_paint.py.
"""

from __future__ import annotations

import reflex as rx
from reflex.compiler import utils as compiler_utils


class LowPriorityScripts(rx.Component):
    """assets/low_priority_scripts.js: React Router's <Scripts>, preloads with fetchpriority=low."""

    library = "$/public/low_priority_scripts.js"
    tag = "LowPriorityScripts"


def use_low_priority_scripts() -> None:
    """Make the document root Reflex compiles render LowPriorityScripts instead of <Scripts>."""
    compiler_utils.Scripts = LowPriorityScripts  # type: ignore[misc,assignment]
