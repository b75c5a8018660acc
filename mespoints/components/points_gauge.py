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
                font_size=["3rem", "3.75rem"],
                font_weight="800",
                line_height="1",
                color=styles.INK,
            ),
            rx.el.span(
                rx.cond(balance.to(int) > 1, " points sur ", " point sur "),
                font_size="1.25rem",
                font_weight="600",
            ),
            rx.el.span(maximum, data_testid="solde-max", font_size="1.5rem", font_weight="700"),
            margin="0 0 0.5rem",
        ),
        rx.el.div(
            rx.el.div(
                height="100%",
                width=f"{percent}%",
                background=styles.GAUGE_FILL,
                border_radius=styles.RADIUS,
            ),
            aria_hidden="true",
            height="1rem",
            width="100%",
            max_width="24rem",
            background=styles.GAUGE_TRACK,
            border=f"1px solid {styles.BORDER}",
            border_radius=styles.RADIUS,
            overflow="hidden",
        ),
    )
