"""Small typographic pieces shared by pages."""

from __future__ import annotations

import re

import reflex as rx
from reflex_components_core.react_router.dom import ReactRouterLink

from mespoints import styles

NBSP = "\u00a0"
NNBSP = "\u202f"  # narrow no-break space, before ; ! ? in French typography

_BEFORE_HIGH_PUNCTUATION = re.compile(r" ([;!?])")
_BEFORE_COLON = re.compile(r" :(?=\s|$)")


def fr(text: str) -> str:
    """French typography: no line break before « : ; ! ? » nor inside « guillemets »."""
    text = _BEFORE_HIGH_PUNCTUATION.sub(NNBSP + r"\1", text)
    text = _BEFORE_COLON.sub(NBSP + ":", text)
    return text.replace("« ", "«" + NBSP).replace(" »", NBSP + "»")


def _fr_children(children: tuple) -> list:
    return [fr(child) if isinstance(child, str) else child for child in children]


def heading(text, level: int = 1, **props) -> rx.Component:
    sizes = {
        1: [styles.TEXT_2XL, styles.TEXT_2XL, styles.TEXT_3XL],
        2: [styles.TEXT_XL, styles.TEXT_XL, styles.TEXT_2XL],
        3: [styles.TEXT_LG, styles.TEXT_LG, styles.TEXT_XL],
    }
    element = {1: rx.el.h1, 2: rx.el.h2, 3: rx.el.h3}[level]
    return element(
        fr(text) if isinstance(text, str) else text,
        **{
            "font_size": sizes[level],
            "font_weight": styles.WEIGHT_BOLD,
            "line_height": styles.LEADING_TIGHT,
            "margin": styles.space(
                styles.SPACE_2 if level == 1 else styles.SPACE_0, styles.SPACE_0, styles.SPACE_3
            ),
            "color": styles.INK,
            **props,
        },
    )


def paragraph(*children, **props) -> rx.Component:
    return rx.el.p(
        *_fr_children(children),
        **{"margin": styles.space(styles.SPACE_0, styles.SPACE_0, styles.SPACE_3), **props},
    )


def router_link(*children, href, **props) -> rx.Component:
    """A link to one of the portal's pages, followed in the browser (React Router's ``Link``, what
    ``rx.link`` wrapped inside a Radix Themes link): no document reload. Backend routes (downloads,
    /auth/…) need a real document load: ``rx.el.a``."""
    return ReactRouterLink.create(*children, to=href, **props)


def link(text, href, **props) -> rx.Component:
    """A text link to a page of the portal."""
    return router_link(
        fr(text) if isinstance(text, str) else text, href=href, _hover=styles.link_hover, **props
    )


def button_link(text: str, href, primary: bool = True, **props) -> rx.Component:
    """A link that looks like a button (it navigates: it stays a link for assistive technologies)."""
    style = styles.button_primary if primary else styles.button_secondary
    return router_link(text, href=href, style=style, **props)


def bullet_list(*items, **props) -> rx.Component:
    return rx.el.ul(*[rx.el.li(fr(item) if isinstance(item, str) else item) for item in items], **props)


def section(*children, **props) -> rx.Component:
    return rx.el.section(*children, style=styles.card, margin_bottom=styles.SPACE_5, **props)
