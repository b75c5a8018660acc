"""The demo provider with test keys behind the tampering wrapper, served on its own port by the
browser tests of FranceConnect failures (`python -m granian … tests.e2e.fc_tampering_app:app`).

POST /__mode with a mode name (tests.franceconnect_support) switches its misbehaviour; an empty
body makes it faithful again. This exists only in the tests.
"""

from __future__ import annotations

import os

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route

from tests import franceconnect_support as fc

ISSUER = os.environ["FC_TEST_ISSUER"]
PORTAL = os.environ["FC_TEST_PORTAL"]

tampering, _keys = fc.provider(ISSUER, redirect_base=PORTAL)
tampering.slow_seconds = float(os.environ.get("FC_TEST_SLOW_SECONDS", "6"))


async def set_mode(request: Request) -> PlainTextResponse:
    tampering.mode = (await request.body()).decode() or None
    return PlainTextResponse(tampering.mode or "fidele")


app = Starlette(routes=[Route("/__mode", set_mode, methods=["POST"]), Mount("", app=tampering)])
