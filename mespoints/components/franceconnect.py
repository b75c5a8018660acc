"""The FranceConnect button: a text button (no logo file) and « Qu'est-ce que FranceConnect ? »."""

from __future__ import annotations

import reflex as rx

from mespoints import routes, styles
from mespoints.components.text import fr
from mespoints.franceconnect_config import franceconnect_available
from mespoints.settings import get_settings

FRANCECONNECT_SITE = "https://franceconnect.gouv.fr/"


def franceconnect_button(next_path: rx.Var | str = "") -> rx.Component:
    """A real form POST to the backend route (it must reach the back end, not the router);
    nothing at all when no provider is configured."""
    if not franceconnect_available():
        return rx.fragment()
    return rx.el.div(
        rx.el.form(
            rx.el.input(type="hidden", name="suite", value=next_path),
            rx.el.button(
                "S'identifier avec FranceConnect",
                type="submit",
                style=styles.button_primary,
                width="100%",
                max_width="22rem",
            ),
            method="post",
            action=get_settings().backend_route(routes.FRANCECONNECT_LOGIN),
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
