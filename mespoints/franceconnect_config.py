"""Which OpenID Connect provider the portal uses for « S'identifier avec FranceConnect », if any.

- MESPOINTS_FRANCECONNECT_ISSUER set: that provider (FranceConnect's integration or production
  environment), with MESPOINTS_FRANCECONNECT_CLIENT_ID / _CLIENT_SECRET.
- Unset, on a portal served on this machine (base URL on localhost, 127.0.0.1 or ::1): the bundled
  demonstration provider (mespoints.demo_franceconnect), mounted under DEMO_PATH of the portal
  itself; its issuer is that URL and the portal reaches it over HTTP like any provider.
- Unset anywhere else: no FranceConnect button at all.

Pages read `franceconnect_available()` to draw the button; services read `provider_config()`.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import urlsplit

from mespoints import routes
from mespoints.settings import Settings, get_settings

DEMO_PATH = "/demo-franceconnect"
# The demonstration provider's only client: a fixed registration, never used by a real provider
# (the demo runs only on a local base URL, and never when an issuer is configured).
DEMO_CLIENT_ID = "mespoints-demonstration"
DEMO_CLIENT_SECRET = "demonstration-locale-uniquement"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


@dataclasses.dataclass(frozen=True)
class ProviderConfig:
    issuer: str
    client_id: str
    client_secret: str
    redirect_uri: str
    post_logout_redirect_uri: str
    scopes: str
    timeout: float
    demo: bool


def is_local(base_url: str) -> bool:
    return (urlsplit(base_url).hostname or "") in LOCAL_HOSTS


def demo_enabled(settings: Settings | None = None) -> bool:
    """The demonstration provider runs: no issuer configured, and a portal served on this machine."""
    settings = settings or get_settings()
    return not settings.franceconnect_issuer and is_local(settings.base_url)


def provider_config(settings: Settings | None = None) -> ProviderConfig | None:
    """The provider and the portal's registration with it, or None (the button is hidden)."""
    settings = settings or get_settings()
    # The provider sends the browser back to the back end (`make dev` puts it on its own port).
    callback_base = settings.backend_url
    common = {
        "redirect_uri": f"{callback_base}{routes.FRANCECONNECT_CALLBACK}",
        "post_logout_redirect_uri": f"{callback_base}{routes.FRANCECONNECT_LOGGED_OUT}",
        "scopes": " ".join(settings.franceconnect_scopes.split()),
        "timeout": settings.franceconnect_timeout,
    }
    if settings.franceconnect_issuer:
        if not settings.franceconnect_client_id or not settings.franceconnect_client_secret:
            return None
        return ProviderConfig(
            issuer=settings.franceconnect_issuer.rstrip("/"),
            client_id=settings.franceconnect_client_id,
            client_secret=settings.franceconnect_client_secret,
            demo=False,
            **common,  # type: ignore[arg-type]
        )
    if not demo_enabled(settings):
        return None
    return ProviderConfig(
        issuer=f"{callback_base}{DEMO_PATH}",
        client_id=DEMO_CLIENT_ID,
        client_secret=DEMO_CLIENT_SECRET,
        demo=True,
        **common,  # type: ignore[arg-type]
    )


def franceconnect_available() -> bool:
    return provider_config() is not None
