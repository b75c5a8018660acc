"""Small typographic pieces shared by pages."""

from __future__ import annotations

import reflex as rx

from mespoints import styles


def heading(text, level: int = 1, **props) -> rx.Component:
    sizes = {1: "1.9rem", 2: "1.4rem", 3: "1.15rem"}
    element = {1: rx.el.h1, 2: rx.el.h2, 3: rx.el.h3}[level]
    return element(text, font_size=sizes[level], font_weight="700", line_height="1.25", margin="0.5rem 0 0.75rem",
                   color=styles.INK, **props)


def paragraph(*children, **props) -> rx.Component:
    return rx.el.p(*children, margin="0 0 0.75rem", **props)


def button_link(text: str, href: str, primary: bool = True) -> rx.Component:
    return rx.link(text, href=href, style=styles.button_primary if primary else styles.button_secondary)


def section(*children, **props) -> rx.Component:
    return rx.el.section(*children, style=styles.card, margin_bottom="1.25rem", **props)
