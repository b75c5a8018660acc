"""The page decorator: every page gets the shared layout, a French title and its on_load."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import reflex as rx

from mespoints.components.driver_tabs import driver_tabs
from mespoints.components.layout import SERVICE_NAME, layout
from mespoints.state.notifications import NotificationState


@dataclasses.dataclass(frozen=True)
class Page:
    route: str
    # A Var when the title follows the page's state (the wizard's step), so each step has its own.
    title: str | rx.Var
    component: Callable[[], rx.Component]
    on_load: Any = None
    # The meta description search engines show; public pages only (private ones are not indexed).
    description: str | None = None


# What a search engine shows under a public page's title when the page gives no text of its own.
SERVICE_DESCRIPTION = (
    "Consultez le solde de points de votre permis de conduire, l'historique de leurs retraits, "
    "les dates de leur récupération et vos courriers."
)


PAGES: list[Page] = []


def page(**options: Any) -> Callable[[Callable[[], rx.Component]], Callable[[], rx.Component]]:
    """Register a page module's function; its body holds only the page's own content.

    `options` are those of `laid_out` (route, title, on_load, private, driver, description).
    """

    def decorator(content: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        PAGES.append(laid_out(content, **options))
        return content

    return decorator


def laid_out(
    content: Callable[[], rx.Component],
    *,
    route: str,
    title: str | rx.Var,
    on_load: Any = None,
    private: bool = False,
    driver: bool = False,
    description: str | None = None,
) -> Page:
    """A page with the shared layout, a French title and its on_load; `page` registers it (the
    gallery is only added in development).

    A private page shows the unread notifications in its header, counted by the page's own
    on_load (state.notifications.show_unread: one event per load); a driver page (private too)
    opens with the driver's shared navigation. A public page carries a meta
    description (``description``, else the service's); a private page none.
    """
    private = private or driver

    def wrapped() -> rx.Component:
        body = rx.fragment(driver_tabs(), content()) if driver else content()
        return layout(body, private=private, unread=NotificationState.unread)  # type: ignore[arg-type]

    wrapped.__name__ = content.__name__
    if private and on_load is None:
        raise ValueError(f"{route}: a private page needs an on_load that checks the session")
    return Page(
        route=route,
        title=rx.Var.create(f"{title} – {SERVICE_NAME}")
        if isinstance(title, rx.Var)
        else f"{title} – {SERVICE_NAME}",
        component=wrapped,
        on_load=on_load,
        description=None if private else (description or SERVICE_DESCRIPTION),
    )
