"""A demonstration identity provider that behaves like FranceConnect v2, for development and tests.

`make run` mounts it under /demo-franceconnect of the portal itself, only when no
MESPOINTS_FRANCECONNECT_ISSUER is set and the base URL is local (franceconnect_config). The
portal talks to it exactly as to FranceConnect: discovery, browser redirects, the token endpoint,
the JWKS and a signed userinfo, over HTTP. Tests start it on its own (`create_app`) with their
own keys.

What it does, as FranceConnect v2 does: authorization code flow with PKCE S256 (required),
acr eidas1, client_secret_post or client_secret_basic, an ES256-signed ID token, userinfo as an
ES256-signed JWT (application/jwt), end-session with id_token_hint, state and
post_logout_redirect_uri, and a cancel button that returns error=access_denied. Its login page
lists fictitious people matching licences of the demo national file; every page says
« démonstration ».

It keeps no server-side state, so several portal workers can share it: the transaction, the code
and the access token are short-lived HS256 tokens under a key of its own. Codes are single-use
within one process only (a demonstration limit; the portal's own state is single-use anyway).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import html
import json
import os
import secrets
import threading
import time
import unicodedata
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus, urlencode

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet, OctKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

DEMO_FEED = Path(__file__).resolve().parent / "data" / "demo_feed.jsonl"
ACR = "eidas1"
CODE_LIFETIME = 60
ACCESS_TOKEN_LIFETIME = 60
ID_TOKEN_LIFETIME = 300
TRANSACTION_LIFETIME = 600
SUPPORTED_SCOPES = ["openid", "given_name", "family_name", "birthdate", "email", "gender", "birthplace"]


@dataclasses.dataclass(frozen=True)
class DemoPerson:
    """A fictitious person; their identity matches a licence of the demo national file."""

    key: str  # the licence number they match: stable, so their `sub` is too
    given_name: str
    family_name: str
    birthdate: str
    email: str


@dataclasses.dataclass(frozen=True)
class Client:
    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]
    post_logout_redirect_uris: tuple[str, ...]


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("Œ", "Oe").replace("œ", "oe"))
    kept = "".join(c for c in decomposed if c.isascii() and (c.isalnum() or c in " -'"))
    return "-".join(kept.lower().replace("'", " ").split())


def demo_people(feed: Path = DEMO_FEED) -> list[DemoPerson]:
    """One fictitious person per licence of the demo national file."""
    people = []
    for line in feed.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        first = record["first_names"].split()[0]
        people.append(
            DemoPerson(
                key=record["licence_number"],
                given_name=record["first_names"],
                family_name=record["last_name"],
                birthdate=record["birth_date"],
                email=f"{_ascii(first)}.{_ascii(record['last_name'])}@demo-franceconnect.fr",
            )
        )
    return people


def new_keys() -> KeySet:
    """An ES256 signing key (published) and an HS256 key for its own short-lived tokens."""
    signing = ECKey.generate_key("P-256", parameters={"use": "sig", "alg": "ES256"}, auto_kid=True)
    own = OctKey.generate_key(256, parameters={"kid": "demo-interne", "use": "sig"})
    return KeySet([signing, own])


def load_or_create_keys(path: Path) -> KeySet:
    """The keys kept in `path` (0600), created on first use, so every worker signs alike."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # another process may be writing it
            text = path.read_text(encoding="utf-8")
            if text.strip():
                return KeySet.import_key_set(json.loads(text))
            time.sleep(0.02)
        raise RuntimeError(f"{path} is empty: delete it") from None
    keys = new_keys()
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(keys.as_dict(private=True)))
    return keys


def _signing_key(keys: KeySet) -> ECKey:
    return next(k for k in keys.keys if isinstance(k, ECKey))


def _own_key(keys: KeySet) -> OctKey:
    return next(k for k in keys.keys if isinstance(k, OctKey))


def public_jwks(keys: KeySet) -> dict[str, Any]:
    return {"keys": [_signing_key(keys).as_dict(private=False)]}


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(
        f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} – FranceConnect (démonstration)</title>
<style>
body{{font-family:Arial,Helvetica,sans-serif;margin:0;color:#161616;background:#f6f6f6}}
header{{background:#000091;color:#fff;padding:1rem 1.5rem}}
main{{max-width:44rem;margin:1.5rem auto;padding:0 1rem}}
.demo{{background:#fff4d1;border:2px solid #b34000;padding:.75rem 1rem;margin-bottom:1rem}}
ul{{list-style:none;padding:0}} li{{margin:.4rem 0}}
button{{font-size:1rem;padding:.6rem 1rem;cursor:pointer;border:1px solid #000091;background:#fff;
color:#000091;width:100%;text-align:left}}
button.annuler{{width:auto;background:#000091;color:#fff;margin-top:1rem}}
</style></head>
<body><header><strong>FranceConnect – fournisseur d'identité de démonstration</strong></header>
<main><p class="demo" role="note"><strong>Démonstration.</strong> Ce service imite FranceConnect pour
les essais de Mes Points Permis. Les personnes listées sont fictives ; aucune donnée réelle n'est
utilisée.</p>
<h1>{html.escape(title)}</h1>
{body}
</main></body></html>""",
        status_code=status,
    )


class DemoProvider:
    """The provider's behaviour; `app` is its Starlette application."""

    def __init__(
        self, *, issuer: str, keys: KeySet, clients: list[Client], people: list[DemoPerson] | None = None
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.keys = keys
        self.clients = {client.client_id: client for client in clients}
        self.people = {person.key: person for person in (people if people is not None else demo_people())}
        self._used_codes: set[str] = set()
        self._lock = threading.Lock()

    # ----- tokens of its own (transaction, code, access token) --------------------------------

    def _seal(self, kind: str, claims: dict[str, Any], lifetime: int) -> str:
        now = int(time.time())
        payload = {**claims, "typ": kind, "iat": now, "exp": now + lifetime, "jti": secrets.token_urlsafe(16)}
        return jwt.encode({"alg": "HS256"}, payload, _own_key(self.keys), algorithms=["HS256"])

    def _open(self, kind: str, value: str) -> dict[str, Any] | None:
        try:
            claims = jwt.decode(value, _own_key(self.keys), algorithms=["HS256"]).claims
            jwt.JWTClaimsRegistry(exp={"essential": True}, typ={"essential": True, "value": kind}).validate(
                claims
            )
        except (JoseError, ValueError):
            return None
        return claims

    def _sign(self, claims: dict[str, Any], *, typ: str = "JWT") -> str:
        key = _signing_key(self.keys)
        return jwt.encode({"alg": "ES256", "kid": key.kid, "typ": typ}, claims, key, algorithms=["ES256"])

    # ----- endpoints --------------------------------------------------------------------------

    def discovery(self, request: Request) -> JSONResponse:
        return JSONResponse(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "userinfo_endpoint": f"{self.issuer}/userinfo",
                "jwks_uri": f"{self.issuer}/jwks",
                "end_session_endpoint": f"{self.issuer}/session/end",
                "response_types_supported": ["code"],
                "grant_types_supported": ["authorization_code"],
                "subject_types_supported": ["pairwise"],
                "scopes_supported": SUPPORTED_SCOPES,
                "claims_supported": ["sub", "given_name", "family_name", "birthdate", "email", "acr"],
                "acr_values_supported": [ACR],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
                "id_token_signing_alg_values_supported": ["ES256"],
                "userinfo_signing_alg_values_supported": ["ES256"],
            }
        )

    def jwks(self, request: Request) -> JSONResponse:
        return JSONResponse(public_jwks(self.keys))

    async def authorize(self, request: Request) -> Response:
        params = request.query_params
        client = self.clients.get(params.get("client_id", ""))
        redirect_uri = params.get("redirect_uri", "")
        if client is None or redirect_uri not in client.redirect_uris:
            # Never redirect to an address the client did not register.
            return _page("Demande refusée", "<p>Ce service n'est pas connu de FranceConnect.</p>", 400)
        state = params.get("state", "")
        problem = None
        scopes = params.get("scope", "").split()
        if params.get("response_type") != "code" or "openid" not in scopes:
            problem = "response_type ou scope"
        elif not params.get("nonce") or not state:
            problem = "state ou nonce"
        elif params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
            problem = "PKCE S256"
        elif ACR not in params.get("acr_values", "").split():
            problem = "acr_values"
        if problem:
            query = urlencode({"error": "invalid_request", "error_description": problem, "state": state})
            return RedirectResponse(f"{redirect_uri}?{query}", status_code=303)
        transaction = self._seal(
            "transaction",
            {
                "client_id": client.client_id,
                "redirect_uri": redirect_uri,
                "state": state,
                "nonce": params["nonce"],
                "code_challenge": params["code_challenge"],
                "scope": " ".join(s for s in scopes if s in SUPPORTED_SCOPES),
            },
            TRANSACTION_LIFETIME,
        )
        items = "\n".join(
            f'<li><button type="submit" name="personne" value="{html.escape(person.key)}">'
            f"{html.escape(person.given_name)} {html.escape(person.family_name)}, "
            f"née ou né le {html.escape(_french_date(person.birthdate))}</button></li>"
            for person in sorted(self.people.values(), key=lambda p: p.family_name)
        )
        body = f"""<p>Choisissez la personne fictive avec laquelle vous identifier.</p>
<form method="post" action="{self.issuer}/authorize/choix">
<input type="hidden" name="transaction" value="{html.escape(transaction)}">
<ul>{items}</ul>
<button type="submit" name="annuler" value="1" class="annuler">Annuler et revenir au service</button>
</form>"""
        return _page("Je m'identifie (démonstration)", body)

    async def choose(self, request: Request) -> Response:
        form = await request.form()
        transaction = self._open("transaction", str(form.get("transaction", "")))
        if transaction is None:
            return _page("Demande expirée", "<p>Cette demande a expiré : revenez au service.</p>", 400)
        redirect_uri, state = str(transaction["redirect_uri"]), str(transaction["state"])
        if form.get("annuler"):
            query = urlencode(
                {"error": "access_denied", "error_description": "Annulé par l'usager", "state": state}
            )
            return RedirectResponse(f"{redirect_uri}?{query}", status_code=303)
        person = self.people.get(str(form.get("personne", "")))
        if person is None:
            return _page("Personne inconnue", "<p>Choisissez une personne de la liste.</p>", 400)
        code = self._seal(
            "code",
            {
                key: transaction[key]
                for key in ("client_id", "redirect_uri", "nonce", "code_challenge", "scope")
            }
            | {"person": person.key},
            CODE_LIFETIME,
        )
        query = urlencode({"code": code, "state": state, "iss": self.issuer})
        return RedirectResponse(f"{redirect_uri}?{query}", status_code=303)

    def _authenticated_client(self, request: Request, form: Any) -> Client | None:
        client_id, secret = str(form.get("client_id", "")), form.get("client_secret")
        header = request.headers.get("authorization", "")
        if header.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(header[6:]).decode("utf-8")
            except ValueError:
                return None
            raw_id, _, raw_secret = decoded.partition(":")
            client_id, secret = unquote_plus(raw_id), unquote_plus(raw_secret)
        client = self.clients.get(client_id)
        if client is None or not isinstance(secret, str):
            return None
        return client if secrets.compare_digest(secret, client.client_secret) else None

    async def token(self, request: Request) -> JSONResponse:
        form = await request.form()
        client = self._authenticated_client(request, form)
        if client is None:
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        if form.get("grant_type") != "authorization_code":
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        code = self._open("code", str(form.get("code", "")))
        if code is None or code["client_id"] != client.client_id:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        if form.get("redirect_uri") not in (None, code["redirect_uri"]):
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        verifier = str(form.get("code_verifier", ""))
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if not verifier or not secrets.compare_digest(challenge, str(code["code_challenge"])):
            return JSONResponse({"error": "invalid_grant", "error_description": "PKCE"}, status_code=400)
        with self._lock:
            if code["jti"] in self._used_codes:
                return JSONResponse({"error": "invalid_grant"}, status_code=400)
            self._used_codes.add(code["jti"])
        now = int(time.time())
        sub = self.sub_of(code["person"], client.client_id)
        id_token = self._sign(
            {
                "iss": self.issuer,
                "sub": sub,
                "aud": client.client_id,
                "exp": now + ID_TOKEN_LIFETIME,
                "iat": now,
                "nonce": code["nonce"],
                "acr": ACR,
                "amr": ["pwd"],
                "auth_time": now,
            }
        )
        access_token = self._seal(
            "access",
            {"person": code["person"], "client_id": client.client_id, "scope": code["scope"]},
            ACCESS_TOKEN_LIFETIME,
        )
        return JSONResponse(
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": ACCESS_TOKEN_LIFETIME,
                "id_token": id_token,
                "scope": code["scope"],
            },
            headers={"Cache-Control": "no-store"},
        )

    def sub_of(self, person_key: str, client_id: str) -> str:
        """Pairwise, as FranceConnect's: the same person has another `sub` at another service."""
        return hashlib.sha256(f"{self.issuer}|{client_id}|{person_key}".encode()).hexdigest()

    async def userinfo(self, request: Request) -> Response:
        header = request.headers.get("authorization", "")
        access = self._open("access", header[7:]) if header.lower().startswith("bearer ") else None
        person = self.people.get(str(access["person"])) if access else None
        if access is None or person is None:
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        scopes = str(access["scope"]).split()
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": access["client_id"],
            "sub": self.sub_of(person.key, str(access["client_id"])),
            "iat": int(time.time()),
        }
        for claim in ("given_name", "family_name", "birthdate", "email"):
            if claim in scopes:
                claims[claim] = getattr(person, claim)
        return Response(self._sign(claims), media_type="application/jwt")

    async def end_session(self, request: Request) -> Response:
        params = request.query_params
        target = params.get("post_logout_redirect_uri", "")
        client_id = None
        try:
            hint = jwt.decode(params.get("id_token_hint", ""), _signing_key(self.keys), algorithms=["ES256"])
            client_id = hint.claims.get("aud") if hint.claims.get("iss") == self.issuer else None
        except (JoseError, ValueError):
            pass
        client = self.clients.get(str(client_id)) if client_id else None
        if client is None or target not in client.post_logout_redirect_uris:
            return _page("Déconnexion", "<p>Vous êtes déconnecté de FranceConnect (démonstration).</p>")
        return RedirectResponse(f"{target}?{urlencode({'state': params.get('state', '')})}", status_code=303)

    @property
    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/.well-known/openid-configuration", self.discovery, methods=["GET"]),
                Route("/jwks", self.jwks, methods=["GET"]),
                Route("/authorize", self.authorize, methods=["GET"]),
                Route("/authorize/choix", self.choose, methods=["POST"]),
                Route("/token", self.token, methods=["POST"]),
                Route("/userinfo", self.userinfo, methods=["GET"]),
                Route("/session/end", self.end_session, methods=["GET"]),
            ]
        )


def _french_date(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def create_app(
    *,
    issuer: str,
    keys: KeySet,
    client_id: str,
    client_secret: str,
    redirect_uri: str,
    post_logout_redirect_uri: str,
    people: list[DemoPerson] | None = None,
) -> Starlette:
    """A demonstration provider with one registered client."""
    client = Client(client_id, client_secret, (redirect_uri,), (post_logout_redirect_uri,))
    return DemoProvider(issuer=issuer, keys=keys, clients=[client], people=people).app
