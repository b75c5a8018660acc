"""The one layout every page shares: skip link, header, main content, footer."""

from __future__ import annotations

import reflex as rx
from reflex_base.constants.base import LiteralColorMode
from reflex_base.style import color_mode, set_color_mode

from mespoints import routes, styles
from mespoints.components.page_load import page_load_bridge
from mespoints.components.text import router_link
from mespoints.state.auth import LogoutState
from mespoints.state.scripts import focus_on

SERVICE_NAME = "Mes Points Permis"

MAIN_ID = "contenu"

skip_link_style = {
    "position": "absolute",
    "left": styles.OFFSCREEN,
    "top": styles.SPACE_0,
    "background": styles.SURFACE,
    "color": styles.PRIMARY,
    "font_weight": styles.WEIGHT_SEMIBOLD,
    "padding": styles.space(styles.SPACE_2, styles.SPACE_4),
    "border": styles.line(styles.BORDER_THICK, styles.PRIMARY),
    "border_radius": styles.RADIUS,
    "min_height": styles.TOUCH_TARGET,
    "z_index": styles.Z_SKIP_LINK,
    "&:focus": {"left": styles.SPACE_2, "top": styles.SPACE_2},
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
        router_link(
            text, href=href, style=styles.menu_link, aria_current=rx.cond(_is_current(href), "page", None)
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
            style={**styles.button_secondary, "padding": styles.space(styles.SPACE_1_5, styles.SPACE_3)},
        ),
        list_style="none",
    )


def notifications_link(unread: rx.Var) -> rx.Component:
    """« Notifications », with the unread count when there is one (said in words to screen readers)."""
    unread = unread.to(int)
    return rx.el.li(
        router_link(
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
                    margin_left=styles.SPACE_1_5,
                    padding=styles.space(styles.SPACE_0, styles.SPACE_2),
                    border_radius=styles.RADIUS_PILL,
                    background=styles.ERROR,
                    color=styles.ON_ERROR,
                    font_size=styles.TEXT_XS,
                    line_height=styles.LEADING_SNUG,
                    display="inline-block",
                    text_decoration="none",
                ),
                rx.fragment(),
            ),
            href=routes.NOTIFICATIONS,
            style=styles.menu_link,
            aria_current=rx.cond(_is_current(routes.NOTIFICATIONS), "page", None),
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
                router_link(
                    SERVICE_NAME,
                    rx.el.span(" – accueil", style=styles.visually_hidden),
                    href=routes.HOME,
                    display="inline-flex",
                    align_items="center",
                    min_height=styles.TOUCH_TARGET,
                    font_size=styles.TEXT_XL,
                    font_weight=styles.WEIGHT_BOLD,
                    color=styles.INK,
                    text_decoration="none",
                    _hover={"text_decoration": "underline", "color": styles.INK},
                ),
                rx.el.p(
                    "Le solde de points de votre permis de conduire",
                    font_size=styles.TEXT_SM,
                    color=styles.MUTED,
                    margin=styles.SPACE_0,
                ),
                line_height=styles.LEADING_SNUG,
            ),
            rx.el.nav(
                rx.el.ul(
                    *links,
                    display="flex",
                    flex_wrap="wrap",
                    gap=styles.space(styles.SPACE_0, styles.SPACE_4),
                    align_items="center",
                    margin=styles.SPACE_0,
                    padding=styles.SPACE_0,
                ),
                aria_label="Navigation principale",
            ),
            display="flex",
            flex_wrap="wrap",
            justify_content="space-between",
            align_items="center",
            gap=styles.SPACE_3,
            max_width=styles.MAX_WIDTH,
            margin=styles.space(styles.SPACE_0, "auto"),
            padding=styles.space(styles.SPACE_3, styles.SPACE_4),
        ),
        background=styles.SURFACE,
        border_bottom=styles.line(styles.BORDER_ACCENT, styles.PRIMARY),
    )


THEME_ID = "theme-choix"
THEMES: tuple[tuple[str, LiteralColorMode], ...] = (
    ("Clair", "light"),
    ("Sombre", "dark"),
    ("Système", "system"),
)


def theme_switch() -> rx.Component:
    """« Thème : clair / sombre / système »: three toggle buttons, the chosen one pressed.

    Reflex's colour-mode provider remembers the choice (localStorage) and sets ``light`` or ``dark``
    on <html>; the tokens' custom properties follow (styles.global_css). No script of ours.
    """
    return rx.el.div(
        rx.el.span("Thème", id=THEME_ID, font_weight=styles.WEIGHT_SEMIBOLD, margin_right=styles.SPACE_2),
        *[
            rx.el.button(
                text,
                type="button",
                aria_pressed=rx.cond(color_mode == mode, "true", "false"),
                on_click=set_color_mode(mode),
                style={
                    **styles.button_secondary,
                    "padding": styles.space(styles.SPACE_1_5, styles.SPACE_3),
                    "font_weight": styles.WEIGHT_REGULAR,
                    "&[aria-pressed='true']": {
                        "background": styles.PRIMARY,
                        "color": styles.ON_PRIMARY,
                        "font_weight": styles.WEIGHT_SEMIBOLD,
                    },
                },
            )
            for text, mode in THEMES
        ],
        role="group",
        aria_labelledby=THEME_ID,
        data_testid="theme",
        display="flex",
        flex_wrap="wrap",
        align_items="center",
        gap=styles.SPACE_2,
        margin=styles.space(styles.SPACE_0, styles.SPACE_0, styles.SPACE_3),
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
                        router_link(
                            text,
                            href=href,
                            style=styles.menu_link_regular,
                            aria_current=rx.cond(_is_current(href), "page", None),
                        ),
                        list_style="none",
                    )
                    for text, href in links
                ],
                display="flex",
                flex_wrap="wrap",
                gap=styles.space(styles.SPACE_0, styles.SPACE_6),
                padding=styles.SPACE_0,
                margin=styles.space(styles.SPACE_0, styles.SPACE_0, styles.SPACE_3),
            ),
            theme_switch(),
            rx.el.p(
                f"{SERVICE_NAME} est une mise en œuvre ouverte et indépendante d'un portail de consultation "
                "des points du permis de conduire. Ce n'est pas un site officiel de l'État.",
                color=styles.MUTED,
                font_size=styles.TEXT_SM,
                margin=styles.SPACE_0,
            ),
            max_width=styles.MAX_WIDTH,
            margin=styles.space(styles.SPACE_0, "auto"),
            padding=styles.space(styles.SPACE_5, styles.SPACE_4),
        ),
        background=styles.SURFACE,
        border_top=styles.line(styles.BORDER_THIN, styles.HAIRLINE),
        margin_top=styles.SPACE_8,
    )


# The design tokens' custom properties and the page-wide rules (static: its hash is stable for a CSP).
GLOBAL_CSS = styles.global_css()


def layout(*children: rx.Component, private: bool = False, unread: rx.Var | None = None) -> rx.Component:
    return rx.el.div(
        rx.el.style(GLOBAL_CSS),
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
            margin=styles.space(styles.SPACE_0, "auto"),
            padding=[
                styles.space(styles.SPACE_4, styles.SPACE_3),
                styles.space(styles.SPACE_6, styles.SPACE_4),
            ],
            width=styles.FULL,
            flex="1",
        ),
        footer(),
        page_load_bridge(),
        display="flex",
        flex_direction="column",
        min_height=styles.VIEWPORT_HEIGHT,
    )
