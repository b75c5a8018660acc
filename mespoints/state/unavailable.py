"""The « service momentanément indisponible » page: where a failing dependency sends the user."""

from __future__ import annotations

import reflex as rx

from mespoints import routes


class UnavailableState(rx.State):
    # Empty until on_load has checked `retour`: the « Réessayer » link shows only then.
    back_to: str = ""

    @rx.event
    def on_load(self) -> None:
        self.back_to = routes.safe_next(self.router.url.query_parameters.get("retour"), default=routes.HOME)
