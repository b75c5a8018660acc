"""« Mes notifications »: what changed on the licence, newest first, read or unread."""

from __future__ import annotations

import reflex as rx

from mespoints import routes, styles
from mespoints.components.text import heading, paragraph, section
from mespoints.state.notifications import NotificationState as S
from mespoints.template import page


def notification(row: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.article(
            rx.el.h2(
                rx.cond(row.unread, rx.el.span("Non lue : ", style=styles.visually_hidden), rx.fragment()),
                row.title,
                font_size=styles.TEXT_LG,
                font_weight=styles.WEIGHT_BOLD,
                margin=styles.space(styles.SPACE_0, styles.SPACE_0, styles.SPACE_1_5),
            ),
            rx.el.p(
                row.when,
                color=styles.MUTED,
                font_size=styles.TEXT_SM,
                margin=styles.space(styles.SPACE_0, styles.SPACE_0, styles.SPACE_2),
            ),
            rx.el.p(row.body, margin=styles.space(styles.SPACE_0, styles.SPACE_0, styles.SPACE_3)),
            rx.el.div(
                rx.el.a(
                    "Voir mon historique",
                    href=row.link,
                    color=styles.PRIMARY,
                    font_weight=styles.WEIGHT_SEMIBOLD,
                ),
                rx.cond(
                    row.unread,
                    rx.el.button(
                        "Marquer comme lue",
                        type="button",
                        on_click=S.mark_read(row.id),
                        style={
                            **styles.button_secondary,
                            "padding": styles.space(styles.SPACE_1_5, styles.SPACE_3),
                            "min_height": styles.TOUCH_TARGET,
                        },
                    ),
                    rx.el.span("Lue", color=styles.MUTED),
                ),
                display="flex",
                flex_wrap="wrap",
                gap=styles.space(styles.SPACE_3, styles.SPACE_5),
                align_items="center",
            ),
            style=styles.card,
            border_left=rx.cond(
                row.unread,
                styles.line(styles.BORDER_ACCENT, styles.PRIMARY),
                styles.line(styles.BORDER_THIN, styles.HAIRLINE),
            ),
        ),
        list_style="none",
        margin_bottom=styles.SPACE_3,
    )


@page(route=routes.NOTIFICATIONS, title="Mes notifications", on_load=S.on_load, private=True)
def notifications() -> rx.Component:
    return rx.el.div(
        heading("Mes notifications"),
        rx.cond(
            S.loaded,
            rx.el.div(
                paragraph(
                    "Chaque changement de votre solde de points (retrait, récupération, stage, majoration "
                    "du permis probatoire) vous est signalé ici, et par courriel si vous ne l'avez pas "
                    "désactivé dans « Mon compte »."
                ),
                rx.el.p(
                    rx.cond(
                        S.unread == 0,
                        "Aucune notification non lue.",
                        rx.cond(
                            S.unread == 1, "1 notification non lue.", f"{S.unread} notifications non lues."
                        ),
                    ),
                    role="status",
                    font_weight=styles.WEIGHT_SEMIBOLD,
                ),
                rx.cond(
                    S.unread > 0,
                    rx.el.button(
                        "Tout marquer comme lu",
                        type="button",
                        on_click=S.mark_all_read,
                        style=styles.button_secondary,
                        margin_bottom=styles.SPACE_4,
                    ),
                    rx.fragment(),
                ),
                rx.cond(
                    S.rows.length() > 0,
                    rx.el.ul(rx.foreach(S.rows, notification), padding=styles.SPACE_0, margin=styles.SPACE_0),
                    section(paragraph("Vous n'avez encore reçu aucune notification.")),
                ),
            ),
            rx.el.p("Chargement de vos notifications…", role="status"),
        ),
    )
