"""Activation link page, and the page to receive a new link."""

import reflex as rx

from mespoints import routes, styles
from mespoints.components.link_request import link_request_form
from mespoints.components.text import button_link, heading, paragraph, section
from mespoints.domain.account_policy import ACTIVATION_VALIDITY, duration_fr
from mespoints.state.activation import ActivationState
from mespoints.state.link_request import ResendActivationState
from mespoints.template import page


def new_link_button() -> rx.Component:
    return button_link("Recevoir un nouveau lien", routes.ACTIVATION_RESEND)


@page(route=routes.ACTIVATION, title="Activation du compte", on_load=ActivationState.on_load)
def activation() -> rx.Component:
    return rx.el.div(
        heading("Activation de votre compte"),
        section(
            rx.match(
                ActivationState.result,
                (
                    "activated",
                    rx.fragment(
                        rx.el.p(
                            "Votre compte est activé.",
                            role="status",
                            style=styles.alert_success,
                            margin_bottom=styles.SPACE_4,
                        ),
                        paragraph(
                            "Vous pouvez maintenant vous connecter avec votre adresse électronique et votre "
                            "mot de passe."
                        ),
                        button_link("Se connecter", f"{routes.LOGIN}?info=active"),
                    ),
                ),
                (
                    "expired",
                    rx.fragment(
                        rx.el.p(
                            "Ce lien d'activation a expiré.",
                            role="alert",
                            style=styles.alert_error,
                            margin_bottom=styles.SPACE_4,
                        ),
                        paragraph(
                            f"Un lien d'activation est valable {duration_fr(ACTIVATION_VALIDITY)}. "
                            "Demandez-en un nouveau : il vous "
                            "sera envoyé à la même adresse."
                        ),
                        new_link_button(),
                    ),
                ),
                (
                    "invalid",
                    rx.fragment(
                        rx.el.p(
                            "Ce lien d'activation n'est pas valable ou a déjà été utilisé.",
                            role="alert",
                            style=styles.alert_error,
                            margin_bottom=styles.SPACE_4,
                        ),
                        paragraph(
                            "Si votre compte est déjà activé, connectez-vous. Sinon, demandez un "
                            "nouveau lien."
                        ),
                        rx.el.div(
                            new_link_button(),
                            button_link("Se connecter", routes.LOGIN, primary=False),
                            display="flex",
                            flex_wrap="wrap",
                            gap=styles.SPACE_3,
                        ),
                    ),
                ),
                (
                    "licence_taken",
                    rx.fragment(
                        rx.el.p(
                            "Votre compte n'a pas pu être activé.",
                            role="alert",
                            style=styles.alert_error,
                            margin_bottom=styles.SPACE_4,
                        ),
                        paragraph(
                            "Nous vous avons envoyé un courriel qui explique pourquoi et ce que vous "
                            "pouvez faire."
                        ),
                    ),
                ),
                rx.el.p("Vérification du lien…", aria_live="polite"),
            ),
        ),
        max_width=styles.FORM_WIDTH,
    )


@page(
    route=routes.ACTIVATION_RESEND,
    title="Recevoir un nouveau lien d'activation",
    on_load=ResendActivationState.on_load,
)
def resend_activation() -> rx.Component:
    return rx.el.div(
        heading("Recevoir un nouveau lien d'activation"),
        link_request_form(
            ResendActivationState,
            intro=None,
            hint="L'adresse utilisée lors de la création du compte.",
            button="Recevoir un nouveau lien",
            sent="Si un compte non activé existe pour cette adresse, un nouveau lien vient d'y être envoyé. "
            f"Il est valable {duration_fr(ACTIVATION_VALIDITY)} ; les liens précédents ne fonctionnent plus.",
        ),
        max_width=styles.FORM_WIDTH,
    )
