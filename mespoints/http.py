"""Backend HTTP routes (health, session ticket, logout, downloads) and the security-headers middleware."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mespoints import routes
from mespoints.db.engine import get_engine, read_only_connection
from mespoints.settings import get_settings

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


SECURITY_HEADERS = {
    b"x-content-type-options": b"nosniff",
    b"x-frame-options": b"DENY",
    b"referrer-policy": b"same-origin",
    b"permissions-policy": b"camera=(), microphone=(), geolocation=(), interest-cohort=()",
    b"cross-origin-opener-policy": b"same-origin",
}


class SecurityHeaders:
    """Adds security headers to every HTTP response, pages and API alike.

    Pages may show personal data, so no response is stored by the browser or a proxy
    (the back button after logout shows nothing personal), except the hashed build assets.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        # Over https, browsers are told to come back over https only (a year, subdomains too).
        self.headers = dict(SECURITY_HEADERS)
        if get_settings().uses_https:
            self.headers[b"strict-transport-security"] = b"max-age=31536000; includeSubDomains"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        immutable = path.startswith("/assets/") or path.endswith((".js", ".css", ".woff2", ".svg", ".png"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in self.headers]
                headers += list(self.headers.items())
                if not immutable:
                    headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
