"""The balance over time: history as a solid line, forecast as a dashed one, with a legend.

Hand-drawn inline SVG, stretched to the available width (320 px included); the lines keep their
thickness and dashes (non-scaling strokes) and the labels are HTML, so they stay readable. The
figure's caption summarises it, and a table under « Voir les données du graphique » lists every
balance it draws (its text alternative); the « Historique » and « Calendrier prévisionnel » tables
explain each change.

The geometry is all here: the service hands over the balance as data (mespoints.services.dashboard.
BalanceSeries: steps in days and points, year marks, today), and this component draws it in a
viewBox whose units are days across and points down (flipped, with a margin), so the browser does
the scaling and no coordinate is computed elsewhere.
"""

from __future__ import annotations

import reflex as rx

from mespoints import styles
from mespoints.domain.points import MAXIMUM_POINTS

PLOT_HEIGHT = styles.CHART_HEIGHT
# Points of margin above the maximum and below zero, so the lines keep off the edges.
MARGIN_POINTS = MAXIMUM_POINTS / 18
BOX_HEIGHT = MAXIMUM_POINTS + 2 * MARGIN_POINTS
GRID_VALUES = (MAXIMUM_POINTS, MAXIMUM_POINTS // 2, 0)
# Year labels closer than this to either side (percent of the width) would overflow the box.
EDGE_PERCENT = 4


def _y(balance: int) -> float:
    """A balance as a y coordinate of the viewBox (0 at the top)."""
    return MAXIMUM_POINTS - balance


def _label_top(balance: int) -> str:
    """Where a balance's label sits, as a percentage of the plot's height from the top."""
    return f"{round(100 * (_y(balance) + MARGIN_POINTS) / BOX_HEIGHT, 1)}%"


def _step_path(step: rx.Var) -> rx.Var:
    """One held balance: from the previous balance, up or down to this one, then along to its end."""
    return rx.Var.create(
        f"M{step.start} {MAXIMUM_POINTS - step.previous} V{MAXIMUM_POINTS - step.balance} H{step.end}"
    )


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
        swatch, rx.el.span(text), display="flex", align_items="center", gap=styles.SPACE_2, list_style="none"
    )


def balance_chart(chart: rx.Var) -> rx.Component:
    """`chart` is the state's BalanceSeries (steps, year marks and today, in days and points)."""
    plot = rx.el.div(
        rx.el.svg(
            *[
                _line(rx.Var.create(f"M0 {_y(value)} H{chart.days}"), styles.CHART_GRID, width=1)
                for value in GRID_VALUES
            ],
            _line(
                rx.Var.create(f"M{chart.today} {-MARGIN_POINTS} V{MAXIMUM_POINTS + MARGIN_POINTS}"),
                styles.CHART_TODAY,
                width=2,
                dashes="2 4",
            ),
            rx.foreach(chart.history, lambda step: _line(_step_path(step), styles.CHART_HISTORY, width=3)),
            rx.foreach(
                chart.forecast,
                lambda step: _line(_step_path(step), styles.CHART_FORECAST, width=3, dashes="8 6"),
            ),
            view_box=rx.Var.create(f"0 {-MARGIN_POINTS} {chart.days} {BOX_HEIGHT}"),
            preserve_aspect_ratio="none",
            width=styles.FULL,
            height=styles.FULL,
            aria_hidden="true",
            focusable="false",
            position="absolute",
            inset=styles.SPACE_0,
            overflow="visible",
        ),
        position="relative",
        height=PLOT_HEIGHT,
        border_left=styles.line(styles.BORDER_THIN, styles.BORDER),
        border_bottom=styles.line(styles.BORDER_THIN, styles.BORDER),
    )
    y_labels = rx.el.div(
        *[
            rx.el.span(
                str(value),
                position="absolute",
                right=styles.SPACE_1_5,
                top=_label_top(value),
                transform=styles.CENTER_Y,
                font_size=styles.TEXT_XS,
                color=styles.MUTED,
            )
            for value in GRID_VALUES
        ],
        position="relative",
        height=PLOT_HEIGHT,
    )

    def year_label(mark: rx.Var) -> rx.Component:
        percent = mark.day * 100 / chart.days
        return rx.cond(
            (percent >= EDGE_PERCENT) & (percent <= 100 - EDGE_PERCENT),
            rx.el.span(
                mark.label,
                position="absolute",
                left=rx.Var.create(f"{percent}%"),
                top=styles.SPACE_1,
                transform=styles.CENTER_X,
                font_size=styles.TEXT_XS,
                color=styles.MUTED,
            ),
            rx.fragment(),
        )

    x_labels = rx.el.div(
        rx.foreach(chart.years, year_label), position="relative", height=styles.CHART_AXIS_HEIGHT
    )
    return rx.el.figure(
        rx.el.div(
            y_labels,
            plot,
            rx.el.div(),
            x_labels,
            aria_hidden="true",
            display="grid",
            grid_template_columns=f"{styles.CHART_AXIS_WIDTH} minmax(0, 1fr)",
            width=styles.FULL,
        ),
        rx.el.ul(
            _legend_item(_swatch(styles.CHART_HISTORY), "Solde enregistré (trait plein)"),
            _legend_item(_swatch(styles.CHART_FORECAST, dashes="8 6"), "Solde prévu (tirets)"),
            _legend_item(_swatch(styles.CHART_TODAY, dashes="2 4", width=2), "Aujourd'hui (pointillés)"),
            display="flex",
            flex_wrap="wrap",
            gap=styles.space(styles.SPACE_1, styles.SPACE_5),
            padding=styles.SPACE_0,
            margin=styles.space(styles.SPACE_3, styles.SPACE_0, styles.SPACE_2),
        ),
        rx.el.figcaption(
            chart.summary,
            " Les données du graphique suivent ; le détail de chaque changement figure dans les tableaux "
            "« Historique » et « Calendrier prévisionnel ».",
            color=styles.MUTED,
            font_size=styles.TEXT_SM,
        ),
        chart_data(chart),
        margin=styles.SPACE_0,
    )


_DATA_CELL_PADDING = styles.space(styles.SPACE_1, styles.SPACE_3, styles.SPACE_1, styles.SPACE_0)


def _data_row(step: rx.Var, kind: str) -> rx.Component:
    return rx.el.tr(
        rx.el.th(
            step.since,
            scope="row",
            text_align="left",
            font_weight=styles.WEIGHT_SEMIBOLD,
            padding=_DATA_CELL_PADDING,
        ),
        rx.el.td(step.balance, text_align="right", padding=styles.space(styles.SPACE_1, styles.SPACE_3)),
        rx.el.td(kind, padding=styles.space(styles.SPACE_1, styles.SPACE_0)),
    )


def chart_data(chart: rx.Var) -> rx.Component:
    """The chart's text alternative: every balance it draws, from which day, recorded or forecast."""
    return rx.el.details(
        rx.el.summary(
            "Voir les données du graphique",
            cursor="pointer",
            font_weight=styles.WEIGHT_SEMIBOLD,
            color=styles.PRIMARY,
            display="flex",
            align_items="center",
            min_height=styles.TOUCH_TARGET,
        ),
        rx.el.table(
            rx.el.caption("Solde de points représenté par le graphique", style=styles.visually_hidden),
            rx.el.thead(
                rx.el.tr(
                    *[
                        rx.el.th(text, scope="col", text_align="left", padding=_DATA_CELL_PADDING)
                        for text in ("À partir du", "Solde (points)", "Nature")
                    ]
                )
            ),
            rx.el.tbody(
                rx.foreach(chart.history, lambda step: _data_row(step, "enregistré")),
                # The forecast starts from today's balance, already the last recorded row.
                rx.foreach(chart.forecast[1:], lambda step: _data_row(step, "prévu")),
            ),
            margin_top=styles.SPACE_2,
            font_size=styles.TEXT_SM,
        ),
        data_testid="donnees-graphique",
        margin_top=styles.SPACE_3,
    )
