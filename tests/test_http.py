"""Backend HTTP routes: health, session ticket exchange, logout, security headers."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from mespoints import http
from mespoints.db.engine import make_engine
from mespoints.routes import safe_next


@pytest.fixture
def client(sqlite_engine, monkeypatch):
    monkeypatch.setattr(http, "get_engine", lambda: sqlite_engine)
    import mespoints.auth_routes as auth_routes

    monkeypatch.setattr(auth_routes, "get_engine", lambda: sqlite_engine)
    app = http.SecurityHeaders(http.backend_routes())
    return TestClient(app, follow_redirects=False)


def test_health_says_ok_when_the_database_answers(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_health_answers_503_when_the_database_does_not(monkeypatch, tmp_path):
    broken = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    monkeypatch.setattr(http, "get_engine", lambda: broken)
    response = TestClient(http.backend_routes()).get("/health")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


def test_every_response_carries_the_security_headers_and_no_store(client):
    response = client.get("/health")
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"


def test_an_unknown_ticket_sends_back_to_login_without_a_cookie(client):
    response = client.post("/auth/session", data={"ticket": "nope", "suite": "/tableau-de-bord"})
    assert response.status_code == 303
    assert response.headers["location"].startswith("/connexion")
    assert "set-cookie" not in response.headers


def test_logout_clears_the_cookie_and_goes_to_the_logged_out_page(client):
    client.cookies.set("mpp_session", "whatever")
    response = client.post("/auth/logout")
    assert response.status_code == 303
    assert response.headers["location"] == "/deconnexion"
    assert 'mpp_session=""' in response.headers["set-cookie"]


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/compte", "/compte"),
        ("https://evil.example/x", "/tableau-de-bord"),
        ("//evil.example", "/tableau-de-bord"),
        ("/\\evil.example", "/tableau-de-bord"),
        (None, "/tableau-de-bord"),
        ("/auth/logout", "/tableau-de-bord"),
    ],
)
def test_redirects_after_login_stay_on_the_portal(target, expected):
    assert safe_next(target) == expected


def test_a_cross_site_post_cannot_log_anyone_in_or_out(client):
    # Login CSRF: an attacker's own ticket posted from another site must not set a cookie.
    response = client.post(
        "/auth/session",
        data={"ticket": "attacker-ticket"},
        headers={"origin": "https://evil.example", "sec-fetch-site": "cross-site"},
    )
    assert response.status_code == 403
    assert "set-cookie" not in response.headers
    client.cookies.set("mpp_session", "victim")
    response = client.post("/auth/logout", headers={"origin": "https://evil.example"})
    assert response.status_code == 403
    assert "set-cookie" not in response.headers


def test_logout_is_a_post_only(client):
    assert client.get("/auth/logout").status_code == 405


def test_a_same_origin_post_is_accepted(client):
    response = client.post(
        "/auth/logout", headers={"origin": "http://testserver", "sec-fetch-site": "same-origin"}
    )
    assert response.status_code == 303


def test_health_answers_while_another_process_holds_the_write_lock(client, sqlite_engine):
    import sqlite3

    writer = sqlite3.connect(sqlite_engine.url.database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        response = client.get("/health")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert response.status_code == 200


def test_the_development_mailbox_is_shown_only_to_this_machine():
    from mespoints.state.mailbox import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("::1")
    assert not is_loopback("192.168.1.20") and not is_loopback("") and not is_loopback("unknown")


@pytest.fixture
def broken_database(monkeypatch):
    """The session routes pointed at a database that does not answer."""
    import mespoints.auth_routes as auth_routes

    broken = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    monkeypatch.setattr(auth_routes, "get_engine", lambda: broken)
    return TestClient(http.backend_routes(), follow_redirects=False)


def test_a_login_while_the_database_is_down_leads_to_the_unavailable_page(broken_database, caplog):
    response = broken_database.post("/auth/session", data={"ticket": "t"})
    assert response.status_code == 303
    assert response.headers["location"] == "/service-indisponible"
    assert "set-cookie" not in response.headers
    assert "the database does not answer" in caplog.text


def test_a_logout_while_the_database_is_down_still_forgets_the_cookie(broken_database):
    broken_database.cookies.set("mpp_session", "abc")
    response = broken_database.post("/auth/logout")
    assert response.headers["location"] == "/service-indisponible"
    assert 'mpp_session=""' in response.headers["set-cookie"]


def test_an_event_handler_failing_on_the_database_shows_the_unavailable_page(caplog):
    from sqlalchemy.exc import OperationalError

    from mespoints.mespoints import on_backend_exception
    from mespoints.state.scripts import PageLoadState

    spec = on_backend_exception(OperationalError("SELECT 1", {}, Exception("connection refused")))
    assert spec.handler.fn is PageLoadState.show_unavailable.fn
    other = on_backend_exception(ValueError("bug"))
    assert "show_unavailable" not in str(other)
    assert "unhandled error in an event handler" in caplog.text


# --- the session cookie on a portal in service (issue 7, item 7) -------------------------------

PUBLIC_KEY = "b2K5n0kqkz3n0Jw8fQe0Jm6cJtQy4xq1m2p3r4s5t6U="


@pytest.fixture
def demo_ticket(sqlite_engine):
    """A one-time login ticket of a demo account (created while the portal is local)."""
    from sqlmodel import Session, select

    from mespoints.db.accounts import Account
    from mespoints.services import sessions
    from mespoints.services.clock import utcnow
    from mespoints.services.demo import DEMO_ACCOUNTS, load_demo_data

    load_demo_data(sqlite_engine)
    with Session(sqlite_engine) as session:
        account_id = session.exec(select(Account.id).where(Account.email == DEMO_ACCOUNTS[0].email)).one()
    assert account_id is not None
    return sessions.create_login_ticket(engine=sqlite_engine, account_id=account_id, now=utcnow())


@pytest.fixture
def public_https(monkeypatch):
    """The portal in service at https://points.example.fr."""
    from mespoints.settings import get_settings

    monkeypatch.setenv("MESPOINTS_BASE_URL", "https://points.example.fr")
    monkeypatch.setenv("MESPOINTS_SECRET_KEY", PUBLIC_KEY)
    monkeypatch.setenv("MESPOINTS_ATTESTATION_KEYS", "k1:" + "A" * 43)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def cookie_state(header: str):
    """What `session_id_of` reads of a Reflex state: the Cookie header of its connection."""
    from types import SimpleNamespace

    return SimpleNamespace(router=SimpleNamespace(headers=SimpleNamespace(cookie=header)))


def test_on_https_the_session_cookie_is_host_prefixed_secure_and_httponly(demo_ticket, public_https, client):
    from mespoints.state.auth import session_id_of

    response = client.post("/auth/session", data={"ticket": demo_ticket, "suite": "/compte"})
    assert response.status_code == 303 and response.headers["location"] == "/compte"
    set_cookie = response.headers["set-cookie"]
    name, _, rest = set_cookie.partition("=")
    assert name == "__Host-mpp_session"
    attributes = [part.strip().lower() for part in rest.split(";")[1:]]
    assert {"secure", "httponly", "path=/", "samesite=lax"} <= set(attributes)
    assert not any(attribute.startswith("domain") for attribute in attributes)
    session_id = rest.split(";")[0]
    # The state reads that very cookie, and ignores a plain one (which a sibling host could plant).
    assert session_id_of(cookie_state(f"__Host-mpp_session={session_id}")) == session_id  # type: ignore[arg-type]
    assert session_id_of(cookie_state(f"mpp_session={session_id}")) is None  # type: ignore[arg-type]


def test_on_https_logout_ends_the_session_of_the_host_prefixed_cookie(
    demo_ticket, public_https, client, sqlite_engine
):
    from mespoints.services import sessions
    from mespoints.services.clock import utcnow

    session_id = client.post("/auth/session", data={"ticket": demo_ticket}).cookies["__Host-mpp_session"]
    assert sessions.resolve_session(engine=sqlite_engine, session_id=session_id, now=utcnow())
    client.cookies.set("__Host-mpp_session", session_id)
    response = client.post("/auth/logout")
    assert response.status_code == 303
    assert response.headers["set-cookie"].startswith('__Host-mpp_session="";')
    assert "secure" in response.headers["set-cookie"].lower()
    assert sessions.resolve_session(engine=sqlite_engine, session_id=session_id, now=utcnow()) is None


def test_on_local_http_the_cookie_keeps_its_plain_name_without_secure(demo_ticket, client):
    from mespoints.state.auth import session_id_of

    response = client.post("/auth/session", data={"ticket": demo_ticket})
    set_cookie = response.headers["set-cookie"]
    assert set_cookie.startswith("mpp_session=") and "secure" not in set_cookie.lower()
    session_id = set_cookie.split(";")[0].partition("=")[2]
    assert session_id_of(cookie_state(f"mpp_session={session_id}")) == session_id  # type: ignore[arg-type]


# --- the security headers of every response (issue 12) ------------------------------------------

INLINE_SCRIPTS = ('window.__ctx = {"a": 1};', "\n  import('/assets/entry-AbCdEf12.js');\n")
PAGE = (
    "<!DOCTYPE html><html><head><script>" + INLINE_SCRIPTS[0] + "</script>"
    '<script type="module" src="/assets/manifest-AbCdEf12.js"></script></head>'
    '<body><p>é</p><script type="module">' + INLINE_SCRIPTS[1] + "</script></body></html>"
)


def sha256_source(script: str) -> str:
    import base64
    import hashlib

    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def policy(response) -> dict[str, list[str]]:
    directives = [d.split() for d in response.headers["content-security-policy"].split(";")]
    return {d[0]: d[1:] for d in directives if d}


@pytest.fixture
def front_end(client):
    """Pages, hashed assets, the portal's own files and a download behind the same middleware, as
    the production build serves them (one port), beside the real backend routes."""
    import gzip

    from starlette.applications import Starlette
    from starlette.responses import HTMLResponse, Response
    from starlette.routing import Route

    async def page(_request):
        return HTMLResponse(PAGE)

    async def gzipped_page(_request):
        return Response(
            gzip.compress(PAGE.encode()), media_type="text/html", headers={"content-encoding": "gzip"}
        )

    async def asset(_request):
        return Response("export {}", media_type="text/javascript", headers={"cache-control": "no-cache"})

    async def picture(_request):
        return Response("<svg/>", media_type="image/svg+xml")

    async def download(_request):
        return Response(b"%PDF-1.7", media_type="application/pdf", headers={"vary": "Cookie"})

    async def varied(_request):
        response = Response("{}", media_type="application/json", headers={"vary": "Accept-Encoding"})
        response.headers.append("vary", "accept-encoding, Origin")
        response.headers.append("Vary", "Cookie, origin")
        return response

    app = Starlette(
        routes=[
            Route("/tableau-de-bord", page),
            Route("/gz", gzipped_page),
            Route("/assets/entry-AbCdEf12.js", asset),
            Route("/assets/unhashed.js", asset),
            Route("/favicon.svg", picture),
            Route("/documents/attestation.pdf", download),
            Route("/varied", varied),
        ]
    )
    return TestClient(http.SecurityHeaders(app), follow_redirects=False)


def assert_hardened(response) -> None:
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["script-src"][0] == "'self'"
    assert all(source.startswith("'sha256-") for source in directives["script-src"][1:])
    assert "'unsafe-eval'" not in headers["content-security-policy"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "*" not in headers["content-security-policy"].split()
    assert len(headers.get_list("content-security-policy")) == 1


def test_a_page_allows_exactly_its_own_inline_scripts_and_is_never_stored(front_end):
    response = front_end.get("/tableau-de-bord")
    assert response.text == PAGE  # the page is held to be hashed, never changed
    assert_hardened(response)
    assert policy(response)["script-src"] == ["'self'", *sorted(sha256_source(s) for s in INLINE_SCRIPTS)]
    assert response.headers["cache-control"] == "no-store"


def test_a_compressed_page_is_hashed_from_its_decompressed_text(front_end):
    response = front_end.get("/gz")
    assert set(policy(response)["script-src"][1:]) == {sha256_source(s) for s in INLINE_SCRIPTS}


def test_a_hashed_asset_is_cached_for_a_year_and_immutable(front_end):
    response = front_end.get("/assets/entry-AbCdEf12.js")
    assert_hardened(response)
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert len(response.headers.get_list("cache-control")) == 1


def test_an_unhashed_or_missing_asset_is_not_cached_as_immutable(front_end):
    assert front_end.get("/assets/unhashed.js").headers["cache-control"] == "no-store"
    missing = front_end.get("/assets/gone-AbCdEf12.js")
    assert missing.status_code == 404
    assert missing.headers["cache-control"] == "no-store"
    assert front_end.get("/favicon.svg").headers["cache-control"] == "no-cache"


def test_an_api_route_and_a_download_carry_the_headers_and_are_never_stored(front_end, client):
    for response in (client.get("/health"), front_end.get("/documents/attestation.pdf")):
        assert_hardened(response)
        assert response.headers["cache-control"] == "no-store"
        assert policy(response)["script-src"] == ["'self'"]


def test_vary_is_one_header_and_never_repeats_a_value(front_end):
    response = front_end.get("/varied")
    assert response.headers.get_list("vary") == ["Accept-Encoding, Origin, Cookie"]


def test_the_policy_reaches_only_the_portal_its_socket_and_its_identity_provider(monkeypatch):
    from mespoints.settings import get_settings

    monkeypatch.setenv("MESPOINTS_FRANCECONNECT_ISSUER", "https://fc.example.gouv.fr/api/v2")
    get_settings.cache_clear()
    try:
        settings = get_settings()
        directives = {
            d.split()[0]: d.split()[1:] for d in http.content_security_policy(settings, ["abc="]).split("; ")
        }
    finally:
        get_settings.cache_clear()
    origin = settings.base_url.rstrip("/")
    assert directives["connect-src"] == ["'self'", origin, origin.replace("http", "ws", 1)]
    assert directives["form-action"] == ["'self'", origin, "https://fc.example.gouv.fr"]
    assert directives["script-src"] == ["'self'", "'sha256-abc='"]
    assert directives["style-src"] == ["'self'", "'unsafe-inline'"]  # Emotion: the documented exception
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["font-src"] == ["'self'"]


def test_on_https_browsers_are_told_to_use_https_only(public_https):
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    async def hello(_request):
        return PlainTextResponse("ok")

    app = http.SecurityHeaders(Starlette(routes=[Route("/", hello)]))
    response = TestClient(app, base_url="https://points.example.fr").get("/")
    assert response.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    assert "wss://points.example.fr" in policy(response)["connect-src"]
    assert "upgrade-insecure-requests" in policy(response)


def test_on_local_http_no_hsts_is_sent(client):
    assert "strict-transport-security" not in client.get("/health").headers


def test_a_page_sent_by_path_is_hashed_from_its_file(tmp_path):
    """Granian serves static files with the ASGI pathsend extension: the page is read by path."""
    import asyncio

    page_file = tmp_path / "connexion.html"
    page_file.write_text(PAGE)

    async def static(_scope, _receive, send):
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html")]}
        )
        await send({"type": "http.response.pathsend", "path": str(page_file)})

    sent: list[dict] = []

    async def collect(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request"}

    scope = {"type": "http", "path": "/connexion/", "method": "GET", "headers": []}
    asyncio.run(http.SecurityHeaders(static)(scope, receive, collect))
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.pathsend"]
    header = dict(sent[0]["headers"])[b"content-security-policy"].decode()
    assert all(sha256_source(s) in header for s in INLINE_SCRIPTS)


def test_a_built_page_is_served_at_its_address_without_a_trailing_slash_redirect(tmp_path):
    import asyncio

    from mespoints.http import SlashlessPages

    (tmp_path / "connexion").mkdir()
    (tmp_path / "connexion" / "index.html").write_text("<html></html>")
    (tmp_path / "tableau-de-bord" / "historique").mkdir(parents=True)
    (tmp_path / "tableau-de-bord" / "historique" / "index.html").write_text("<html></html>")
    seen: list[tuple[str, bytes]] = []

    async def inner(scope, receive, send):
        seen.append((scope["path"], scope.get("raw_path", b"")))

    middleware = SlashlessPages(inner, static_dir=tmp_path)

    def path_seen(path: str, method: str = "GET") -> str:
        seen.clear()
        scope = {"type": "http", "method": method, "path": path, "raw_path": path.encode()}
        asyncio.run(middleware(scope, None, None))
        return seen[0][0]

    assert path_seen("/connexion") == "/connexion/"
    assert path_seen("/connexion", "HEAD") == "/connexion/"
    assert path_seen("/tableau-de-bord/historique") == "/tableau-de-bord/historique/"
    assert seen[0][1] == b"/tableau-de-bord/historique/"
    # Everything else goes through untouched.
    assert path_seen("/connexion", "POST") == "/connexion"
    assert path_seen("/connexion/") == "/connexion/"
    assert path_seen("/") == "/"
    assert path_seen("/health") == "/health"
    assert path_seen("/inconnu") == "/inconnu"
    assert path_seen("/../connexion") == "/../connexion"
    assert path_seen("/Connexion") == "/Connexion"
    assert path_seen("/connexion/index.html") == "/connexion/index.html"


def test_the_ticket_exchange_and_logout_query_the_database_off_the_event_loop(
    demo_ticket, client, monkeypatch
):
    """A worker's event loop serves every socket of that worker: a slow database must not stall it."""
    import asyncio

    import mespoints.auth_routes as auth_routes
    from mespoints.services import sessions

    on_loop: dict[str, bool] = {}

    def watched(name):  # type: ignore[no-untyped-def]
        real = getattr(sessions, name)

        def call(**kwargs):  # type: ignore[no-untyped-def]
            try:
                asyncio.get_running_loop()
                on_loop[name] = True
            except RuntimeError:
                on_loop[name] = False
            return real(**kwargs)

        monkeypatch.setattr(auth_routes.sessions, name, call)

    watched("redeem_login_ticket")
    watched("end_session")
    session_id = client.post("/auth/session", data={"ticket": demo_ticket}).cookies["mpp_session"]
    client.cookies.set("mpp_session", session_id)
    assert client.post("/auth/logout").status_code == 303
    assert on_loop == {"redeem_login_ticket": False, "end_session": False}
