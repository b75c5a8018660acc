"""The FranceConnect button: a text button (no logo file) and « Qu'est-ce que FranceConnect ? »."""

from __future__ import annotations

import reflex as rx

from mespoints import styles
from mespoints.components.text import fr
from mespoints.franceconnect_config import franceconnect_available
from mespoints.state.scripts import PageLoadState

FRANCECONNECT_SITE = "https://franceconnect.gouv.fr/"


def franceconnect_button() -> rx.Component:
    """A full-page POST to the backend route (a real form, drawn by components/page_load.py: the
    route must be reached by a page load, not the router); nothing when no provider is configured."""
    if not franceconnect_available():
        return rx.fragment()
    return rx.el.div(
        rx.el.button(
            "S'identifier avec FranceConnect",
            type="button",
            on_click=PageLoadState.franceconnect_login,
            style=styles.button_primary,
            width="100%",
            max_width="22rem",
            margin_bottom="0.5rem",
        ),
        rx.el.p(
            rx.el.a(
                "Qu'est-ce que FranceConnect ?",
                href=FRANCECONNECT_SITE,
                target="_blank",
                rel="noopener noreferrer",
                title="Qu'est-ce que FranceConnect ? – nouvelle fenêtre",
                color=styles.PRIMARY,
                text_decoration="underline",
            ),
            margin="0 0 0.75rem",
        ),
        rx.el.p(
            fr(
                "FranceConnect vous identifie avec un compte que vous avez déjà (impots.gouv.fr, "
                "ameli.fr, l'Identité numérique La Poste…) : vous n'avez pas de mot de passe à créer."
            ),
            style=styles.hint,
            margin="0",
        ),
        margin_bottom="1.25rem",
    )
