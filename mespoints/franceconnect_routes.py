"""FranceConnect's backend routes: start a login, the callback, the first login's session, and
the way back from the provider's logout (interfaces.md section 5).

The browser holds only HttpOnly cookies: FLOW_COOKIE (a random value binding the provider's
answer to the browser that asked) and IDENTITY_COOKIE (the handle of a first login in progress).
Every secret of the flow stays in the database (services.accounts.franceconnect). Network calls
to the provider are async (httpx, with timeouts); database work runs in a thread. A failure of
any kind ends on the French page FRANCECONNECT_ERROR with its reason, creates nothing, and is
logged by kind, never with a token.
"""

from __future__ import annotations

import logging

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route

from mespoints import routes
from mespoints.auth_routes import DEPENDENCY_ERRORS, forbidden, same_site, unavailable
from mespoints.db.engine import get_engine
from mespoints.domain.account_policy import FRANCECONNECT_IDENTITY_VALIDITY, FRANCECONNECT_REQUEST_VALIDITY
from mespoints.franceconnect_config import DEMO_PATH, ProviderConfig, demo_enabled, provider_config
from mespoints.services import secrets_box, sessions
from mespoints.services.accounts import franceconnect as accounts_fc
from mespoints.services.clock import utcnow
from mespoints.services.oidc import Failure, OidcClient, OidcError
from mespoints.settings import DATA_DIR, get_settings

log = logging.getLogger(__name__)

FLOW_COOKIE = "mpp_fc_flux"
IDENTITY_COOKIE = "mpp_fc_identite"
# Path=/ : what the `__Host-` prefix (on https) requires.
FLOW_COOKIE_PATH = "/"


def _flow_cookie() -> str:
    return sessions.cookie_name(FLOW_COOKIE, https=get_settings().uses_https)


def _identity_cookie() -> str:
    return sessions.cookie_name(IDENTITY_COOKIE, https=get_settings().uses_https)


def client_for(config: ProviderConfig) -> OidcClient:
    return OidcClient(config)


def failure_page(failure: Failure, detail: str) -> RedirectResponse:
    log.warning("FranceConnect: %s (%s)", failure.value, detail)
    response = RedirectResponse(
        get_settings().page_url(f"{routes.FRANCECONNECT_ERROR}?motif={failure.value}"), status_code=303
    )
    response.delete_cookie(_flow_cookie(), path=FLOW_COOKIE_PATH)
    return response


def _set_cookie(response: Response, name: str, value: str, *, max_age: int, path: str = "/") -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=path,
        httponly=True,
        secure=get_settings().uses_https,
        # Lax: sent on the provider's top-level redirect back to the callback, never on sub-requests.
        samesite="lax",
    )


def _to_provider(url: str, *, browser_secret: str) -> Response:
    """Off to the provider, with the cookie that binds its answer to this browser."""
    response = RedirectResponse(url, status_code=303)
    _set_cookie(
        response,
        _flow_cookie(),
        browser_secret,
        max_age=int(FRANCECONNECT_REQUEST_VALIDITY.total_seconds()),
        path=FLOW_COOKIE_PATH,
    )
    return response


def set_session_cookie(response: Response, session_id: str) -> None:
    """The same cookie as a password login's (auth_routes.session_from_ticket): __Host- on https."""
    _set_cookie(
        response,
        sessions.session_cookie_name(https=get_settings().uses_https),
        session_id,
        max_age=int(sessions.ABSOLUTE_TIMEOUT.total_seconds()),
    )


async def start_login(request: Request) -> Response:
    """« S'identifier avec FranceConnect » (a POST form): off to the provider's authorization page."""
    if not same_site(request):
        return forbidden()
    config = provider_config()
    if config is None:
        return RedirectResponse(get_settings().page_url(routes.LOGIN), status_code=303)
    form = await request.form()
    payload = {**accounts_fc.new_login_secrets(), "next": routes.safe_next(str(form.get("suite", "")))}
    try:
        started = await run_in_threadpool(
            lambda: accounts_fc.begin_request(
                engine=get_engine(), purpose=accounts_fc.LOGIN, payload=payload, now=utcnow()
            )
        )
        url = await client_for(config).authorization_url(
            state=started.state, nonce=payload["nonce"], code_verifier=payload["code_verifier"]
        )
    except OidcError as error:
        return failure_page(error.failure, error.detail)
    except DEPENDENCY_ERRORS:
        log.exception("FranceConnect login: the database does not answer")
        return unavailable()
    return _to_provider(url, browser_secret=started.browser_secret)


async def callback(request: Request) -> Response:
    """The provider sends the browser back here with a code, or an error; state is checked first."""
    config = provider_config()
    if config is None:
        return RedirectResponse(get_settings().page_url(routes.LOGIN), status_code=303)
    params = request.query_params
    state = params.get("state", "")
    browser_secret = request.cookies.get(_flow_cookie(), "")
    try:
        payload = await run_in_threadpool(
            lambda: accounts_fc.consume_request(
                engine=get_engine(),
                state=state,
                browser_secret=browser_secret,
                purpose=accounts_fc.LOGIN,
                now=utcnow(),
            )
        )
    except DEPENDENCY_ERRORS:
        log.exception("FranceConnect callback: the database does not answer")
        return unavailable()
    error = params.get("error")
    if error:
        failure = Failure.CANCELLED if error == "access_denied" else Failure.PROVIDER_ERROR
        return failure_page(failure, f"provider answered error={error[:40]!r}")
    if payload is None:
        return failure_page(Failure.STATE, "state unknown, used, expired or from another browser")
    if params.get("iss", config.issuer).rstrip("/") != config.issuer:  # RFC 9207: it names its issuer
        return failure_page(Failure.PROVIDER_ERROR, "callback from another issuer")
    code = params.get("code", "")
    if not code or len(code) > 4096:
        return failure_page(Failure.PROVIDER_ERROR, "no code")
    try:
        identity = await client_for(config).identify(
            code=code, code_verifier=payload["code_verifier"], nonce=payload["nonce"]
        )
        admission = await run_in_threadpool(
            lambda: accounts_fc.admit(
                engine=get_engine(),
                issuer=config.issuer,
                sub=identity.sub,
                id_token=identity.id_token,
                claims={
                    "given_name": identity.given_name,
                    "family_name": identity.family_name,
                    "birthdate": identity.birthdate,
                    "email": identity.email,
                },
                next_path=routes.safe_next(payload.get("next")),
                now=utcnow(),
            )
        )
    except OidcError as failure:
        return failure_page(failure.failure, failure.detail)
    except DEPENDENCY_ERRORS:
        log.exception("FranceConnect callback: the database does not answer")
        return unavailable()
    if admission is None:
        return failure_page(Failure.USERINFO, "userinfo without a usable birth date or email")
    if admission.session_id is not None:
        log.info("FranceConnect: a known holder logged in")
        response = RedirectResponse(
            get_settings().page_url(routes.safe_next(payload.get("next"))), status_code=303
        )
        set_session_cookie(response, admission.session_id)
    else:
        assert admission.handle is not None
        log.info("FranceConnect: a first login begins")
        response = RedirectResponse(get_settings().page_url(routes.FRANCECONNECT_SIGNUP), status_code=303)
        _set_cookie(
            response,
            _identity_cookie(),
            admission.handle,
            max_age=int(FRANCECONNECT_IDENTITY_VALIDITY.total_seconds()),
        )
    response.delete_cookie(_flow_cookie(), path=FLOW_COOKIE_PATH)
    return response


async def finished_session(request: Request) -> Response:
    """A first login whose account now exists (or was linked): the FranceConnect session opens."""
    if not same_site(request):
        return forbidden()
    handle = request.cookies.get(_identity_cookie(), "")
    try:
        opened = await run_in_threadpool(
            lambda: accounts_fc.open_finished_session(engine=get_engine(), handle=handle, now=utcnow())
        )
    except DEPENDENCY_ERRORS:
        log.exception("FranceConnect session: the database does not answer")
        return unavailable()
    if opened is None:
        return failure_page(Failure.STATE, "first login unknown, unfinished or already used")
    session_id, next_path = opened
    response = RedirectResponse(get_settings().page_url(routes.safe_next(next_path)), status_code=303)
    set_session_cookie(response, session_id)
    response.delete_cookie(_identity_cookie(), path="/")
    return response


async def logout_at_provider(ended: sessions.EndedSession) -> Response | None:
    """After a FranceConnect session ended locally: the provider's end-session page, or None."""
    config = provider_config()
    if config is None or ended.id_token_encrypted is None:
        return None
    try:
        id_token = secrets_box.decrypt(ended.id_token_encrypted)
        started = await run_in_threadpool(
            lambda: accounts_fc.begin_request(
                engine=get_engine(), purpose=accounts_fc.LOGOUT, payload={}, now=utcnow()
            )
        )
        url = await client_for(config).end_session_url(id_token=id_token, state=started.state)
    except OidcError as error:
        log.warning("FranceConnect logout: %s (%s); local session ended", error.failure.value, error.detail)
        return None
    except (*DEPENDENCY_ERRORS, secrets_box.InvalidToken):
        log.exception("FranceConnect logout: could not prepare the provider's logout; local session ended")
        return None
    if url is None:
        return None
    return _to_provider(url, browser_secret=started.browser_secret)


async def logged_out(request: Request) -> Response:
    """Back from the provider's logout: « Vous êtes déconnecté » (the local session ended before)."""
    state = request.query_params.get("state", "")
    try:
        known = await run_in_threadpool(
            lambda: accounts_fc.consume_request(
                engine=get_engine(),
                state=state,
                browser_secret=request.cookies.get(_flow_cookie(), ""),
                purpose=accounts_fc.LOGOUT,
                now=utcnow(),
            )
        )
    except DEPENDENCY_ERRORS:
        log.exception("FranceConnect logged-out: the database does not answer")
        known = None
    if known is None:
        log.warning("FranceConnect logged-out: unknown or replayed state (nothing to do: no session)")
    response = RedirectResponse(
        get_settings().page_url(f"{routes.LOGGED_OUT}?franceconnect=1"), status_code=303
    )
    response.delete_cookie(_flow_cookie(), path=FLOW_COOKIE_PATH)
    return response


def demo_provider_mount() -> list[Mount]:
    """The demonstration provider under DEMO_PATH: only on a local base URL without an issuer."""
    config = provider_config()
    if not demo_enabled() or config is None or not config.demo:
        return []
    from mespoints import demo_franceconnect

    app = demo_franceconnect.create_app(
        issuer=config.issuer,
        keys=demo_franceconnect.load_or_create_keys(DATA_DIR / "demo-franceconnect-keys.json"),
        client_id=config.client_id,
        client_secret=config.client_secret,
        redirect_uri=config.redirect_uri,
        post_logout_redirect_uri=config.post_logout_redirect_uri,
    )
    return [Mount(DEMO_PATH, app=app)]


ROUTES: list[Route | Mount] = [
    Route(routes.FRANCECONNECT_LOGIN, start_login, methods=["POST"]),
    Route(routes.FRANCECONNECT_CALLBACK, callback, methods=["GET"]),
    Route(routes.FRANCECONNECT_SESSION, finished_session, methods=["POST"]),
    Route(routes.FRANCECONNECT_LOGGED_OUT, logged_out, methods=["GET"]),
]
