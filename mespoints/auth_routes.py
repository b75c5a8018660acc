"""Session cookie routes: the login ticket exchange and logout.

The browser holds the session only in an HttpOnly cookie, which JavaScript (and so rx.Cookie)
cannot write: after a successful login the page does a full navigation to SESSION_TICKET with a
one-time ticket; this route trades it for a new session id, sets the cookie and redirects.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from mespoints import routes
from mespoints.db.engine import get_engine
from mespoints.services import sessions
from mespoints.services.clock import utcnow
from mespoints.settings import get_settings

log = logging.getLogger(__name__)


def safe_next(target: str | None, default: str = routes.DASHBOARD) -> str:
    """Only same-site relative paths: never an open redirect."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return default


async def session_from_ticket(request: Request) -> RedirectResponse:
    form = await request.form()
    ticket = str(form.get("ticket", ""))
    session_id = (
        sessions.redeem_login_ticket(engine=get_engine(), ticket=ticket, now=utcnow()) if ticket else None
    )
    if session_id is None:
        return RedirectResponse(f"{routes.LOGIN}?erreur=session", status_code=303)
    response = RedirectResponse(safe_next(str(form.get("suite", ""))), status_code=303)
    response.set_cookie(
        sessions.SESSION_COOKIE,
        session_id,
        max_age=int(sessions.ABSOLUTE_TIMEOUT.total_seconds()),
        path="/",
        httponly=True,
        secure=get_settings().uses_https,
        samesite="lax",
    )
    return response


async def logout(request: Request) -> RedirectResponse:
    session_id = request.cookies.get(sessions.SESSION_COOKIE)
    if session_id:
        sessions.end_session(engine=get_engine(), session_id=session_id, now=utcnow())
    closed = request.method == "POST" and (await request.form()).get("ferme") == "1"
    response = RedirectResponse(f"{routes.LOGGED_OUT}{'?compte=ferme' if closed else ''}", status_code=303)
    response.delete_cookie(sessions.SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    return response


ROUTES = [
    Route(routes.SESSION_TICKET, session_from_ticket, methods=["POST"]),
    Route(routes.LOGOUT, logout, methods=["POST", "GET"]),
]
