"""« Vérifier une attestation »: public, no account; the verdict in plain French."""

from __future__ import annotations

import reflex as rx

from mespoints import routes, styles
from mespoints.components.forms import submit_button
from mespoints.components.text import heading, paragraph
from mespoints.state.verify import RESULT_ID
from mespoints.state.verify import VerifyState as S
from mespoints.template import page

R = S.result


def attested_line(line: rx.Var) -> rx.Component:
    return rx.el.div(
        rx.el.dt(line.label, font_weight=styles.WEIGHT_BOLD),
        rx.el.dd(line.value, margin=styles.space(styles.SPACE_0, styles.SPACE_0, styles.SPACE_2)),
    )


def verdict() -> rx.Component:
    return rx.el.div(
        rx.cond(
            R,
            rx.el.div(
                heading("Résultat de la vérification", level=2, tab_index=-1),
                rx.match(
                    R.verdict,
                    (
                        "valid",
                        rx.el.div(
                            rx.el.p(rx.el.strong(R.title), style=styles.alert_success),
                            paragraph("Voici ce que l'attestation certifie :", margin_top=styles.SPACE_4),
                            rx.el.dl(rx.foreach(R.lines, attested_line), margin=styles.SPACE_0),
                        ),
                    ),
                    (
                        "expired",
                        rx.el.div(
                            rx.el.p(rx.el.strong(R.title), " ", R.dates, style=styles.alert_warning),
                        ),
                    ),
                    ("rate_limited", rx.el.p(R.title, style=styles.alert_warning)),
                    rx.el.p(rx.el.strong(R.title), style=styles.alert_error),
                ),
                data_testid="verdict",
            ),
            rx.fragment(),
        ),
        id=RESULT_ID,
        tab_index=-1,
        aria_live="polite",
        margin_top=styles.SPACE_6,
    )


@page(route=routes.VERIFY, title="Vérifier une attestation", on_load=S.on_load)
def verify() -> rx.Component:
    return rx.el.div(
        heading("Vérifier une attestation de droits à conduire"),
        paragraph(
            "Un conducteur vous présente une attestation de droits à conduire établie par Mes Points "
            "Permis ? Scannez son code QR, ou collez ci-dessous le code de vérification imprimé sous le "
            "code QR. Aucun compte n'est nécessaire."
        ),
        rx.el.form(
            rx.el.label("Code de vérification", html_for="code", style=styles.label),
            rx.el.span("Le long code imprimé sous le code QR, en entier.", id="code-aide", style=styles.hint),
            rx.el.textarea(
                id="code",
                name="code",
                default_value=S.code,
                rows=4,
                aria_describedby="code-aide",
                spell_check=False,
                auto_complete="off",
                auto_capitalize="off",
                style={**styles.input_, "font_family": "monospace", "word_break": "break-all"},
                width=styles.FULL,
            ),
            rx.el.div(submit_button("Vérifier"), margin_top=styles.SPACE_3),
            on_submit=S.check,
            reset_on_submit=False,
            no_validate=True,
            max_width=styles.FORM_WIDTH,
        ),
        verdict(),
        paragraph(
            "Une attestation est valable 4 mois après sa délivrance. Elle reflète la situation du permis le "
            "jour où elle a été établie.",
            color=styles.MUTED,
            margin_top=styles.SPACE_6,
        ),
        rx.el.p(
            rx.el.a("Comprendre le calcul des points", href=routes.UNDERSTANDING, color=styles.PRIMARY),
        ),
    )
