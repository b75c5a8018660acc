"""Downloads for the signed-in driver: attestation and relevé (PDF), forecast (iCalendar), personal
data (JSON).

Each route finds the account from the HttpOnly session cookie, on the server, and never from what
the browser sends otherwise (no licence number or account id in the URL). Files are generated on
request and never stored; the security-headers middleware forbids any cache to keep them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from mespoints import routes
from mespoints.auth_routes import DEPENDENCY_ERRORS, unavailable
from mespoints.db.engine import get_engine
from mespoints.services import attestation, documents, sessions
from mespoints.services.clock import paris_day, today, utcnow
from mespoints.services.sessions import SessionInfo
from mespoints.settings import get_settings

log = logging.getLogger(__name__)

PDF = "application/pdf"
ICS = "text/calendar; charset=utf-8"
JSON = "application/json; charset=utf-8"

NO_LICENCE = (
    "Votre permis n'a pas été trouvé dans le système national des permis de conduire : ce document ne "
    "peut pas être établi. Réessayez plus tard."
)
RELEVE_REFUSED = (
    "Le relevé d'information intégral n'est délivré qu'à une session ouverte avec FranceConnect, qui "
    "garantit votre identité. Déconnectez-vous, puis reconnectez-vous avec FranceConnect depuis la page "
    "« Se connecter » ({login}) pour le télécharger."
)


def session_of(request: Request) -> SessionInfo | None:
    """The live session of this request's HttpOnly cookie, checked on the server."""
    session_id = request.cookies.get(sessions.session_cookie_name(https=get_settings().uses_https))
    if not session_id:
        return None
    return sessions.resolve_session(engine=get_engine(), session_id=session_id, now=utcnow())


def _attachment(content: bytes, media_type: str, filename: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={
            "content-disposition": f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
        },
    )


def _to_login(back_to: str) -> RedirectResponse:
    return RedirectResponse(get_settings().page_url(f"{routes.LOGIN}?suite={back_to}"), status_code=303)


def _download(
    back_to: str, make: Callable[[SessionInfo], Response | None], *, needs_licence: bool = True
) -> Callable[[Request], object]:
    """A GET route: the session first (else to login, then back), then the file, or a French refusal."""

    async def route(request: Request) -> Response:
        try:
            info = await run_in_threadpool(session_of, request)
            if info is None:
                return _to_login(back_to)
            if needs_licence and not info.licence_number:
                return PlainTextResponse(NO_LICENCE, status_code=404)
            response = await run_in_threadpool(make, info)
        except DEPENDENCY_ERRORS:
            log.exception("download %s: a dependency does not answer", request.url.path)
            return unavailable()
        return response if response is not None else PlainTextResponse(NO_LICENCE, status_code=404)

    return route


def _attestation(info: SessionInfo) -> Response | None:
    day = today()
    content = documents.attestation_pdf(
        engine=get_engine(),
        licence_number=info.licence_number or "",
        today=day,
        base_url=get_settings().base_url,
        ring=attestation.keyring(),
    )
    if content is None:
        return None
    return _attachment(
        content, PDF, documents.file_name("attestation", info.licence_number or "", day, "pdf")
    )


def _releve(info: SessionInfo) -> Response | None:
    if not documents.releve_allowed(info):
        login = f"{get_settings().base_url}{routes.LOGIN}"
        return PlainTextResponse(RELEVE_REFUSED.format(login=login), status_code=403)
    day = today()
    content = documents.releve_pdf(engine=get_engine(), licence_number=info.licence_number or "", today=day)
    if content is None:
        return None
    return _attachment(
        content, PDF, documents.file_name("releve-integral", info.licence_number or "", day, "pdf")
    )


def _calendar(info: SessionInfo) -> Response | None:
    content = documents.calendar_ics(
        engine=get_engine(),
        licence_number=info.licence_number or "",
        today=today(),
        now=utcnow(),
        base_url=get_settings().base_url,
    )
    if content is None:
        return None
    return _attachment(content, ICS, "mes-recuperations-de-points.ics")


def _personal_data(info: SessionInfo) -> Response | None:
    now = utcnow()
    content = documents.personal_data(engine=get_engine(), account_id=info.account_id, now=now)
    if content is None:
        return None
    day = paris_day(now)  # the driver's day, as every other document's name
    return _attachment(content, JSON, f"mes-donnees-mes-points-permis-{day.isoformat()}.json")


ROUTES = [
    Route(routes.ATTESTATION_PDF, _download(routes.DOCUMENTS, _attestation), methods=["GET"]),
    Route(routes.RELEVE_PDF, _download(routes.DOCUMENTS, _releve), methods=["GET"]),
    Route(routes.CALENDAR_ICS, _download(routes.DASHBOARD_FORECAST, _calendar), methods=["GET"]),
    Route(
        routes.DATA_EXPORT, _download(routes.ACCOUNT, _personal_data, needs_licence=False), methods=["GET"]
    ),
]
