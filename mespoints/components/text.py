"""Small typographic pieces shared by pages."""

from __future__ import annotations

import re

import reflex as rx

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
    sizes = {1: ["1.6rem", "1.9rem"], 2: ["1.25rem", "1.4rem"], 3: ["1.1rem", "1.15rem"]}
    element = {1: rx.el.h1, 2: rx.el.h2, 3: rx.el.h3}[level]
    return element(
        fr(text) if isinstance(text, str) else text,
        **{
            "font_size": sizes[level],
            "font_weight": "700",
            "line_height": "1.25",
            "margin": "0.5rem 0 0.75rem" if level == 1 else "0 0 0.75rem",
            "color": styles.INK,
            **props,
        },
    )


def paragraph(*children, **props) -> rx.Component:
    return rx.el.p(*_fr_children(children), **{"margin": "0 0 0.75rem", **props})


def link(text, href: str, **props) -> rx.Component:
    """A text link; Radix's own hover colour (too pale on white) is replaced by ours."""
    return rx.link(fr(text) if isinstance(text, str) else text, href=href, _hover=styles.link_hover, **props)


def button_link(text: str, href: str, primary: bool = True, **props) -> rx.Component:
    """A link that looks like a button (it navigates: it stays a link for assistive technologies)."""
    style = styles.button_primary if primary else styles.button_secondary
    return rx.link(text, href=href, style=style, _hover=style["_hover"], **props)


def bullet_list(*items, **props) -> rx.Component:
    return rx.el.ul(*[rx.el.li(fr(item) if isinstance(item, str) else item) for item in items], **props)


def section(*children, **props) -> rx.Component:
    return rx.el.section(*children, style=styles.card, margin_bottom="1.25rem", **props)
