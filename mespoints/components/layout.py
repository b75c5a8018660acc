"""The one layout every page shares: skip link, header, main content, footer."""

from __future__ import annotations

import reflex as rx

from mespoints import routes, styles
from mespoints.state.auth import LogoutState

SERVICE_NAME = "Mes Points Permis"

skip_link_style = {
    "position": "absolute",
    "left": "-9999px",
    "top": "0",
    "background": styles.SURFACE,
    "padding": "0.5rem 1rem",
    "z_index": "10",
    "&:focus": {"left": "0.5rem", "top": "0.5rem"},
}


def nav_link(text: str, href: str) -> rx.Component:
    return rx.el.li(
        rx.link(text, href=href, color=styles.PRIMARY, font_weight="600", padding="0.5rem 0", display="block"),
        list_style="none",
    )


def logout_button() -> rx.Component:
    """Empties the private states, then POSTs to the logout route (session ended, cookie cleared)."""
    return rx.el.li(
        rx.el.button(
            "Se déconnecter",
            type="button",
            on_click=LogoutState.logout,
            style={**styles.button_secondary, "padding": "0.35rem 0.8rem", "min_height": "2.5rem"},
        ),
        list_style="none",
    )


def header(private: bool) -> rx.Component:
    links = (
        [nav_link("Mon tableau de bord", routes.DASHBOARD), nav_link("Mon compte", routes.ACCOUNT), logout_button()]
        if private
        else [nav_link("Se connecter", routes.LOGIN), nav_link("Créer un compte", routes.SIGNUP)]
    )
    return rx.el.header(
        rx.el.div(
            rx.link(
                rx.el.span(SERVICE_NAME, font_size="1.35rem", font_weight="700", color=styles.INK),
                rx.el.span(
                    "Le solde de points de votre permis de conduire",
                    display="block",
                    font_size="0.9rem",
                    color=styles.MUTED,
                ),
                href=routes.HOME,
                text_decoration="none",
                aria_label=f"{SERVICE_NAME}, accueil",
            ),
            rx.el.nav(
                rx.el.ul(
                    *links,
                    display="flex",
                    flex_wrap="wrap",
                    gap="0.5rem 1.25rem",
                    align_items="center",
                    margin="0",
                    padding="0",
                ),
                aria_label="Navigation principale",
            ),
            display="flex",
            flex_wrap="wrap",
            justify_content="space-between",
            align_items="center",
            gap="0.75rem",
            max_width=styles.MAX_WIDTH,
            margin="0 auto",
            padding="0.75rem 1rem",
        ),
        background=styles.SURFACE,
        border_bottom=f"3px solid {styles.PRIMARY}",
    )


def footer() -> rx.Component:
    links = [
        ("Mentions légales", routes.LEGAL_NOTICE),
        ("Accessibilité : partiellement conforme", routes.ACCESSIBILITY),
        ("Données personnelles", routes.PERSONAL_DATA),
        ("Conditions générales d'utilisation", routes.TERMS),
    ]
    return rx.el.footer(
        rx.el.div(
            rx.el.ul(
                *[
                    rx.el.li(rx.link(text, href=href, color=styles.PRIMARY), list_style="none")
                    for text, href in links
                ],
                display="flex",
                flex_wrap="wrap",
                gap="0.5rem 1.5rem",
                padding="0",
                margin="0 0 0.75rem 0",
            ),
            rx.el.p(
                f"{SERVICE_NAME} est une mise en œuvre ouverte et indépendante d'un portail de consultation "
                "des points du permis de conduire. Ce n'est pas un site officiel de l'État.",
                color=styles.MUTED,
                font_size="0.9rem",
                margin="0",
            ),
            max_width=styles.MAX_WIDTH,
            margin="0 auto",
            padding="1.25rem 1rem",
        ),
        background=styles.SURFACE,
        border_top=f"1px solid {styles.HAIRLINE}",
        margin_top="2rem",
    )


def layout(*children: rx.Component, private: bool = False) -> rx.Component:
    return rx.el.div(
        rx.el.a("Aller au contenu", href="#contenu", style=skip_link_style),
        header(private),
        rx.el.main(
            *children,
            id="contenu",
            tab_index=-1,
            max_width=styles.MAX_WIDTH,
            margin="0 auto",
            padding=["1rem 0.75rem", "1.5rem 1rem"],
            width="100%",
            flex="1",
        ),
        footer(),
        display="flex",
        flex_direction="column",
        min_height="100vh",
    )
