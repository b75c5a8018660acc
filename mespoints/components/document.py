"""The document's scripts: React Router's <Scripts>, its module preloads at low priority.

Reflex 0.10.1 writes `<Scripts />` into the document root (reflex.compiler.utils.create_document_root)
and offers no setting for it; `use_low_priority_scripts()` swaps in assets/low_priority_scripts.js
before the app compiles. The page is pre-rendered and paints without JavaScript: its preloads then
no longer come before the first paint (Lighthouse, mobile: first contentful paint 2.2 s → see
docs/performance.md).
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
