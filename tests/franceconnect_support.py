"""Test support for FranceConnect: the demo provider with test keys, a browser stand-in that walks
its login page, and a tampering wrapper that rewrites its answers the way a broken or hostile
provider would. Tampering lives here, in the tests, never in the project's code."""

from __future__ import annotations

import asyncio
import base64
import json
import re
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet
from starlette.applications import Starlette
from starlette.routing import Mount

from mespoints import demo_franceconnect
from mespoints.franceconnect_config import ProviderConfig

ISSUER = "http://fc.test/demo"
PORTAL = "http://portal.test"
CLIENT_ID = "client-de-test"
CLIENT_SECRET = "secret-de-test"


def config(issuer: str = ISSUER, timeout: float = 2.0) -> ProviderConfig:
    return ProviderConfig(
        issuer=issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_uri=f"{PORTAL}/auth/franceconnect/callback",
        post_logout_redirect_uri=f"{PORTAL}/auth/franceconnect/logged-out",
        scopes="openid given_name family_name birthdate email",
        timeout=timeout,
        demo=False,
    )


def signing_key(keys: KeySet) -> ECKey:
    return next(k for k in keys.keys if isinstance(k, ECKey))


def sign(claims: dict[str, Any], key: ECKey, kid: str | None = None) -> str:
    return jwt.encode({"alg": "ES256", "kid": kid or key.kid}, claims, key, algorithms=["ES256"])


def unverified_claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


# ----- tampering -------------------------------------------------------------------------------

Tamper = Callable[[dict[str, Any], KeySet], dict[str, Any]]


def _resign_id_token(
    change: Callable[[dict[str, Any]], None], *, other_key: bool = False, kid: str | None = None
):
    def tamper(body: dict[str, Any], keys: KeySet) -> dict[str, Any]:
        claims = unverified_claims(body["id_token"])
        change(claims)
        key = ECKey.generate_key("P-256", auto_kid=True) if other_key else signing_key(keys)
        body["id_token"] = sign(claims, key, kid=kid or signing_key(keys).kid)
        return body

    return tamper


def _set(**values: Any) -> Callable[[dict[str, Any]], None]:
    return lambda claims: claims.update(values)


ID_TOKEN_TAMPERING: dict[str, Tamper] = {
    "bad_signature": _resign_id_token(lambda c: None, other_key=True),
    "unknown_kid": _resign_id_token(lambda c: None, other_key=True, kid="cle-inconnue"),
    "wrong_aud": _resign_id_token(_set(aud="un-autre-service")),
    "wrong_iss": _resign_id_token(_set(iss="http://faux-fournisseur.test")),
    "expired": _resign_id_token(_set(exp=int(time.time()) - 3600, iat=int(time.time()) - 7200)),
    "future_iat": _resign_id_token(_set(iat=int(time.time()) + 3600)),
    "wrong_nonce": _resign_id_token(_set(nonce="un-autre-nonce-de-plus-de-trente-deux-caracteres")),
    "wrong_acr": _resign_id_token(_set(acr="eidas0")),
    "no_acr": _resign_id_token(lambda c: c.pop("acr")),
}


def unsigned_userinfo(body: bytes, keys: KeySet) -> tuple[bytes, str]:
    return json.dumps(unverified_claims(body.decode())).encode(), "application/json"


def tampered_userinfo(body: bytes, keys: KeySet) -> tuple[bytes, str]:
    header, _, signature = body.decode().split(".")
    claims = unverified_claims(body.decode())
    claims["family_name"] = "MARTIN-DÉMO"
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{payload}.{signature}".encode(), "application/jwt"


def other_sub_userinfo(body: bytes, keys: KeySet) -> tuple[bytes, str]:
    claims = unverified_claims(body.decode())
    claims["sub"] = "quelqu-un-d-autre"
    return sign(claims, signing_key(keys)).encode(), "application/jwt"


USERINFO_TAMPERING = {
    "unsigned_userinfo": unsigned_userinfo,
    "tampered_userinfo": tampered_userinfo,
    "other_sub_userinfo": other_sub_userinfo,
}


class TamperingProvider:
    """ASGI wrapper around the demo provider: `mode` names the misbehaviour (None: faithful)."""

    def __init__(self, app: Any, keys: KeySet, *, slow_seconds: float = 5.0) -> None:
        self.app = app
        self.keys = keys
        self.mode: str | None = None
        self.slow_seconds = slow_seconds
        self.jwks_fetches = 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path.endswith("/jwks"):
            self.jwks_fetches += 1
        mode = self.mode
        if mode == "slow" and path.endswith("/token"):
            await asyncio.sleep(self.slow_seconds)
        rewrite = None
        if mode in ID_TOKEN_TAMPERING and path.endswith("/token"):
            tamper = ID_TOKEN_TAMPERING[mode]

            def rewrite(body: bytes) -> tuple[bytes, str]:
                return json.dumps(tamper(json.loads(body), self.keys)).encode(), "application/json"

        elif mode in USERINFO_TAMPERING and path.endswith("/userinfo"):

            def rewrite(body: bytes) -> tuple[bytes, str]:
                return USERINFO_TAMPERING[mode](body, self.keys)  # type: ignore[index]

        if rewrite is None:
            await self.app(scope, receive, send)
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    body, content_type = rewrite(b"".join(chunks))
                    headers = [
                        (k, v)
                        for k, v in start.get("headers", [])
                        if k.lower() not in (b"content-length", b"content-type")
                    ]
                    headers += [
                        (b"content-length", str(len(body)).encode()),
                        (b"content-type", content_type.encode()),
                    ]
                    await send({**start, "headers": headers})
                    await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, capture)


def provider(issuer: str = ISSUER, *, redirect_base: str = PORTAL) -> tuple[TamperingProvider, KeySet]:
    keys = demo_franceconnect.new_keys()
    app = demo_franceconnect.create_app(
        issuer=issuer,
        keys=keys,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_uri=f"{redirect_base}/auth/franceconnect/callback",
        post_logout_redirect_uri=f"{redirect_base}/auth/franceconnect/logged-out",
    )
    mounted = Starlette(routes=[Mount(urlsplit(issuer).path, app=app)]) if urlsplit(issuer).path else app
    return TamperingProvider(mounted, keys), keys


# ----- a browser stand-in on the provider's pages ------------------------------------------------


async def choose_person(
    transport: httpx.AsyncBaseTransport, authorization_url: str, person_key: str, *, cancel: bool = False
) -> dict[str, str]:
    """Open the provider's login page, pick a person (or cancel): the callback's query parameters."""
    async with httpx.AsyncClient(transport=transport) as browser:
        page = await browser.get(authorization_url)
        assert page.status_code == 200, page.text
        assert "démonstration" in page.text
        transaction = re.search(r'name="transaction" value="([^"]+)"', page.text)
        action = re.search(r'<form method="post" action="([^"]+)"', page.text)
        assert transaction and action
        data = {"transaction": transaction.group(1)}
        data.update({"annuler": "1"} if cancel else {"personne": person_key})
        answer = await browser.post(action.group(1), data=data)
    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    assert (
        location.startswith(f"{PORTAL}/auth/franceconnect/callback?")
        or "/auth/franceconnect/callback?" in location
    )
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}
