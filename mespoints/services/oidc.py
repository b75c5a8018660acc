"""The OpenID Connect client of « S'identifier avec FranceConnect » (FranceConnect v2).

Authorization code flow with PKCE (S256), configured by discovery from the issuer. Authlib builds
the authorization URL and makes the token request (client_secret_post or client_secret_basic, as
the discovery document allows); joserfc verifies every JWT against the provider's JWKS, with
ES256 and RS256 only. The ID token's iss, aud, exp, iat, nonce and acr are checked; userinfo must
be a JWT signed by the provider (FranceConnect v2 signs it) whose sub is the ID token's.

Every call to the provider has a timeout and runs on the event loop without blocking it (async
httpx); signature checks run in a thread. Discovery and keys are cached for CACHE_TTL; a token
signed with an unknown `kid` triggers one JWKS refresh before it is refused.

No token, code, state or nonce is ever logged: failures are logged by their kind and the name of
the check that failed (`OidcError.detail`).
"""

from __future__ import annotations

import asyncio
import dataclasses
import enum
import json
import logging
import time
import warnings
from typing import Any
from urllib.parse import urlencode

import httpx
from authlib.deprecate import AuthlibDeprecationWarning

with warnings.catch_warnings():
    # Authlib 1.9 would rather use httpx2 (not in the registry here); its httpx path is supported.
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import AsyncOAuth2Client
    from authlib.integrations.httpx_client import OAuthError as AuthlibOAuthError
from joserfc import jwt
from joserfc.errors import (
    ExpiredTokenError,
    InvalidClaimError,
    InvalidKeyIdError,
    JoseError,
    MissingClaimError,
)
from joserfc.jwk import KeySet

from mespoints.franceconnect_config import ProviderConfig

log = logging.getLogger(__name__)

ALGORITHMS = ["ES256", "RS256"]  # joserfc's defaults include HS256: never accept it here
ACR_REQUESTED = "eidas1"
# Higher eIDAS levels satisfy a request for eidas1.
ACR_ACCEPTED = ["eidas1", "eidas2", "eidas3"]
CACHE_TTL = 3600.0  # seconds: discovery document and JWKS
CLOCK_LEEWAY = 60  # seconds of clock skew tolerated on exp and iat
AUTH_METHODS = ("client_secret_post", "client_secret_basic")


class Failure(enum.StrEnum):
    """Why a FranceConnect login did not succeed; each has its French page (`failure_text`)."""

    CANCELLED = "annulee"  # the person cancelled at the provider (error=access_denied)
    PROVIDER_ERROR = "refusee"  # any other `error` from the provider
    STATE = "expiree"  # unknown, replayed, expired state, or another browser's
    TOKEN = "jeton"  # the ID token failed a check (signature, iss, aud, exp, iat, nonce, acr)
    USERINFO = "identite"  # userinfo unsigned, badly signed, another sub, or incomplete
    UNAVAILABLE = "indisponible"  # provider unreachable, too slow, or answering errors


class OidcError(Exception):
    def __init__(self, failure: Failure, detail: str) -> None:
        super().__init__(f"{failure.value}: {detail}")
        self.failure = failure
        self.detail = detail  # safe to log: never a token


@dataclasses.dataclass(frozen=True)
class Identity:
    """What FranceConnect vouched for (userinfo), with the ID token kept for logout."""

    sub: str
    given_name: str
    family_name: str
    birthdate: str  # YYYY-MM-DD
    email: str
    id_token: str


@dataclasses.dataclass
class _Cached:
    value: Any
    fetched_at: float


_discovery: dict[str, _Cached] = {}
_jwks: dict[str, _Cached] = {}


def clear_caches() -> None:
    """Forget discovery documents and keys (tests; a provider changed its configuration)."""
    _discovery.clear()
    _jwks.clear()


def _fresh(entry: _Cached | None) -> bool:
    return entry is not None and time.monotonic() - entry.fetched_at < CACHE_TTL


class OidcClient:
    """One provider, as configured (franceconnect_config.provider_config)."""

    def __init__(self, config: ProviderConfig, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.config = config
        self.transport = transport

    def _http(self, **kwargs: Any) -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=self.config.timeout, transport=self.transport, **kwargs)

    async def _get(self, url: str, **kwargs: Any) -> httpx.Response:
        try:
            async with self._http() as http:
                response = await http.get(url, **kwargs)
        except httpx.TimeoutException as error:
            raise OidcError(Failure.UNAVAILABLE, f"timeout on GET {_path(url)}") from error
        except httpx.HTTPError as error:
            raise OidcError(Failure.UNAVAILABLE, f"{type(error).__name__} on GET {_path(url)}") from error
        if response.status_code != 200:
            raise OidcError(Failure.UNAVAILABLE, f"HTTP {response.status_code} on GET {_path(url)}")
        return response

    # ----- discovery and keys ---------------------------------------------------------------

    async def metadata(self) -> dict[str, Any]:
        cached = _discovery.get(self.config.issuer)
        if _fresh(cached):
            assert cached is not None
            return dict(cached.value)
        response = await self._get(f"{self.config.issuer}/.well-known/openid-configuration")
        try:
            document = response.json()
        except ValueError as error:
            raise OidcError(Failure.UNAVAILABLE, "discovery document is not JSON") from error
        # The configured issuer may differ from the document's by a trailing slash only.
        named = document.get("issuer") if isinstance(document, dict) else None
        if not isinstance(named, str) or named.rstrip("/") != self.config.issuer.rstrip("/"):
            raise OidcError(Failure.UNAVAILABLE, "discovery document names another issuer")
        for endpoint in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri"):
            if not isinstance(document.get(endpoint), str):
                raise OidcError(Failure.UNAVAILABLE, f"discovery document lacks {endpoint}")
        _discovery[self.config.issuer] = _Cached(document, time.monotonic())
        return dict(document)

    async def _keys(self, *, refresh: bool = False) -> KeySet:
        uri = str((await self.metadata())["jwks_uri"])
        cached = _jwks.get(uri)
        if not refresh and _fresh(cached):
            assert cached is not None
            return cached.value  # type: ignore[no-any-return]
        response = await self._get(uri)
        try:
            keys = KeySet.import_key_set(response.json())
        except (ValueError, KeyError, TypeError, JoseError) as error:
            raise OidcError(Failure.UNAVAILABLE, "JWKS unreadable") from error
        _jwks[uri] = _Cached(keys, time.monotonic())
        return keys

    async def _decode(self, token: str, failure: Failure) -> jwt.Token:
        """Signature check (in a thread); an unknown kid refreshes the JWKS once."""
        for attempt in range(2):
            keys = await self._keys(refresh=attempt == 1)
            try:
                return await asyncio.to_thread(jwt.decode, token, keys, algorithms=ALGORITHMS)
            except InvalidKeyIdError as error:
                if attempt == 1:
                    raise OidcError(failure, "signed with an unknown key") from error
            except JoseError as error:
                raise OidcError(failure, f"signature or format refused ({type(error).__name__})") from error
        raise AssertionError("unreachable")

    # ----- the flow -------------------------------------------------------------------------

    def _oauth(self, metadata: dict[str, Any]) -> AsyncOAuth2Client:
        supported = metadata.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
        method = next((m for m in AUTH_METHODS if m in supported), None)
        if method is None:
            raise OidcError(Failure.UNAVAILABLE, "no supported client authentication method")
        return AsyncOAuth2Client(
            client_id=self.config.client_id,
            client_secret=self.config.client_secret,
            token_endpoint_auth_method=method,
            redirect_uri=self.config.redirect_uri,
            scope=self.config.scopes,
            code_challenge_method="S256",
            timeout=self.config.timeout,
            transport=self.transport,
        )

    async def authorization_url(self, *, state: str, nonce: str, code_verifier: str) -> str:
        metadata = await self.metadata()
        async with self._oauth(metadata) as oauth:
            url, _ = oauth.create_authorization_url(
                metadata["authorization_endpoint"],
                state=state,
                code_verifier=code_verifier,
                nonce=nonce,
                acr_values=ACR_REQUESTED,
                prompt="login",
            )
        return str(url)

    async def identify(self, *, code: str, code_verifier: str, nonce: str) -> Identity:
        """Exchange the code, verify the ID token and userinfo; the identity, or OidcError."""
        metadata = await self.metadata()
        try:
            async with self._oauth(metadata) as oauth:
                token = await oauth.fetch_token(
                    metadata["token_endpoint"],
                    grant_type="authorization_code",
                    code=code,
                    code_verifier=code_verifier,
                )
        except httpx.TimeoutException as error:
            raise OidcError(Failure.UNAVAILABLE, "timeout on the token endpoint") from error
        except httpx.HTTPError as error:
            raise OidcError(Failure.UNAVAILABLE, f"{type(error).__name__} on the token endpoint") from error
        except (AuthlibOAuthError, ValueError) as error:
            raise OidcError(
                Failure.UNAVAILABLE, f"token endpoint refused ({type(error).__name__})"
            ) from error
        id_token, access_token = token.get("id_token"), token.get("access_token")
        if not isinstance(id_token, str) or not isinstance(access_token, str):
            raise OidcError(Failure.TOKEN, "token response without id_token or access_token")
        claims = await self._verified_id_token(id_token, nonce=nonce)
        userinfo = await self._verified_userinfo(metadata, access_token, sub=str(claims["sub"]))
        return _identity(userinfo, id_token=id_token)

    async def _verified_id_token(self, id_token: str, *, nonce: str) -> dict[str, Any]:
        issuer = str((await self.metadata())["issuer"])  # exactly as the provider spells it
        decoded = await self._decode(id_token, Failure.TOKEN)
        registry = jwt.JWTClaimsRegistry(
            leeway=CLOCK_LEEWAY,
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": self.config.client_id},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
            acr={"essential": True, "values": ACR_ACCEPTED},
        )
        _validate(registry, decoded.claims, Failure.TOKEN)
        audience = decoded.claims["aud"]
        if (
            isinstance(audience, list)
            and len(audience) > 1
            and decoded.claims.get("azp") != self.config.client_id
        ):
            raise OidcError(Failure.TOKEN, "several audiences and azp is not this client")
        return decoded.claims

    async def _verified_userinfo(
        self, metadata: dict[str, Any], access_token: str, *, sub: str
    ) -> dict[str, Any]:
        response = await self._get(
            metadata["userinfo_endpoint"], headers={"Authorization": f"Bearer {access_token}"}
        )
        content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/jwt":
            raise OidcError(Failure.USERINFO, f"userinfo is not a signed JWT ({content_type or 'no type'})")
        decoded = await self._decode(response.text.strip(), Failure.USERINFO)
        registry = jwt.JWTClaimsRegistry(
            leeway=CLOCK_LEEWAY,
            sub={"essential": True, "value": sub},
            iss={"value": str(metadata["issuer"])},
            aud={"value": self.config.client_id},
        )
        _validate(registry, decoded.claims, Failure.USERINFO)
        return decoded.claims

    async def end_session_url(self, *, id_token: str, state: str) -> str | None:
        """Where to send the browser to end the FranceConnect session too (None: no such endpoint)."""
        endpoint = (await self.metadata()).get("end_session_endpoint")
        if not isinstance(endpoint, str):
            return None
        query = urlencode(
            {
                "id_token_hint": id_token,
                "state": state,
                "post_logout_redirect_uri": self.config.post_logout_redirect_uri,
            }
        )
        return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


def _validate(registry: jwt.JWTClaimsRegistry, claims: dict[str, Any], failure: Failure) -> None:
    try:
        registry.validate(claims)
    except ExpiredTokenError as error:
        raise OidcError(failure, "expired") from error
    except (InvalidClaimError, MissingClaimError) as error:
        raise OidcError(failure, f"claim refused ({error.description or type(error).__name__})") from error
    except JoseError as error:
        raise OidcError(failure, f"claims refused ({type(error).__name__})") from error


def _identity(userinfo: dict[str, Any], *, id_token: str) -> Identity:
    values = {}
    for claim in ("given_name", "family_name", "birthdate", "email"):
        value = userinfo.get(claim)
        if not isinstance(value, str) or not value.strip():
            raise OidcError(Failure.USERINFO, f"userinfo lacks {claim}")
        values[claim] = value.strip()
    return Identity(sub=str(userinfo["sub"]), id_token=id_token, **values)


def _path(url: str) -> str:
    """The URL without its query (which may hold a token) for the logs."""
    return url.split("?", 1)[0]


def describe(identity: Identity) -> str:
    """The identity as JSON, for encrypted storage."""
    return json.dumps(dataclasses.asdict(identity))
