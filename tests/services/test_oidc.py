"""The OpenID Connect client against the demo provider (over ASGI HTTP), faithful and tampered."""

from __future__ import annotations

import asyncio
import socket
import time
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from mespoints.services import oidc
from mespoints.services.oidc import Failure, OidcClient, OidcError
from tests import franceconnect_support as fc

# A licence of the demo national file with no account in the tests.
HUGO = "211005RO0077"


@pytest.fixture(autouse=True)
def _fresh_caches():
    oidc.clear_caches()
    yield
    oidc.clear_caches()


@pytest.fixture
def provider():
    wrapped, _keys = fc.provider()
    return wrapped


def _secrets() -> dict[str, str]:
    return {"state": "s" * 43, "nonce": "n" * 43, "code_verifier": "v" * 64}


async def _login(provider, *, person: str = HUGO, client: OidcClient | None = None):  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=provider)
    client = client or OidcClient(fc.config(), transport=transport)
    values = _secrets()
    url = await client.authorization_url(**values)
    callback = await fc.choose_person(transport, url, person)
    assert callback["state"] == values["state"]
    return await client.identify(
        code=callback["code"], code_verifier=values["code_verifier"], nonce=values["nonce"]
    )


def test_the_authorization_request_asks_for_pkce_s256_eidas1_the_scopes_and_a_nonce(provider) -> None:
    client = OidcClient(fc.config(), transport=httpx.ASGITransport(app=provider))
    url = asyncio.run(client.authorization_url(**_secrets()))
    query = {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
    assert url.startswith(f"{fc.ISSUER}/authorize?")
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert "code_verifier" not in query
    assert query["acr_values"] == "eidas1"
    assert query["scope"] == "openid given_name family_name birthdate email"
    assert query["state"] == "s" * 43 and query["nonce"] == "n" * 43
    assert query["redirect_uri"] == f"{fc.PORTAL}/auth/franceconnect/callback"


def test_a_faithful_login_gives_the_verified_identity_from_the_signed_userinfo(provider) -> None:
    identity = asyncio.run(_login(provider))
    assert identity.family_name == "ROUSSEAU-TEST"
    assert identity.given_name == "Hugo"
    assert identity.birthdate == "2001-12-01"
    assert identity.email.endswith("@demo-franceconnect.fr")
    assert fc.unverified_claims(identity.id_token)["sub"] == identity.sub


def test_the_client_authenticates_with_client_secret_basic_when_discovery_allows_only_that(provider) -> None:
    seen: list[str] = []

    async def spy(scope, receive, send):  # type: ignore[no-untyped-def]
        if scope["type"] == "http" and scope["path"].endswith("/.well-known/openid-configuration"):

            async def only_basic(message):  # type: ignore[no-untyped-def]
                if message["type"] == "http.response.body" and message.get("body"):
                    body = message["body"].replace(b'"client_secret_post",', b"")
                    assert body != message["body"], "discovery offered client_secret_post first"
                    message = {**message, "body": body}
                await send(message)

            await provider(scope, receive, only_basic)
            return
        if scope["type"] == "http" and scope["path"].endswith("/token"):
            seen.append(dict(scope["headers"]).get(b"authorization", b"").decode()[:6])
        await provider(scope, receive, send)

    # httpx's ASGI transport reads the body as sent, whatever the Content-Length header says.
    client = OidcClient(fc.config(), transport=httpx.ASGITransport(app=spy))
    asyncio.run(_login(provider, client=client))
    assert seen == ["Basic "]


@pytest.mark.parametrize(
    "mode",
    [
        "bad_signature",
        "unknown_kid",
        "wrong_aud",
        "wrong_iss",
        "expired",
        "future_iat",
        "wrong_nonce",
        "wrong_acr",
        "no_acr",
    ],
)
def test_an_id_token_failing_any_check_is_refused(provider, mode: str) -> None:
    provider.mode = mode
    with pytest.raises(OidcError) as refused:
        asyncio.run(_login(provider))
    assert refused.value.failure == Failure.TOKEN
    assert "eyJ" not in str(refused.value), "no token in what gets logged"


def test_an_unknown_kid_refreshes_the_keys_once_before_refusing(provider) -> None:
    asyncio.run(_login(provider))  # keys now cached
    fetches = provider.jwks_fetches
    provider.mode = "unknown_kid"
    with pytest.raises(OidcError):
        asyncio.run(_login(provider))
    assert provider.jwks_fetches == fetches + 1


def test_keys_are_cached_between_logins(provider) -> None:
    asyncio.run(_login(provider))
    asyncio.run(_login(provider))
    assert provider.jwks_fetches == 1


@pytest.mark.parametrize("mode", ["unsigned_userinfo", "tampered_userinfo", "other_sub_userinfo"])
def test_userinfo_unsigned_tampered_or_about_someone_else_is_refused(provider, mode: str) -> None:
    provider.mode = mode
    with pytest.raises(OidcError) as refused:
        asyncio.run(_login(provider))
    assert refused.value.failure == Failure.USERINFO


def test_a_provider_that_accepts_but_never_answers_times_out() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        client = OidcClient(fc.config(issuer=f"http://127.0.0.1:{port}/fc", timeout=0.5))
        started = time.monotonic()
        with pytest.raises(OidcError) as refused:
            asyncio.run(client.authorization_url(**_secrets()))
    assert refused.value.failure == Failure.UNAVAILABLE
    assert "timeout" in refused.value.detail
    assert time.monotonic() - started < 3


def test_an_unreachable_provider_is_reported_as_unavailable() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = OidcClient(fc.config(issuer=f"http://127.0.0.1:{port}/fc", timeout=1))
    with pytest.raises(OidcError) as refused:
        asyncio.run(client.authorization_url(**_secrets()))
    assert refused.value.failure == Failure.UNAVAILABLE


def test_a_discovery_document_naming_another_issuer_is_refused(provider) -> None:
    client = OidcClient(
        fc.config(issuer="http://fc.test/demo-autre"), transport=httpx.ASGITransport(app=provider)
    )
    with pytest.raises(OidcError) as refused:
        asyncio.run(client.authorization_url(**_secrets()))
    assert refused.value.failure == Failure.UNAVAILABLE


def test_the_end_session_url_carries_the_id_token_hint_state_and_post_logout_uri(provider) -> None:
    client = OidcClient(fc.config(), transport=httpx.ASGITransport(app=provider))
    url = asyncio.run(client.end_session_url(id_token="abc.def.ghi", state="t" * 43))
    assert url is not None
    query = {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
    assert query == {
        "id_token_hint": "abc.def.ghi",
        "state": "t" * 43,
        "post_logout_redirect_uri": f"{fc.PORTAL}/auth/franceconnect/logged-out",
    }


def test_the_demo_provider_cancel_button_returns_access_denied(provider) -> None:
    transport = httpx.ASGITransport(app=provider)
    client = OidcClient(fc.config(), transport=transport)
    url = asyncio.run(client.authorization_url(**_secrets()))
    callback = asyncio.run(fc.choose_person(transport, url, HUGO, cancel=True))
    assert callback["error"] == "access_denied" and callback["state"] == "s" * 43
