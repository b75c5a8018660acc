"""Reading the server-side session from the HttpOnly cookie of the socket's connection."""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie

import reflex as rx
from reflex_base.event import EventSpec

from mespoints import routes
from mespoints.db.engine import get_engine
from mespoints.services import sessions
from mespoints.services.clock import utcnow
from mespoints.settings import get_settings
from mespoints.state.scripts import post_to


def session_id_of(state: rx.State) -> str | None:
    """The raw session id from the connection's Cookie header (server side only)."""
    raw = state.router.headers.cookie or ""
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except CookieError:
        return None
    morsel = jar.get(sessions.session_cookie_name(https=get_settings().uses_https))
    return morsel.value if morsel else None


def current_session(state: rx.State) -> sessions.SessionInfo | None:
    """The live session of this browser, checked on the server (idle and absolute timeouts)."""
    session_id = session_id_of(state)
    if not session_id:
        return None
    return sessions.resolve_session(engine=get_engine(), session_id=session_id, now=utcnow())


def to_login(next_path: str) -> EventSpec:
    return rx.redirect(f"{routes.LOGIN}?suite={next_path}")


# States that hold personal data; logout empties them before the cookie goes.
PRIVATE_STATES: list[type[rx.State]] = []


def holds_personal_data(state_class: type[rx.State]) -> type[rx.State]:
    """Class decorator for private pages' states: emptied at logout."""
    PRIVATE_STATES.append(state_class)
    return state_class


class LogoutState(rx.State):
    @rx.event
    async def logout(self):
        for state_class in PRIVATE_STATES:
            private = await self.get_state(state_class)
            private.reset()
        return post_to(routes.LOGOUT)


def first_error(errors: dict[str, list[str]], key: str) -> str:
    return " ".join(errors.get(key, []))
