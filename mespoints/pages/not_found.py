"""The page any unknown address shows: in French, in the portal's layout, with ways on."""

import reflex as rx

from mespoints import routes, styles
from mespoints.components.text import button_link, heading, paragraph, section
from mespoints.template import page


@page(route=routes.NOT_FOUND, title="Page introuvable")
def not_found() -> rx.Component:
    return rx.el.div(
        heading("Page introuvable"),
        section(
            paragraph(
                "L'adresse demandée ne correspond à aucune page de Mes Points Permis. Elle a peut-être été "
                "mal saisie, ou la page n'existe plus."
            ),
            rx.el.div(
                button_link("Revenir à l'accueil", routes.HOME),
                button_link("Se connecter", routes.LOGIN, primary=False),
                display="flex",
                flex_wrap="wrap",
                gap=styles.SPACE_3,
            ),
        ),
        max_width=styles.FORM_WIDTH,
    )
