"""Reading the server-side session from the HttpOnly cookie of the socket's connection."""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie

import reflex as rx

from mespoints import routes
from mespoints.db.engine import get_engine
from mespoints.services import sessions
from mespoints.services.clock import utcnow


def session_id_of(state: rx.State) -> str | None:
    """The raw session id from the connection's Cookie header (server side only)."""
    raw = state.router.headers.cookie or ""
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except CookieError:
        return None
    morsel = jar.get(sessions.SESSION_COOKIE)
    return morsel.value if morsel else None


def current_session(state: rx.State) -> sessions.SessionInfo | None:
    """The live session of this browser, checked on the server (idle and absolute timeouts)."""
    session_id = session_id_of(state)
    if not session_id:
        return None
    return sessions.resolve_session(engine=get_engine(), session_id=session_id, now=utcnow())


def to_login(next_path: str) -> rx.event.EventSpec:
    return rx.redirect(f"{routes.LOGIN}?suite={next_path}")


def login_with_ticket_script(ticket: str, next_path: str) -> str:
    """Full-page POST to the ticket route: it sets the HttpOnly cookie, then redirects.

    A POST keeps the one-time ticket out of URLs and access logs.
    """
    return (
        "(() => { const f = document.createElement('form'); f.method = 'post'; "
        f"f.action = {routes.SESSION_TICKET!r}; "
        "for (const [k, v] of Object.entries("
        f"{{ticket: {ticket!r}, suite: {next_path!r}}})) {{ "
        "const i = document.createElement('input'); i.type = 'hidden'; i.name = k; i.value = v; f.appendChild(i); } "
        "document.body.appendChild(f); f.submit(); })()"
    )
