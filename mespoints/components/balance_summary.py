"""« Votre solde de points »: the section every page of the driver's space opens with (issue 11).

It reads the dashboard's state (DashboardState.on_load, the one reader of a licence's balance), so
« Mon solde », « Historique », « Prévisionnel », « Courriers » and « Mes documents » show the same card.
"""

from __future__ import annotations

import reflex as rx

from mespoints import styles
from mespoints.components.points_gauge import points_gauge
from mespoints.components.text import heading, section
from mespoints.domain.notices import DELAY_NOTICE_FR, NOTICE_FR
from mespoints.state.dashboard import DashboardState as S


def para(*children, **props) -> rx.Component:
    """A paragraph whose margin can be changed (mespoints.components.text.paragraph fixes it)."""
    return rx.el.p(
        *children, **{"margin": styles.space(styles.SPACE_0, styles.SPACE_0, styles.SPACE_3), **props}
    )


def balance_section() -> rx.Component:
    return section(
        heading("Votre solde de points", level=2),
        points_gauge(balance=S.balance, maximum=S.maximum, percent=S.gauge_percent),
        para(
            "Solde au moment de la connexion, le ",
            S.as_of_label,
            f", {NOTICE_FR}.",
            margin_top=styles.SPACE_3,
        ),
        para(rx.el.strong("Dernière mise à jour de votre dossier : "), S.updated_label),
        para(DELAY_NOTICE_FR, color=styles.MUTED, margin=styles.SPACE_0),
    )


def balance_if_shown() -> rx.Component:
    """The balance section once the licence is read; nothing while loading, for a licence missing
    from the national file or taken back by its holder (the page says why on its own)."""
    return rx.cond(
        S.loaded & ~S.licence_missing & ~S.licence_claimed,
        balance_section(),
        rx.fragment(),
    )
