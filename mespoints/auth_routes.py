"""Session cookie routes: the login ticket exchange and logout.

The browser holds the session only in an HttpOnly cookie, which JavaScript (and so rx.Cookie)
cannot write: after a successful login the page does a full navigation to SESSION_TICKET with a
one-time ticket; this route trades it for a new session id, sets the cookie and redirects. Their
database work runs in a thread, never on the event loop that serves every socket of the worker.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from sqlalchemy.exc import DBAPIError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from mespoints import routes
from mespoints.db.engine import get_engine
from mespoints.services import sessions
from mespoints.services.clock import utcnow
from mespoints.settings import get_settings

log = logging.getLogger(__name__)


def same_site(request: Request) -> bool:
    """CSRF guard for the POST routes: a browser says where a request comes from.

    Sec-Fetch-Site (all current browsers) must not be "cross-site", and an Origin header, when
    present, must name this very host. Requests without either are not from a browser page.
    """
    if request.headers.get("sec-fetch-site", "same-origin") == "cross-site":
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True
    # The page's own host, or the public address (`make dev` serves pages from another port).
    return urlsplit(origin).netloc in {
        request.headers.get("host", ""),
        urlsplit(get_settings().base_url).netloc,
    }


# A failing dependency: the user gets the « service indisponible » page, the log gets the trace.
DEPENDENCY_ERRORS = (DBAPIError, OSError, TimeoutError)


def unavailable() -> RedirectResponse:
    return RedirectResponse(get_settings().page_url(routes.UNAVAILABLE), status_code=303)


def forbidden() -> PlainTextResponse:
    log.warning("cross-site request refused on an authentication route")
    return PlainTextResponse("Requête refusée.", status_code=403)


async def session_from_ticket(request: Request) -> Response:
    if not same_site(request):
        return forbidden()
    form = await request.form()
    ticket = str(form.get("ticket", ""))
    try:
        session_id = (
            await run_in_threadpool(
                sessions.redeem_login_ticket, engine=get_engine(), ticket=ticket, now=utcnow()
            )
            if ticket
            else None
        )
    except DEPENDENCY_ERRORS:
        log.exception("login ticket: the database does not answer")
        return unavailable()
    if session_id is None:
        return RedirectResponse(get_settings().page_url(f"{routes.LOGIN}?erreur=session"), status_code=303)
    response = RedirectResponse(
        get_settings().page_url(routes.safe_next(str(form.get("suite", "")))), status_code=303
    )
    https = get_settings().uses_https
    response.set_cookie(
        sessions.session_cookie_name(https=https),
        session_id,
        max_age=int(sessions.ABSOLUTE_TIMEOUT.total_seconds()),
        path="/",
        httponly=True,
        secure=https,
        samesite="lax",
    )
    return response


async def logout(request: Request) -> Response:
    if not same_site(request):
        return forbidden()
    https = get_settings().uses_https
    cookie = sessions.session_cookie_name(https=https)
    session_id = request.cookies.get(cookie)
    closed = (await request.form()).get("ferme") == "1"
    response: Response = RedirectResponse(
        get_settings().page_url(f"{routes.LOGGED_OUT}{'?compte=ferme' if closed else ''}"), status_code=303
    )
    if session_id:
        try:
            ended = await run_in_threadpool(
                sessions.end_session, engine=get_engine(), session_id=session_id, now=utcnow()
            )
        except DEPENDENCY_ERRORS:
            # The browser forgets the session anyway; the server's copy expires on its own.
            log.exception("logout: the database does not answer")
            response, ended = unavailable(), None
        if ended is not None and ended.auth_method == sessions.AuthMethod.FRANCECONNECT and not closed:
            # Ended here first; then the provider ends its own session and sends the browser back.
            from mespoints.franceconnect_routes import logout_at_provider

            response = await logout_at_provider(ended) or response
    response.delete_cookie(cookie, path="/", secure=https, httponly=True, samesite="lax")
    return response


ROUTES = [
    Route(routes.SESSION_TICKET, session_from_ticket, methods=["POST"]),
    Route(routes.LOGOUT, logout, methods=["POST"]),
]
