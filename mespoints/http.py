"""Backend HTTP routes (health, session ticket, logout, downloads) and the security-headers middleware."""

from __future__ import annotations

import asyncio
import base64
import gzip
import hashlib
import logging
import re
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mespoints import routes
from mespoints.db.engine import get_engine, read_only_connection
from mespoints.settings import Settings, get_settings

log = logging.getLogger(__name__)


async def health(_request: Request) -> JSONResponse:
    """200 when the portal and its database answer, 503 otherwise (interfaces.md section 5)."""
    try:
        # In a thread: a database out of reach (up to the 3 s connect timeout) never stalls the
        # worker's event loop, and with it every page that worker serves.
        await asyncio.to_thread(_ping_database)
    except Exception:
        log.exception("health check: the database does not answer")
        return JSONResponse({"status": "error", "database": "unavailable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})


def _ping_database() -> None:
    with read_only_connection(get_engine()) as connection:
        connection.execute(text("SELECT 1"))


def _extra_routes() -> list[BaseRoute]:
    # Imported lazily so the health route works even before the account tables exist.
    from mespoints.auth_routes import ROUTES
    from mespoints.document_routes import ROUTES as DOCUMENT_ROUTES
    from mespoints.franceconnect_routes import ROUTES as FRANCECONNECT_ROUTES
    from mespoints.franceconnect_routes import demo_provider_mount

    return [*ROUTES, *DOCUMENT_ROUTES, *FRANCECONNECT_ROUTES, *demo_provider_mount()]


def backend_routes() -> Starlette:
    return Starlette(routes=[Route(routes.HEALTH, health, methods=["GET"]), *_extra_routes()])


# The largest message a client may send on the event socket (/_event); engine.io closes the socket
# of a client that sends more. The largest legitimate event, a 2,000-character attestation code
# carried by the verifier's URL and form, stays under 10 KB (tests/e2e/test_event_socket.py).
EVENT_MESSAGE_LIMIT = 64 * 1024

SECURITY_HEADERS = {
    b"x-content-type-options": b"nosniff",
    b"x-frame-options": b"DENY",
    b"referrer-policy": b"same-origin",
    b"permissions-policy": b"camera=(), microphone=(), geolocation=(), interest-cohort=()",
    b"cross-origin-opener-policy": b"same-origin",
}
# Built by Vite with a content hash in the name (name-Ab12_x-Y.js): a new build has new names.
_HASHED_ASSET = re.compile(r"^/assets/.+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$")
IMMUTABLE = b"public, max-age=31536000, immutable"
# Pages may show personal data: neither the browser nor a proxy keeps them.
NO_STORE = b"no-store"
# The portal's own unhashed files (favicon, licence pictures): kept, but checked on each use.
REVALIDATE = b"no-cache"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(settings: Settings, script_hashes: Iterable[str] = ()) -> str:
    """The policy of every response (docs/en-tetes-http.md explains each source and exception).

    No 'unsafe-eval' (nothing calls rx.call_script) and no inline script but the page's own,
    allowed by their SHA-256 (`script_hashes`). Emotion writes <style> elements at run time:
    style-src keeps 'unsafe-inline', the one documented exception.
    """
    backend = _origin(settings.backend_url)
    socket = backend.replace("https://", "wss://", 1).replace("http://", "ws://", 1)
    # The pages' origin too: under `make dev` a backend page's form (the demo provider's) ends on
    # a page of the front end's port, and Chrome checks each redirect after a POST.
    form_targets = ["'self'", _origin(settings.base_url), backend]
    if settings.franceconnect_issuer:
        # Chrome applies form-action to the redirect that follows the POST starting a login.
        form_targets.append(_origin(settings.franceconnect_issuer.strip()))
    directives = [
        "default-src 'self'",
        " ".join(["script-src 'self'", *(f"'sha256-{digest}'" for digest in sorted(set(script_hashes)))]),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        f"connect-src 'self' {backend} {socket}",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action " + " ".join(dict.fromkeys(form_targets)),
    ]
    if settings.uses_https:
        directives.append("upgrade-insecure-requests")
    return "; ".join(directives)


class _InlineScripts(HTMLParser):
    """Collects the text of a page's inline <script> elements, as the browser hashes it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self._current: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and not any(name == "src" for name, _ in attrs):
            self._current = []

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._current is not None:
            self.scripts.append("".join(self._current))
            self._current = None


_HASHES_BY_PAGE: dict[bytes, tuple[str, ...]] = {}


def inline_script_hashes(html: bytes) -> tuple[str, ...]:
    """SHA-256 (base64) of each inline script of an HTML page. The exported pages are static, so
    each distinct page is parsed once (cached by the page's digest, never by its content)."""
    digest = hashlib.sha256(html).digest()
    cached = _HASHES_BY_PAGE.get(digest)
    if cached is not None:
        return cached
    parser = _InlineScripts()
    parser.feed(html.decode("utf-8", errors="replace"))
    parser.close()
    hashes = tuple(
        base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
        for script in parser.scripts
    )
    if len(_HASHES_BY_PAGE) < 1024:  # the portal has a few dozen pages; dynamic ones are not kept
        _HASHES_BY_PAGE[digest] = hashes
    return hashes


def _merge_vary(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """One Vary header, each value once (Starlette's GZip and CORS middlewares both append)."""
    values: dict[bytes, bytes] = {}
    others = []
    for name, value in headers:
        if name.lower() == b"vary":
            for item in value.split(b","):
                if item.strip():
                    values.setdefault(item.strip().lower(), item.strip())
        else:
            others.append((name, value))
    if values:
        others.append((b"vary", b", ".join(values.values())))
    return others


class SecurityHeaders:
    """Adds security headers to every HTTP response, pages and API alike.

    Pages may show personal data, so no response is stored by the browser or a proxy
    (the back button after logout shows nothing personal), except the hashed build assets
    (immutable) and the portal's own pictures (revalidated).
    An HTML page is held until complete to hash its inline scripts into its policy.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        settings = get_settings()
        self.settings = settings
        # Over https, browsers are told to come back over https only (a year, subdomains too).
        self.headers = dict(SECURITY_HEADERS)
        if settings.uses_https:
            self.headers[b"strict-transport-security"] = b"max-age=31536000; includeSubDomains"
        self.headers[b"content-security-policy"] = content_security_policy(settings).encode()

    def _policy_for(self, html: bytes) -> bytes:
        return content_security_policy(self.settings, inline_script_hashes(html)).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        start: Message | None = None
        held: list[Message] = []

        def finish(message: Message, html: bytes | None) -> Message:
            headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in self.headers]
            headers += list(self.headers.items())
            if html is not None:
                headers = [(k, v) for k, v in headers if k.lower() != b"content-security-policy"]
                headers.append((b"content-security-policy", self._policy_for(html)))
            status = message.get("status", 200)
            if status == 200 and _HASHED_ASSET.match(path):
                cache = IMMUTABLE
            elif status in (200, 304) and html is None and _is_public_file(path):
                cache = REVALIDATE
            else:
                cache = NO_STORE
            headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
            headers.append((b"cache-control", cache))
            return {**message, "headers": _merge_vary(headers)}

        async def send_with_headers(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                if _is_html(message):
                    start = message  # held until the body is complete
                    return
                await send(finish(message, None))
                return
            if start is None:
                await send(message)
                return
            held.append(message)
            if message["type"] == "http.response.pathsend":
                # Granian sends static files by path (ASGI pathsend extension): read the page.
                body = Path(message["path"]).read_bytes()
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                body = b"".join(part.get("body", b"") for part in held)
            else:
                return
            await send(finish(start, _decoded(start, body)))
            start = None
            for part in held:
                await send(part)

        await self.app(scope, receive, send_with_headers)


class SlashlessPages:
    """Serves a page at the address people type, without the trailing slash, with no redirect.

    The production build stores each page as `<route>/index.html`; Starlette's static files
    answer `/connexion` with a 307 to `/connexion/` (about 600 ms on a phone, Lighthouse). Here a
    GET or HEAD of a path that is exactly a built page is served as that page's directory.
    Nothing else changes: backend routes, assets and unknown paths go through untouched.
    """

    def __init__(self, app: ASGIApp, static_dir: Path | None = None) -> None:
        self.app = app
        self._static_dir = static_dir
        self._known: dict[str, bool] = {}

    def _static(self) -> Path:
        if self._static_dir is None:
            from reflex.constants import Dirs
            from reflex.utils.prerequisites import get_web_dir

            self._static_dir = (get_web_dir() / Dirs.STATIC).resolve()
        return self._static_dir

    def _is_page(self, path: str) -> bool:
        known = self._known.get(path)
        if known is None:
            parts = path.strip("/").split("/")
            known = all(_PAGE_SEGMENT.fullmatch(part) for part in parts) and (
                self._static().joinpath(*parts, "index.html").is_file()
            )
            if len(self._known) < 1024:  # the pages of the portal; never grows with visitors' typos
                self._known[path] = known
        return known

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if (
            scope["type"] == "http"
            and scope.get("method") in ("GET", "HEAD")
            and len(path) > 1
            and not path.endswith("/")
            and self._is_page(path)
        ):
            scope = {**scope, "path": path + "/", "raw_path": (path + "/").encode()}
        await self.app(scope, receive, send)


# A page's address: lower-case words and dashes (routes.py), never "..", dots or encoded bytes.
_PAGE_SEGMENT = re.compile(r"[a-z0-9][a-z0-9-]*")


def _is_html(message: Message) -> bool:
    for name, value in message.get("headers", []):
        if name.lower() == b"content-type":
            return bytes(value).lower().startswith(b"text/html")
    return False


def _decoded(message: Message, body: bytes) -> bytes:
    for name, value in message.get("headers", []):
        if name.lower() == b"content-encoding" and value.strip().lower() == b"gzip":
            return gzip.decompress(body)
    return body


def _is_public_file(path: str) -> bool:
    """A file of assets/ served as is (favicon, pictures): no personal data in it."""
    return path.rsplit("/", 1)[-1].endswith((".svg", ".png", ".ico", ".webp", ".woff2", ".txt"))
