"""« Mot de passe oublié ? » and the new password page."""

import reflex as rx

from mespoints import routes, styles
from mespoints.components.forms import form_alert, input_field, submit_button
from mespoints.components.text import button_link, duration_fr, heading, paragraph, section
from mespoints.domain.password_policy import MIN_LENGTH
from mespoints.services.accounts import PASSWORD_RESET_VALIDITY
from mespoints.state.password import ForgottenPasswordState, ResetPasswordState
from mespoints.template import page


@page(route=routes.PASSWORD_FORGOTTEN, title="Mot de passe oublié", on_load=ForgottenPasswordState.on_load)
def forgotten_password() -> rx.Component:
    S = ForgottenPasswordState
    return rx.el.div(
        heading("Mot de passe oublié"),
        section(
            rx.cond(
                S.sent,
                rx.fragment(
                    rx.el.p(
                        "Si un compte existe pour cette adresse, un courriel vient d'y être envoyé "
                        "avec un lien "
                        "pour choisir un nouveau mot de passe. "
                        f"Ce lien est valable {duration_fr(PASSWORD_RESET_VALIDITY)}.",
                        role="status",
                        style=styles.alert_success,
                        margin_bottom="1rem",
                    ),
                    button_link("Aller à la page de connexion", routes.LOGIN, primary=False),
                ),
                rx.el.form(
                    paragraph(
                        "Indiquez l'adresse électronique de votre compte : nous vous enverrons un lien pour "
                        "choisir un nouveau mot de passe."
                    ),
                    form_alert(S.message),
                    # No initial value from the state: it would arrive after the page shows and
                    # mix with what the user has already typed. The browser keeps the field as typed.
                    input_field(
                        "email",
                        "Adresse électronique",
                        error=S.email_error,
                        type_="email",
                        autocomplete="email",
                        hint="Format attendu : nom@domaine.fr",
                        spell_check=False,
                    ),
                    submit_button("Recevoir le lien"),
                    on_submit=S.submit,
                    reset_on_submit=False,
                    no_validate=True,
                ),
            ),
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
            margin_bottom="1rem",
        ),
        button_link("Demander un nouveau lien", routes.PASSWORD_FORGOTTEN),
    )
    form = rx.el.form(
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
        submit_button("Enregistrer le nouveau mot de passe"),
        on_submit=S.submit,
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
