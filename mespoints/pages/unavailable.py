"""The page a failing dependency leads to: a clear French message and a way back, never a trace."""

import reflex as rx

from mespoints import routes, styles
from mespoints.components.text import button_link, heading, paragraph, section
from mespoints.state.unavailable import UnavailableState
from mespoints.template import page


@page(route=routes.UNAVAILABLE, title="Service momentanément indisponible", on_load=UnavailableState.on_load)
def unavailable() -> rx.Component:
    return rx.el.div(
        heading("Service momentanément indisponible"),
        section(
            paragraph(
                "Nous ne pouvons pas afficher cette page pour le moment : un de nos services ne répond pas. "
                "L'incident est enregistré et notre équipe en est informée."
            ),
            paragraph(
                "Ce que vous aviez saisi est conservé. Réessayez dans quelques minutes ; si le problème "
                "continue, revenez plus tard."
            ),
            rx.el.div(
                rx.cond(
                    UnavailableState.back_to != "",
                    button_link("Réessayer", href=UnavailableState.back_to),
                ),
                button_link("Revenir à l'accueil", routes.HOME, primary=False),
                display="flex",
                flex_wrap="wrap",
                gap=styles.SPACE_3,
            ),
        ),
        max_width=styles.FORM_WIDTH,
    )
