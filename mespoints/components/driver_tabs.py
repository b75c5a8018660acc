"""The driver's pages share one navigation (interfaces.md section 5): « Mon solde », « Historique »,
« Prévisionnel », « Courriers », « Mes documents ». Plain links in a labelled nav, the current page
marked with aria-current; they wrap on a narrow screen, never scroll sideways."""

from __future__ import annotations

import reflex as rx

from mespoints import routes, styles

DRIVER_TABS: tuple[tuple[str, str], ...] = (
    ("Mon solde", routes.DASHBOARD),
    ("Historique", routes.DASHBOARD_HISTORY),
    ("Prévisionnel", routes.DASHBOARD_FORECAST),
    ("Courriers", routes.DASHBOARD_LETTERS),
    ("Mes documents", routes.DOCUMENTS),
)

_path = rx.State.router.url.path


def _tab(text: str, href: str) -> rx.Component:
    current = (_path == href) | (_path == href + "/")
    return rx.el.li(
        rx.el.a(
            text,
            href=href,
            aria_current=rx.cond(current, "page", None),
            display="inline-flex",
            align_items="center",
            padding=styles.space(styles.SPACE_2, styles.SPACE_3),
            min_height=styles.TOUCH_TARGET,
            color=rx.cond(current, styles.ON_PRIMARY, styles.PRIMARY),
            background=rx.cond(current, styles.PRIMARY, styles.SURFACE),
            border=styles.line(styles.BORDER_THIN, styles.PRIMARY),
            border_radius=styles.RADIUS,
            font_weight=styles.WEIGHT_SEMIBOLD,
            text_decoration=rx.cond(current, "none", "underline"),
            # The colours stay (white on blue for the current page), only the underline thickens.
            _hover={"text_decoration": "underline", "text_decoration_thickness": styles.UNDERLINE_HOVER},
        ),
        list_style="none",
    )


def driver_tabs() -> rx.Component:
    return rx.el.nav(
        rx.el.ul(
            *[_tab(text, href) for text, href in DRIVER_TABS],
            display="flex",
            flex_wrap="wrap",
            gap=styles.SPACE_2,
            padding=styles.SPACE_0,
            margin=styles.space(styles.SPACE_0, styles.SPACE_0, styles.SPACE_5),
        ),
        aria_label="Mon espace conducteur",
    )
