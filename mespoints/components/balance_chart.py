"""The balance over time: history as a solid line, forecast as a dashed one, with a legend.

Hand-drawn inline SVG, stretched to the available width (320 px included); the lines keep their
thickness and dashes (non-scaling strokes) and the labels are HTML, so they stay readable. The
figure's caption summarises it; the « Historique » and « Calendrier prévisionnel » tables are its
full text alternative. Geometry comes ready from mespoints.services.dashboard.balance_chart.
"""

from __future__ import annotations

import reflex as rx

from mespoints import styles

PLOT_HEIGHT = "12rem"


def _line(d: rx.Var, colour: str, *, width: int = 3, dashes: str | None = None) -> rx.Component:
    attrs = {"fill": "none", "stroke": colour, "strokeWidth": width, "vectorEffect": "non-scaling-stroke"}
    if dashes:
        attrs["strokeDasharray"] = dashes
    return rx.el.svg.path(d=d, custom_attrs=attrs)


def _swatch(colour: str, *, dashes: str | None = None, width: int = 3) -> rx.Component:
    attrs = {"stroke": colour, "strokeWidth": width, "fill": "none"}
    if dashes:
        attrs["strokeDasharray"] = dashes
    return rx.el.svg(
        rx.el.svg.path(d="M2 8 H38", custom_attrs=attrs),
        view_box="0 0 40 16",
        width="40",
        height="16",
        aria_hidden="true",
        flex_shrink="0",
    )


def _legend_item(swatch: rx.Component, text: str) -> rx.Component:
    return rx.el.li(
        swatch, rx.el.span(text), display="flex", align_items="center", gap="0.5rem", list_style="none"
    )


def balance_chart(chart: rx.Var) -> rx.Component:
    """`chart` is the state's BalanceChart (history_path, forecast_path, ticks, summary)."""
    plot = rx.el.div(
        rx.el.svg(
            _line(chart.grid_path, styles.CHART_GRID, width=1),
            _line(chart.today_path, styles.CHART_TODAY, width=2, dashes="2 4"),
            _line(chart.history_path, styles.CHART_HISTORY, width=3),
            _line(chart.forecast_path, styles.CHART_FORECAST, width=3, dashes="8 6"),
            view_box="0 0 1000 100",
            preserve_aspect_ratio="none",
            width="100%",
            height="100%",
            aria_hidden="true",
            focusable="false",
            position="absolute",
            inset="0",
            overflow="visible",
        ),
        position="relative",
        height=PLOT_HEIGHT,
        border_left=f"1px solid {styles.BORDER}",
        border_bottom=f"1px solid {styles.BORDER}",
    )
    y_labels = rx.el.div(
        rx.foreach(
            chart.y_ticks,
            lambda tick: rx.el.span(
                tick.label,
                position="absolute",
                right="0.4rem",
                top=f"{tick.position}%",
                transform="translateY(-50%)",
                font_size="0.85rem",
                color=styles.MUTED,
            ),
        ),
        position="relative",
        height=PLOT_HEIGHT,
    )
    x_labels = rx.el.div(
        rx.foreach(
            chart.x_ticks,
            lambda tick: rx.el.span(
                tick.label,
                position="absolute",
                left=f"{tick.position}%",
                top="0.2rem",
                transform="translateX(-50%)",
                font_size="0.85rem",
                color=styles.MUTED,
            ),
        ),
        position="relative",
        height="1.6rem",
    )
    return rx.el.figure(
        rx.el.div(
            y_labels,
            plot,
            rx.el.div(),
            x_labels,
            aria_hidden="true",
            display="grid",
            grid_template_columns="2rem minmax(0, 1fr)",
            width="100%",
        ),
        rx.el.ul(
            _legend_item(_swatch(styles.CHART_HISTORY), "Solde enregistré (trait plein)"),
            _legend_item(_swatch(styles.CHART_FORECAST, dashes="8 6"), "Solde prévu (tirets)"),
            _legend_item(_swatch(styles.CHART_TODAY, dashes="2 4", width=2), "Aujourd'hui (pointillés)"),
            display="flex",
            flex_wrap="wrap",
            gap="0.25rem 1.25rem",
            padding="0",
            margin="0.75rem 0 0.5rem",
        ),
        rx.el.figcaption(
            chart.summary,
            " Le détail figure dans les tableaux « Historique » et « Calendrier prévisionnel ».",
            color=styles.MUTED,
            font_size="0.95rem",
        ),
        margin="0",
    )
