"""The balance, large, with its maximum and a gauge; the text itself is the gauge's equivalent."""

from __future__ import annotations

import reflex as rx

from mespoints import styles


def points_gauge(*, balance: rx.Var, maximum: rx.Var, percent: rx.Var) -> rx.Component:
    """« 8 points sur 12 » as text (the text equivalent), then a bar screen readers skip (same information).

    The elements with data-testid "solde" and "solde-max" hold the bare whole numbers (interfaces.md 5).
    """
    return rx.el.div(
        rx.el.p(
            rx.el.span(
                balance,
                data_testid="solde",
                font_size=[styles.TEXT_DISPLAY, styles.TEXT_DISPLAY_WIDE],
                font_weight="800",
                line_height="1",
                color=styles.INK,
            ),
            rx.el.span(
                rx.cond(balance.to(int) > 1, " points sur ", " point sur "),
                font_size=styles.TEXT_XL,
                font_weight=styles.WEIGHT_SEMIBOLD,
            ),
            rx.el.span(
                maximum, data_testid="solde-max", font_size=styles.TEXT_2XL, font_weight=styles.WEIGHT_BOLD
            ),
            margin=styles.space(styles.SPACE_0, styles.SPACE_0, styles.SPACE_2),
        ),
        rx.el.div(
            rx.el.div(
                height=styles.FULL,
                width=f"{percent}%",
                background=styles.GAUGE_FILL,
                border_radius=styles.RADIUS,
            ),
            aria_hidden="true",
            height=styles.GAUGE_HEIGHT,
            width=styles.FULL,
            max_width=styles.GAUGE_WIDTH,
            background=styles.GAUGE_TRACK,
            border=styles.line(styles.BORDER_THIN, styles.BORDER),
            border_radius=styles.RADIUS,
            overflow="hidden",
        ),
    )
