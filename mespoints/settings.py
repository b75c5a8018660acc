"""Configuration read from the environment, validated once (interfaces.md section 2)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import re
import stat
import sys
from pathlib import Path
from typing import Self
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
# Where the key is generated when MESPOINTS_SECRET_KEY is unset (local base URL only).
SECRET_KEY_FILE = DATA_DIR / "secret.key"
# A base URL on one of these hosts is a developer's machine; any other is the portal in service.
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def key_file_problem(path: Path) -> str | None:
    """Why the key file at ``path`` must not be used (in French), or None: absent or private."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return None
    if mode & 0o077:
        return (
            f"le fichier de clé {path} est accessible à d'autres utilisateurs (mode {mode:04o}) :"
            f" faites « chmod 600 {path} »"
        )
    return None


# Where the attestation keys are generated when MESPOINTS_ATTESTATION_KEYS is unset (local only).
ATTESTATION_KEYS_FILE = DATA_DIR / "attestation.keys"
_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


def parse_attestation_keys(text: str) -> list[tuple[str, bytes]]:
    """`kid:base64,kid:base64…` → [(key id, 32-byte Ed25519 private key)], the signing key first.

    Raises ValueError with a French reason. Base64 may be standard or URL-safe, padded or not.
    """
    keys: list[tuple[str, bytes]] = []
    for part in text.replace("\n", ",").split(","):
        part = part.strip()
        if not part:
            continue
        kid, separator, encoded = part.partition(":")
        kid = kid.strip()
        if not separator or not _KEY_ID.fullmatch(kid):
            raise ValueError(
                "chaque clé s'écrit « identifiant:clé en base64 » (identifiant : 1 à 32 lettres, "
                "chiffres, - ou _)"
            )
        encoded = encoded.strip().replace("-", "+").replace("_", "/")
        try:
            seed = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
        except (binascii.Error, ValueError):
            raise ValueError(f"la clé « {kid} » n'est pas du base64 valide") from None
        if len(seed) != 32:
            raise ValueError(f"la clé « {kid} » doit faire 32 octets (clé privée Ed25519), pas {len(seed)}")
        if any(existing == kid for existing, _ in keys):
            raise ValueError(f"l'identifiant « {kid} » est donné deux fois")
        keys.append((kid, seed))
    if not keys:
        raise ValueError("aucune clé")
    return keys


def _refused(variable: str, reason: str) -> PydanticCustomError:
    return PydanticCustomError(
        "unsafe_setting", "{variable} : {reason}", {"variable": variable, "reason": reason}
    )


class Settings(BaseSettings):
    """Every MESPOINTS_* variable of the portal; one instance per process."""

    model_config = SettingsConfigDict(env_prefix="MESPOINTS_", extra="ignore")

    database_url: str = Field(default=f"sqlite:///{DATA_DIR / 'mespoints.db'}")
    # Unset: http://localhost:PORT, the port served (interfaces §2), so `PORT=3400 make run` works.
    base_url: str = ""
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_starttls: bool = False
    # Implicit TLS from the first byte (smtplib.SMTP_SSL, usually port 465).
    smtp_ssl: bool = False
    smtp_user: str | None = None
    smtp_password: str | None = None
    mail_from: str = "Mes Points Permis <ne-pas-repondre@localhost>"
    # Encrypts secrets at rest (mail outbox); unset: a key generated once in data/secret.key,
    # on a local base URL only (services/secrets_box.py: Fernet keys or scrypt-stretched passphrases).
    secret_key: str | None = None
    # Ed25519 keys of the attestations, `kid:base64,…`: the first signs, all verify (rotation).
    # Unset: generated once in data/attestation.keys, on a local base URL only.
    attestation_keys: str | None = None
    franceconnect_issuer: str | None = None
    franceconnect_client_id: str | None = None
    franceconnect_client_secret: str | None = None
    # Space-separated OpenID Connect scopes; timeout (seconds) of every call to the provider.
    franceconnect_scopes: str = "openid given_name family_name birthdate email"
    franceconnect_timeout: float = Field(default=10.0, gt=0, le=60)
    # Reverse proxies in front of the portal whose X-Forwarded-For can be trusted (client IPs
    # for the per-IP login limit); 0 when the portal faces the browsers directly.
    trusted_proxy_hops: int = Field(default=0, ge=0, le=5)
    # The port the portal listens on; `make dev` (hot reload) puts the back end on its own port.
    port: int = Field(default=3000, ge=1, le=65535)
    backend_port: int | None = Field(default=None, ge=1, le=65535)
    # Tests and demos only: the day the portal takes as today.
    today: dt.date | None = None
    # Designers only: the component gallery (/atelier) in a production build too (screenshots).
    gallery: bool = False

    @field_validator("base_url")
    @classmethod
    def _base_url_is_http(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _database_url_has_scheme(cls, value: str) -> str:
        if "://" not in value:
            raise ValueError("must be a SQLAlchemy URL such as sqlite:///data/mespoints.db")
        return value

    @model_validator(mode="after")
    def _closed_by_default(self) -> Self:
        """What must hold before the portal serves anyone: nothing fails open (issue 7, item 7)."""
        if not self.base_url:
            self.base_url = f"http://localhost:{self.port}"
        if self.smtp_ssl and self.smtp_starttls:
            raise _refused(
                "MESPOINTS_SMTP_SSL",
                "choisissez MESPOINTS_SMTP_SSL=1 ou MESPOINTS_SMTP_STARTTLS=1, pas les deux",
            )
        if (self.smtp_user or self.smtp_password) and not (self.smtp_ssl or self.smtp_starttls):
            variable = "MESPOINTS_SMTP_USER" if self.smtp_user else "MESPOINTS_SMTP_PASSWORD"
            raise _refused(
                variable,
                "l'identifiant SMTP ne circule que chiffré : ajoutez MESPOINTS_SMTP_STARTTLS=1"
                " ou MESPOINTS_SMTP_SSL=1",
            )
        has_secret_key = bool(self.secret_key and self.secret_key.strip())
        if not self.base_url_is_local:
            if not self.uses_https:
                raise _refused(
                    "MESPOINTS_BASE_URL",
                    f"une adresse publique doit commencer par https:// (reçu : {self.base_url})",
                )
            if not has_secret_key:
                raise _refused(
                    "MESPOINTS_SECRET_KEY",
                    "obligatoire quand MESPOINTS_BASE_URL n'est pas une adresse locale (clé Fernet ou phrase"
                    " secrète, la même pour tous les serveurs)",
                )
        elif not has_secret_key and (problem := key_file_problem(SECRET_KEY_FILE)):
            raise _refused("MESPOINTS_SECRET_KEY", f"non définie, et {problem}")
        issuer = (self.franceconnect_issuer or "").strip()
        if issuer and not self.base_url_is_local and not issuer.startswith("https://"):
            raise _refused(
                "MESPOINTS_FRANCECONNECT_ISSUER",
                f"un fournisseur d'identité se joint en https:// (reçu : {issuer})",
            )
        # A portal in service signs attestations with configured keys; a bad key stops start-up.
        if self.attestation_keys and self.attestation_keys.strip():
            try:
                parse_attestation_keys(self.attestation_keys)
            except ValueError as error:
                raise _refused("MESPOINTS_ATTESTATION_KEYS", str(error)) from None
        elif not self.base_url_is_local:
            raise _refused(
                "MESPOINTS_ATTESTATION_KEYS",
                "obligatoire quand MESPOINTS_BASE_URL n'est pas une adresse locale (clés Ed25519 "
                "« identifiant:clé en base64 », les mêmes pour tous les serveurs)",
            )
        return self

    @property
    def base_url_is_local(self) -> bool:
        """The portal runs on a developer's machine (http allowed, generated key, demo accounts)."""
        return (urlsplit(self.base_url).hostname or "") in LOCAL_HOSTS

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def mailbox_enabled(self) -> bool:
        """The development mailbox page: only without SMTP, on a portal served on this machine."""
        return self.smtp_host is None and self.base_url_is_local

    @property
    def backend_url(self) -> str:
        """Where the browser reaches the back end: the public address, or the dev back end."""
        if self.backend_port is None or self.backend_port == self.port:
            return self.base_url
        return f"http://localhost:{self.backend_port}"

    def backend_route(self, path: str) -> str:
        """A backend HTTP route as the browser must address it (relative on one port)."""
        return path if self.backend_url == self.base_url else f"{self.backend_url}{path}"

    def page_url(self, path: str) -> str:
        """A page as a backend route must redirect to it (relative on one port)."""
        return path if self.backend_url == self.base_url else f"{self.base_url}{path}"

    @property
    def uses_https(self) -> bool:
        return self.base_url.startswith("https://")


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    if first["type"] == "unsafe_setting":  # its message names the variable
        return f"Configuration invalide : {first['msg']}"
    name = "MESPOINTS_" + str(first["loc"][0]).upper() if first["loc"] else "MESPOINTS_*"
    return f"Configuration invalide : {name} : {first['msg']}"


@functools.cache
def get_settings() -> Settings:
    """The process's settings; a bad value stops start-up with one clear line."""
    try:
        return Settings()
    except ValidationError as error:
        print(_describe(error), file=sys.stderr)
        raise SystemExit(2) from None
