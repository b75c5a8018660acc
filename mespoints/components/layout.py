"""The one layout every page shares: skip link, header, main content, footer."""

from __future__ import annotations

import reflex as rx

from mespoints import routes, styles
from mespoints.components.page_load import page_load_bridge
from mespoints.state.auth import LogoutState
from mespoints.state.scripts import focus_on

SERVICE_NAME = "Mes Points Permis"

MAIN_ID = "contenu"

skip_link_style = {
    "position": "absolute",
    "left": "-9999px",
    "top": "0",
    "background": styles.SURFACE,
    "color": styles.PRIMARY,
    "font_weight": "600",
    "padding": "0.5rem 1rem",
    "border": f"2px solid {styles.PRIMARY}",
    "border_radius": styles.RADIUS,
    "z_index": "10",
    "&:focus": {"left": "0.5rem", "top": "0.5rem"},
}

# The skip link is a React Router link: left alone it would navigate (and reload the page's data)
# instead of moving the focus. Its click moves the focus to the main content (which scrolls it into
# view), as browsers do for an in-page anchor; Reflex's set_focus needs no `eval` (strict CSP).
FOCUS_MAIN = focus_on(MAIN_ID)

_current_path = rx.State.router.url.path


def _is_current(href: str) -> rx.Var:
    return (_current_path == href) | (_current_path == href + "/")


def nav_link(text: str, href: str) -> rx.Component:
    return rx.el.li(
        rx.link(
            text,
            href=href,
            color=styles.PRIMARY,
            font_weight="600",
            padding="0.5rem 0",
            display="block",
            aria_current=rx.cond(_is_current(href), "page", None),
            _hover=styles.link_hover,
        ),
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


def notifications_link(unread: rx.Var) -> rx.Component:
    """« Notifications », with the unread count when there is one (said in words to screen readers)."""
    unread = unread.to(int)
    return rx.el.li(
        rx.link(
            "Notifications",
            rx.cond(
                unread > 0,
                rx.el.span(
                    rx.el.span(unread, aria_hidden="true"),
                    rx.el.span(
                        rx.cond(unread == 1, " (1 non lue)", rx.Var.create(f" ({unread} non lues)")),
                        style=styles.visually_hidden,
                    ),
                    data_testid="notifications-non-lues",
                    margin_left="0.35rem",
                    padding="0 0.45rem",
                    border_radius="999px",
                    background=styles.ERROR,
                    color=styles.SURFACE,
                    font_size="0.85rem",
                    display="inline-block",
                    text_decoration="none",
                ),
                rx.fragment(),
            ),
            href=routes.NOTIFICATIONS,
            color=styles.PRIMARY,
            font_weight="600",
            padding="0.5rem 0",
            display="block",
            aria_current=rx.cond(_is_current(routes.NOTIFICATIONS), "page", None),
            _hover=styles.link_hover,
        ),
        list_style="none",
    )


def header(private: bool, unread: rx.Var | None = None) -> rx.Component:
    links = (
        [
            nav_link("Mon tableau de bord", routes.DASHBOARD),
            notifications_link(unread if unread is not None else rx.Var.create(0)),
            nav_link("Mon compte", routes.ACCOUNT),
            logout_button(),
        ]
        if private
        else [nav_link("Se connecter", routes.LOGIN), nav_link("Créer un compte", routes.SIGNUP)]
    )
    return rx.el.header(
        rx.el.div(
            # The link's name starts with its visible text (WCAG 2.5.3), « accueil » said after it;
            # the tagline sits outside the link, so the link's name stays short.
            rx.el.div(
                rx.link(
                    SERVICE_NAME,
                    rx.el.span(" – accueil", style=styles.visually_hidden),
                    href=routes.HOME,
                    display="block",
                    font_size="1.35rem",
                    font_weight="700",
                    color=styles.INK,
                    text_decoration="none",
                    _hover={"text_decoration": "underline", "color": styles.INK},
                ),
                rx.el.p(
                    "Le solde de points de votre permis de conduire",
                    font_size="0.9rem",
                    color=styles.MUTED,
                    margin="0",
                ),
                line_height="1.3",
            ),
            rx.el.nav(
                rx.el.ul(
                    *links,
                    display="flex",
                    flex_wrap="wrap",
                    gap="0 1rem",
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
        ("Comprendre le calcul de vos points", routes.UNDERSTANDING),
    ]
    return rx.el.footer(
        rx.el.div(
            rx.el.ul(
                *[
                    rx.el.li(
                        rx.link(
                            text,
                            href=href,
                            color=styles.PRIMARY,
                            padding="0.25rem 0",
                            display="inline-block",
                            aria_current=rx.cond(_is_current(href), "page", None),
                            _hover=styles.link_hover,
                        ),
                        list_style="none",
                    )
                    for text, href in links
                ],
                display="flex",
                flex_wrap="wrap",
                gap="0.25rem 1.5rem",
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


def layout(*children: rx.Component, private: bool = False, unread: rx.Var | None = None) -> rx.Component:
    return rx.el.div(
        rx.el.a(
            "Aller au contenu",
            href=f"#{MAIN_ID}",
            style=skip_link_style,
            on_click=[rx.prevent_default, FOCUS_MAIN],
        ),
        header(private, unread),
        rx.el.main(
            *children,
            id=MAIN_ID,
            tab_index=-1,
            max_width=styles.MAX_WIDTH,
            margin="0 auto",
            padding=["1rem 0.75rem", "1.5rem 1rem"],
            width="100%",
            flex="1",
        ),
        footer(),
        page_load_bridge(),
        display="flex",
        flex_direction="column",
        min_height="100vh",
    )
