"""The « send me a link » form shared by « Mot de passe oublié » and « Recevoir un nouveau lien »."""

from __future__ import annotations

import reflex as rx

from mespoints import routes, styles
from mespoints.components.forms import form_alert, input_field, submit_button
from mespoints.components.text import button_link, paragraph, section


def link_request_form(
    state: type[rx.State], *, intro: str | None, hint: str, button: str, sent: str
) -> rx.Component:
    """The email form, then the same answer whether or not the address has an account."""
    S = state  # a LinkRequestState (mespoints.state.link_request)
    # Both parts stay in the page and `sent` only hides one: the form is never unmounted, so an
    # address typed while the page loads (before its state arrives) is never wiped.
    return section(
        rx.el.div(
            rx.cond(
                S.sent,  # type: ignore[attr-defined]
                rx.el.p(sent, role="status", style=styles.alert_success, margin_bottom=styles.SPACE_4),
                rx.fragment(),
            ),
            button_link("Aller à la page de connexion", routes.LOGIN, primary=False),
            display=rx.cond(S.sent, "block", "none"),  # type: ignore[attr-defined]
        ),
        rx.el.form(
            paragraph(intro) if intro else rx.fragment(),
            form_alert(S.message),  # type: ignore[attr-defined]
            # No initial value from the state: it would arrive after the page shows and
            # mix with what the user has already typed. The browser keeps the field as typed.
            input_field(
                "email",
                "Adresse électronique",
                error=S.email_error,  # type: ignore[attr-defined]
                type_="email",
                autocomplete="email",
                hint=hint,
                spell_check=False,
            ),
            submit_button(button),
            on_submit=S.submit,  # type: ignore[attr-defined]
            reset_on_submit=False,
            no_validate=True,
            display=rx.cond(S.sent, "none", "block"),  # type: ignore[attr-defined]
        ),
    )
