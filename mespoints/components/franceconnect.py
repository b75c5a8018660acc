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
            width=styles.FULL,
            max_width=styles.BUTTON_MAX_WIDTH,
            margin_bottom=styles.SPACE_2,
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
            margin=styles.space(styles.SPACE_0, styles.SPACE_0, styles.SPACE_3),
        ),
        rx.el.p(
            fr(
                "FranceConnect vous identifie avec un compte que vous avez déjà (impots.gouv.fr, "
                "ameli.fr, l'Identité numérique La Poste…) : vous n'avez pas de mot de passe à créer."
            ),
            style=styles.hint,
            margin=styles.SPACE_0,
        ),
        margin_bottom=styles.SPACE_5,
    )
