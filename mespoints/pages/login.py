"""Login page."""

import reflex as rx

from mespoints import routes, styles
from mespoints.components.forms import busy_form, form_alert, input_field, submit_button
from mespoints.components.franceconnect import franceconnect_button
from mespoints.components.text import button_link, heading, link, paragraph, section
from mespoints.franceconnect_config import franceconnect_available
from mespoints.state.login import LoginState
from mespoints.template import page


@page(route=routes.LOGIN, title="Se connecter", on_load=LoginState.on_load)
def login() -> rx.Component:
    return rx.el.div(
        heading("Se connecter"),
        rx.el.div(
            section(
                heading("Avec votre adresse électronique", level=2)
                if franceconnect_available()
                else rx.fragment(),
                form_alert(LoginState.notice, kind="info"),
                form_alert(LoginState.message),
                busy_form(
                    # No initial value from the state: it would arrive after the page shows and
                    # mix with what the user has already typed. The browser keeps the field as typed.
                    input_field(
                        "email",
                        "Adresse électronique",
                        error=LoginState.email_error,
                        type_="email",
                        autocomplete="email",
                        hint="Format attendu : nom@domaine.fr",
                        spell_check=False,
                    ),
                    input_field(
                        "password",
                        "Mot de passe",
                        error=LoginState.password_error,
                        type_="password",
                        autocomplete="current-password",
                    ),
                    rx.el.p(
                        link("Mot de passe oublié ?", routes.PASSWORD_FORGOTTEN), margin_bottom=styles.SPACE_4
                    ),
                    submit_button(
                        "Se connecter", busy=LoginState.submitting, busy_text="Connexion en cours…"
                    ),
                    on_submit=LoginState.submit,
                    busy=LoginState.submitting,
                    reset_on_submit=False,
                    no_validate=True,
                ),
            ),
            section(
                heading("Ou avec FranceConnect", level=2),
                franceconnect_button(),
            )
            if franceconnect_available()
            else rx.fragment(),
            section(
                heading("Vous n'avez pas de compte ?", level=2),
                paragraph("Créez-le en quelques minutes avec votre permis de conduire à portée de main."),
                button_link("Créer un compte", routes.SIGNUP, primary=False),
                paragraph(
                    "Vous venez de créer votre compte ? Activez-le d'abord avec le lien reçu par "
                    "courriel : la connexion n'est possible qu'ensuite. ",
                    link("Recevoir un nouveau lien d'activation", routes.ACTIVATION_RESEND),
                    margin=styles.space(styles.SPACE_4, styles.SPACE_0, styles.SPACE_0),
                ),
            ),
            max_width=styles.FORM_WIDTH,
        ),
    )
