"""Configuration read from the environment, validated once (interfaces.md section 2)."""

from __future__ import annotations

import datetime as dt
import functools
import sys
from pathlib import Path

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"


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
