"""Configuration read from the environment, validated once (interfaces.md section 2)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import re
import sys
from pathlib import Path
from typing import Self
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
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


def is_local_url(url: str) -> bool:
    """A base URL on this machine: development, where keys may be generated under data/."""
    return (urlsplit(url).hostname or "") in {"localhost", "127.0.0.1", "::1"}


def _refused(variable: str, reason: str) -> PydanticCustomError:
    return PydanticCustomError(
        "unsafe_setting", "{variable} : {reason}", {"variable": variable, "reason": reason}
    )


class Settings(BaseSettings):
    """Every MESPOINTS_* variable of the portal; one instance per process."""

    model_config = SettingsConfigDict(env_prefix="MESPOINTS_", extra="ignore")

    database_url: str = Field(default=f"sqlite:///{DATA_DIR / 'mespoints.db'}")
    base_url: str = "http://localhost:3000"
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_starttls: bool = False
    smtp_user: str | None = None
    smtp_password: str | None = None
    mail_from: str = "Mes Points Permis <ne-pas-repondre@localhost>"
    # Encrypts secrets at rest (mail outbox); unset: a key generated once in data/secret.key.
    secret_key: str | None = None
    # Ed25519 keys of the attestations, `kid:base64,…`: the first signs, all verify (rotation).
    # Unset: generated once in data/attestation.keys, on a local base URL only.
    attestation_keys: str | None = None
    franceconnect_issuer: str | None = None
    franceconnect_client_id: str | None = None
    franceconnect_client_secret: str | None = None
    # Reverse proxies in front of the portal whose X-Forwarded-For can be trusted (client IPs
    # for the per-IP login limit); 0 when the portal faces the browsers directly.
    trusted_proxy_hops: int = Field(default=0, ge=0, le=5)
    # The port the portal listens on; `make dev` (hot reload) puts the back end on its own port.
    port: int = Field(default=3000, ge=1, le=65535)
    backend_port: int | None = Field(default=None, ge=1, le=65535)
    # Tests and demos only: the day the portal takes as today.
    today: dt.date | None = None

    @field_validator("base_url")
    @classmethod
    def _base_url_is_http(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _database_url_has_scheme(cls, value: str) -> str:
        if "://" not in value:
            raise ValueError("must be a SQLAlchemy URL such as sqlite:///data/mespoints.db")
        return value

    @model_validator(mode="after")
    def _attestation_keys_are_usable(self) -> Self:
        """A portal in service signs with configured keys; a bad key stops start-up (one French line)."""
        if self.attestation_keys and self.attestation_keys.strip():
            try:
                parse_attestation_keys(self.attestation_keys)
            except ValueError as error:
                raise _refused("MESPOINTS_ATTESTATION_KEYS", str(error)) from None
        elif not is_local_url(self.base_url):
            raise _refused(
                "MESPOINTS_ATTESTATION_KEYS",
                "obligatoire quand MESPOINTS_BASE_URL n'est pas une adresse locale (clés Ed25519 "
                "« identifiant:clé en base64 », les mêmes pour tous les serveurs)",
            )
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def mailbox_enabled(self) -> bool:
        """The development mailbox page: only without SMTP, on a portal served on this machine."""
        from urllib.parse import urlsplit

        host = urlsplit(self.base_url).hostname or ""
        return self.smtp_host is None and host in {"localhost", "127.0.0.1", "::1"}

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
