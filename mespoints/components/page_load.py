"""The hidden form that makes the full page loads states ask for (state/scripts.py): eval-free."""

from __future__ import annotations

import reflex as rx

from mespoints.state.scripts import PageLoadState


class PageLoadBridge(rx.Component):
    """assets/page_load_bridge.js: submits a real HTML form when PageLoadState.request changes."""

    library = "$/public/page_load_bridge.js"
    tag = "PageLoadBridge"

    request: rx.Var[dict]


def page_load_bridge() -> rx.Component:
    return PageLoadBridge.create(request=PageLoadState.request)
