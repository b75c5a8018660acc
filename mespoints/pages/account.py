"""« Mon compte » and the confirmation of a new email address."""

import reflex as rx

from mespoints import routes, styles
from mespoints.components.forms import field_error, form_alert, input_field, submit_button
from mespoints.components.text import heading, paragraph, section
from mespoints.domain.password_policy import MIN_LENGTH
from mespoints.state.account import AccountState, EmailChangeConfirmState
from mespoints.template import page

S = AccountState


def err(name: str) -> rx.Var:
    return S.errors.get(name, "")


def notice(message: rx.Var) -> rx.Component:
    return rx.cond(message != "", rx.el.p(message, role="status", style=styles.alert_success, margin_bottom="1rem"),
                   rx.fragment())


def summary() -> rx.Component:
    def row(term: str, value: rx.Var) -> rx.Component:
        return rx.fragment(rx.el.dt(term, font_weight="600"), rx.el.dd(value, margin="0 0 0.5rem"))

    return section(
        heading("Vos informations", level=2),
        rx.el.dl(
            row("Nom et prénoms", S.full_name),
            row("Adresse électronique", S.email),
            row("Numéro de permis", S.licence_number),
        ),
    )


def change_email() -> rx.Component:
    return section(
        heading("Changer d'adresse électronique", level=2),
        notice(S.email_notice),
        rx.el.form(
            input_field("new_email", "Nouvelle adresse électronique", error=err("new_email"), type_="email",
                        autocomplete="email", hint="Format attendu : nom@domaine.fr", spell_check=False),
            input_field("email_password", "Mot de passe actuel", error=err("email_password"), type_="password",
                        autocomplete="current-password"),
            submit_button("Changer d'adresse"),
            on_submit=S.change_email,
            reset_on_submit=False,
            no_validate=True,
        ),
    )


def change_password() -> rx.Component:
    return section(
        heading("Changer de mot de passe", level=2),
        notice(S.password_notice),
        rx.el.form(
            input_field("current_password", "Mot de passe actuel", error=err("current_password"), type_="password",
                        autocomplete="current-password"),
            input_field("new_password", "Nouveau mot de passe", error=err("new_password"), type_="password",
                        autocomplete="new-password", hint=f"Au moins {MIN_LENGTH} caractères."),
            input_field("new_password_confirmation", "Confirmation du nouveau mot de passe",
                        error=err("new_password_confirmation"), type_="password", autocomplete="new-password"),
            submit_button("Changer de mot de passe"),
            id="form-mot-de-passe",
            on_submit=S.change_password,
            reset_on_submit=False,
            no_validate=True,
        ),
    )


def close_account() -> rx.Component:
    return section(
        heading("Fermer mon compte", level=2),
        paragraph(
            "La fermeture supprime définitivement votre compte et vos données personnelles (identité, adresse "
            "électronique, mot de passe, sessions). Les informations de votre permis restent dans le système "
            "national des permis de conduire. Vous pourrez créer un nouveau compte plus tard."
        ),
        rx.el.form(
            input_field("close_password", "Mot de passe actuel", error=err("close_password"), type_="password",
                        autocomplete="current-password"),
            rx.el.div(
                rx.el.div(
                    rx.el.input(type="checkbox", id="close_confirm", name="close_confirm",
                                aria_describedby="close_confirm-erreur", width="1.35rem", height="1.35rem",
                                flex_shrink="0"),
                    rx.el.label("Je confirme vouloir fermer mon compte et supprimer mes données",
                                html_for="close_confirm", font_weight="600"),
                    display="flex", gap="0.6rem", align_items="flex-start",
                ),
                field_error("close_confirm", err("close_confirm")),
                margin_bottom="1rem",
            ),
            submit_button("Fermer mon compte", background=styles.ERROR, border_color=styles.ERROR),
            on_submit=S.close_account,
            reset_on_submit=False,
            no_validate=True,
        ),
    )


@page(route=routes.ACCOUNT, title="Mon compte", on_load=S.on_load, private=True)
def account() -> rx.Component:
    return rx.el.div(
        heading("Mon compte"),
        rx.cond(
            S.email != "",
            rx.el.div(form_alert(S.message), summary(), change_email(), change_password(), close_account(),
                      max_width=styles.FORM_WIDTH),
            rx.el.p("Chargement…", aria_live="polite"),
        ),
    )


@page(route=routes.EMAIL_CHANGE_CONFIRM, title="Confirmation de la nouvelle adresse",
      on_load=EmailChangeConfirmState.on_load)
def confirm_email_change() -> rx.Component:
    R = EmailChangeConfirmState.result
    return rx.el.div(
        heading("Confirmation de votre nouvelle adresse"),
        section(
            rx.match(
                R,
                ("done", rx.el.p("Votre nouvelle adresse électronique est enregistrée. Utilisez-la désormais pour "
                                 "vous connecter.", role="status", style=styles.alert_success)),
                ("expired", rx.el.p("Ce lien a expiré. Recommencez le changement d'adresse depuis « Mon compte ».",
                                    role="alert", style=styles.alert_error)),
                ("taken", rx.el.p("Cette adresse est déjà celle d'un autre compte : le changement n'a pas été fait.",
                                  role="alert", style=styles.alert_error)),
                ("", rx.el.p("Vérification du lien…", aria_live="polite")),
                rx.el.p("Ce lien n'est pas valable ou a déjà été utilisé.", role="alert", style=styles.alert_error),
            ),
            rx.el.p(rx.link("Aller à la page de connexion", href=routes.LOGIN), margin_top="1rem"),
        ),
        max_width=styles.FORM_WIDTH,
    )
