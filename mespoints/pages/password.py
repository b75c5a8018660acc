"""« Mot de passe oublié ? » and the new password page."""

import reflex as rx

from mespoints import routes, styles
from mespoints.components.forms import busy_form, input_field, submit_button
from mespoints.components.link_request import link_request_form
from mespoints.components.text import button_link, heading, section
from mespoints.domain.account_policy import PASSWORD_RESET_VALIDITY, duration_fr
from mespoints.domain.password_policy import MIN_LENGTH
from mespoints.state.link_request import ForgottenPasswordState
from mespoints.state.password import ResetPasswordState
from mespoints.template import page


@page(route=routes.PASSWORD_FORGOTTEN, title="Mot de passe oublié", on_load=ForgottenPasswordState.on_load)
def forgotten_password() -> rx.Component:
    return rx.el.div(
        heading("Mot de passe oublié"),
        rx.cond(
            ForgottenPasswordState.notice != "",
            rx.el.p(
                ForgottenPasswordState.notice,
                role="status",
                style=styles.alert_info,
                margin_bottom=styles.SPACE_4,
            ),
            rx.fragment(),
        ),
        link_request_form(
            ForgottenPasswordState,
            intro="Indiquez l'adresse électronique de votre compte : nous vous enverrons un lien pour "
            "choisir un nouveau mot de passe.",
            hint="Format attendu : nom@domaine.fr",
            button="Recevoir le lien",
            sent="Si un compte existe pour cette adresse, un courriel vient d'y être envoyé avec un lien "
            "pour choisir un nouveau mot de passe. "
            f"Ce lien est valable {duration_fr(PASSWORD_RESET_VALIDITY)}.",
        ),
        max_width=styles.FORM_WIDTH,
    )


@page(route=routes.PASSWORD_RESET, title="Nouveau mot de passe", on_load=ResetPasswordState.on_load)
def reset_password() -> rx.Component:
    S = ResetPasswordState
    link_problem = rx.fragment(
        rx.el.p(
            rx.cond(
                S.link_status == "expired",
                f"Ce lien a expiré (il est valable {duration_fr(PASSWORD_RESET_VALIDITY)}).",
                "Ce lien n'est pas valable ou a déjà été utilisé.",
            ),
            role="alert",
            style=styles.alert_error,
            margin_bottom=styles.SPACE_4,
        ),
        button_link("Demander un nouveau lien", routes.PASSWORD_FORGOTTEN),
    )
    form = busy_form(
        input_field(
            "password",
            "Nouveau mot de passe",
            error=S.password_error,
            type_="password",
            autocomplete="new-password",
            hint=f"Au moins {MIN_LENGTH} caractères. Une phrase facile à retenir convient très bien.",
        ),
        input_field(
            "password_confirmation",
            "Confirmation du mot de passe",
            error=S.confirmation_error,
            type_="password",
            autocomplete="new-password",
        ),
        submit_button(
            "Enregistrer le nouveau mot de passe", busy=S.submitting, busy_text="Enregistrement en cours…"
        ),
        on_submit=S.submit,
        busy=S.submitting,
        reset_on_submit=False,
        no_validate=True,
    )
    return rx.el.div(
        heading("Choisir un nouveau mot de passe"),
        section(
            rx.match(
                S.link_status,
                ("done", form),
                ("", rx.el.p("Vérification du lien…", aria_live="polite")),
                link_problem,
            )
        ),
        max_width=styles.FORM_WIDTH,
    )
