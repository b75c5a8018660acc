"""Builds the app: theme, pages, HTTP routes; nothing else."""

import logging
from typing import Any, cast

import reflex as rx
from reflex_base.event import EventSpec
from sqlalchemy.exc import DBAPIError
from starlette.types import ASGIApp

from mespoints import pages, styles
from mespoints.components.connection_notice import connection_overlay
from mespoints.components.document import use_low_priority_scripts
from mespoints.db.engine import get_engine
from mespoints.http import EVENT_MESSAGE_LIMIT, SecurityHeaders, SlashlessPages, backend_routes
from mespoints.pages import gallery
from mespoints.services.accounts import REQUEST_HANDLERS, run_housekeeping_forever
from mespoints.services.alerts import run_daily_job_forever
from mespoints.services.mail import run_sender_forever
from mespoints.state.scripts import PageLoadState
from mespoints.template import PAGES

log = logging.getLogger("mespoints")

# The key of Reflex 0.10.1's connection overlay in App.app_wraps (reflex/app.py).
REFLEX_OVERLAY = (5, "Overlay")


def on_backend_exception(exception: Exception) -> EventSpec:
    """No stack trace ever reaches a user: the error is logged, the user reads French.

    A failing dependency (the database) shows the « service indisponible » page, with a way
    back to the page they were on; what they typed stays in their state. Anything else keeps
    them on the page with a message.
    """
    log.error("unhandled error in an event handler", exc_info=exception)
    if isinstance(exception, (DBAPIError, OSError, TimeoutError)):
        return PageLoadState.show_unavailable()  # type: ignore[operator]
    return rx.toast.error(
        "Une erreur inattendue est survenue. Ce que vous avez saisi est conservé : réessayez dans "
        "quelques instants.",
        duration=10000,
    )


class PortalApp(rx.App):
    """Reflex's app, with the security headers around all of it (Reflex adds its CORS layer outside
    the api_transformer: wrapped inside, each response's Vary repeated « Origin »)."""

    def __call__(self) -> ASGIApp:
        return SecurityHeaders(SlashlessPages(super().__call__()))


# The module preloads at low priority: the pre-rendered page paints first (components/document.py).
use_low_priority_scripts()

app = PortalApp(
    # The page-wide rules are a stylesheet in every page (components.layout); here only breakpoints.
    style=cast("dict[Any, Any]", {"breakpoints": styles.BREAKPOINTS}),
    html_lang="fr",
    api_transformer=backend_routes(),
    backend_exception_handler=on_backend_exception,
    # The portal's own icon (assets/): SVG where supported, else the ICO browsers ask for anyway.
    head_components=[
        rx.el.link(rel="icon", href="/favicon.svg", type="image/svg+xml"),
        rx.el.link(rel="icon", href="/favicon.ico", sizes="32x32"),
        rx.el.link(rel="apple-touch-icon", href="/apple-touch-icon.png"),
    ],
)

# Reflex's connection overlay (an English toast and icon while the event socket is down) replaced by
# the portal's French notice; Reflex's other wraps (error boundary, toaster…) stay as they are.
app.app_wraps[REFLEX_OVERLAY] = connection_overlay

# Reflex's Socket.IO server accepts 1 MB messages by default; no event of the portal needs that much.
# It accepts only the portal's own origin (rxconfig.py: cors_allowed_origins).
if app.sio is not None:
    app.sio.eio.max_http_buffer_size = EVENT_MESSAGE_LIMIT

# Turns form requests into mails (always), and delivers the outbox when MESPOINTS_SMTP_HOST is set.
app.register_lifespan_task(run_sender_forever, engine=get_engine(), handlers=REQUEST_HANDLERS)
# Hourly purge of dead sessions, used links, abandoned sign-ups, throttling traces, sent mails.
app.register_lifespan_task(run_housekeeping_forever, engine=get_engine())
# R223-3-1: once a day, one worker at a time, alerts what the calendar brought (restorations…).
app.register_lifespan_task(run_daily_job_forever, engine=get_engine())

pages.register_all()
# The designers' gallery (/atelier): `make dev`, or MESPOINTS_GALLERY=1; never in the build users get.
added = [*PAGES, gallery.gallery_page()] if gallery.gallery_enabled() else PAGES
for registered in added:
    app.add_page(
        registered.component,
        route=registered.route,
        title=registered.title,
        on_load=registered.on_load,
        description=registered.description,
        # The document root already writes the viewport meta (width=device-width, initial-scale=1):
        # giving it here too wrote it twice. The favicon is assets/favicon.ico (and .svg).
        image="/icon-512.png",
    )
