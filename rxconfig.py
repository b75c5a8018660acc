"""Reflex configuration: one port in production, bun and Node from the project's npm install."""

from pathlib import Path
from urllib.parse import urlsplit

import reflex as rx

from mespoints.settings import get_settings

ROOT = Path(__file__).resolve().parent
JS_TOOLS = ROOT / "tools" / "js" / "node_modules"

# The public address (interfaces.md section 2); its origin is the only one the Socket.IO
# server accepts (reflex-notes.md: cors_allowed_origins defaults to "*").
_settings = get_settings()  # validated once: a bad value stops here with one clear line
_base_url = _settings.base_url
_base = urlsplit(_base_url)
_origin = f"{_base.scheme}://{_base.netloc}"
_port = _settings.port
# `make dev` (hot reload) runs the back end on a port of its own; production uses one port.
_backend_port = _settings.backend_port or _port
_api_url = _settings.backend_url
_origins = sorted({_origin, f"http://localhost:{_port}", f"http://127.0.0.1:{_port}"})

config = rx.Config(
    app_name="mespoints",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    bun_path=JS_TOOLS / ".bin" / "bun",
    frontend_port=_port,
    backend_port=_backend_port,
    # One port in production: the front end talks to the back end at the public address.
    api_url=_api_url,
    deploy_url=_base_url,
    trusted_proxy_hops=_settings.trusted_proxy_hops,
    cors_allowed_origins=_origins,
    # No Radix Themes: our own tokens (styles.py) and plain elements; 160 KB less on every page.
    plugins=[],
    # The portal's pages are mostly personal; a sitemap would list only the home page.
    disable_plugins=[rx.plugins.SitemapPlugin],
    # Light or dark follows the system until the visitor picks one (footer « Thème »).
    default_color_mode="system",
)
