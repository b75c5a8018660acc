"""What states ask the browser to do besides showing data: move the focus, empty fields, load a page.

No JavaScript is sent as text: `rx.call_script` runs through the browser's `eval`, which the
Content-Security-Policy forbids (docs/en-tetes-http.md). Focus and values use Reflex's own
client-side events (refs of elements with a literal `id`); full page loads go through
`PageLoadState`, drawn by a real HTML form (assets/page_load_bridge.js, components/page_load.py).

States import these, never `mespoints.components`: components draw, states decide.
"""

from __future__ import annotations

import secrets
from typing import Any

import reflex as rx
from reflex_base.event import EventSpec

from mespoints import routes
from mespoints.settings import get_settings

# The only backend routes a page load may POST to: the client sends the chained event back, so
# the server never turns its arguments into an arbitrary form action.
POST_ROUTES = frozenset(
    {routes.SESSION_TICKET, routes.LOGOUT, routes.FRANCECONNECT_SESSION, routes.FRANCECONNECT_LOGIN}
)


def focus_on(element_id: str) -> EventSpec:
    """Moves the focus to an element (the first field in error, a step's heading) for keyboard
    users. The element must be drawn with this literal `id` (Reflex then keeps a ref to it)."""
    return rx.set_focus(element_id)


def clear_fields(*field_ids: str) -> list[EventSpec]:
    """Empties fields (e.g. the password fields once the change is done)."""
    return [rx.set_value(field_id, "") for field_id in field_ids]


class PageLoadState(rx.State):
    """The one full page load the browser is asked to make (see assets/page_load_bridge.js)."""

    # {"nonce", "method", "action", "fields"}: a new nonce makes the bridge submit its form.
    request: dict[str, Any] = {}

    def _load(self, method: str, path: str, fields: dict[str, str]) -> None:
        self.request = {
            "nonce": secrets.token_urlsafe(12),
            "method": method,
            "action": get_settings().backend_route(path) if method == "post" else path,
            "fields": {str(name): str(value) for name, value in fields.items()},
        }

    @rx.event
    def post(self, path: str, fields: dict[str, str]) -> None:
        if path in POST_ROUTES:
            self._load("post", path, fields)

    @rx.event
    def franceconnect_login(self) -> None:
        """Starts a FranceConnect login, carrying the page's `suite` (the server keeps only a
        page of the portal: routes.safe_next)."""
        suite = self.router.url.query_parameters.get("suite") or ""
        self._load("post", routes.FRANCECONNECT_LOGIN, {"suite": str(suite)})

    @rx.event
    def show_unavailable(self) -> None:
        """Full page load of the « service indisponible » page, remembering the page the user
        was on."""
        self._load("get", routes.UNAVAILABLE, {"retour": str(self.router.url.path or routes.HOME)})


def post_to(path: str, fields: dict[str, str] | None = None) -> EventSpec:
    """Full-page POST to a backend route (a real form), so the browser follows its redirect."""
    return PageLoadState.post(path, fields or {})  # type: ignore[operator]
