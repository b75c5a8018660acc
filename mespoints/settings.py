"""Configuration read from the environment, validated once (interfaces.md section 2)."""

from __future__ import annotations

import datetime as dt
import functools
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
