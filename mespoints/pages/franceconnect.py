"""First login through FranceConnect, and the page of every FranceConnect failure."""

from __future__ import annotations

import reflex as rx

from mespoints import routes, styles
from mespoints.components.forms import (
    busy_form,
    checkbox_field,
    danger_button,
    field_error,
    form_alert,
    input_field,
    secondary_button,
    submit_button,
)
from mespoints.components.text import button_link, fr, heading, link, paragraph, section
from mespoints.domain.licence_format import LICENCE_FORMAT_LABELS
from mespoints.state.franceconnect import NOTHING_DONE, FranceConnectErrorState, FranceConnectSignupState
from mespoints.template import page

S = FranceConnectSignupState


def err(name: str) -> rx.Var:
    return S.errors.get(name, "")


def identity_card() -> rx.Component:
    """What FranceConnect said: shown, never editable."""

    def row(label: str, value: rx.Var) -> rx.Component:
        return rx.el.div(
            rx.el.dt(label, font_weight=styles.WEIGHT_SEMIBOLD),
            rx.el.dd(value, margin=styles.space(styles.SPACE_0, styles.SPACE_0, styles.SPACE_2)),
        )

    return section(
        heading("Votre identité, transmise par FranceConnect", level=2),
        rx.el.dl(
            row("Nom", S.family_name),
            row("Prénom(s)", S.given_name),
            row("Date de naissance", S.birth_date),
            row("Adresse électronique", rx.cond(S.other_email != "", S.other_email, S.email)),
            margin=styles.SPACE_0,
        ),
        rx.el.p(
            fr("Ces informations viennent de FranceConnect : elles ne peuvent pas être modifiées ici."),
            style=styles.hint,
        ),
    )


# Each step's heading, also the start of the page's title while it shows.
STEP_TITLES = {
    "adresse": "Un compte utilise déjà votre adresse électronique",
    "format": "Format du permis",
    "numero": "Numéro de permis",
    "reprise": "Ce permis est déjà rattaché à un compte",
    "cgu": "Conditions générales",
    "courriel": "Vérifiez votre messagerie",
}


def step_heading(text: str) -> rx.Component:
    return heading(text, level=2, id="etape-titre", tab_index=-1)


def password_form(on_submit, button: str) -> rx.Component:  # type: ignore[no-untyped-def]
    """The password of an existing account, checked (argon2) before linking it: busy meanwhile."""
    return busy_form(
        input_field(
            "password",
            "Mot de passe",
            error=err("password"),
            type_="password",
            autocomplete="current-password",
        ),
        submit_button(button, busy=S.submitting, busy_text="Vérification en cours…"),
        on_submit=on_submit,
        busy=S.submitting,
        # Emptied once sent; a press while it is being checked empties nothing either.
        reset_on_submit=~S.submitting,
        no_validate=True,
    )


def step_address() -> rx.Component:
    return rx.fragment(
        step_heading(STEP_TITLES["adresse"]),
        paragraph(
            "Un compte Mes Points Permis existe déjà avec l'adresse ",
            rx.el.strong(S.email),
            ", celle que FranceConnect nous a transmise. Une adresse ne peut servir qu'à un seul compte.",
        ),
        heading("C'est mon compte", level=3),
        paragraph("Saisissez son mot de passe : FranceConnect deviendra une seconde façon d'y accéder."),
        password_form(S.link_by_email, "Relier ce compte à FranceConnect"),
        heading(
            "Ce n'est pas mon compte, ou je préfère une autre adresse", level=3, margin_top=styles.SPACE_6
        ),
        rx.el.form(
            input_field(
                "email",
                "Adresse électronique",
                error=err("email"),
                type_="email",
                autocomplete="email",
                hint="Une autre adresse : vous y recevrez un lien pour activer votre compte.",
                spell_check=False,
            ),
            submit_button("Utiliser cette adresse"),
            on_submit=S.use_other_email,
            reset_on_submit=False,
            no_validate=True,
        ),
    )


def format_option(value: str) -> rx.Component:
    radio_id = f"format-{value}"
    return rx.el.div(
        rx.el.input(
            type="radio",
            id=radio_id,
            name="format",
            value=value,
            default_checked=S.licence_format == value,
            on_change=lambda _: S.keep_format(value),
            aria_describedby="format-erreur",
            style=styles.choice_box,
        ),
        rx.el.label(LICENCE_FORMAT_LABELS[value], html_for=radio_id, style=styles.choice_label),
        style=styles.choice_row,
        margin_bottom=styles.SPACE_2,
    )


def step_format() -> rx.Component:
    return rx.el.form(
        step_heading(STEP_TITLES["format"]),
        rx.el.fieldset(
            rx.el.legend(
                fr("Quel est le format de votre permis de conduire ?"), font_weight=styles.WEIGHT_SEMIBOLD
            ),
            field_error("format", err("format")),
            format_option("card"),
            format_option("three_part"),
            border="none",
            padding=styles.SPACE_0,
            margin=styles.space(styles.SPACE_0, styles.SPACE_0, styles.SPACE_4),
        ),
        submit_button("Suivant"),
        on_submit=S.submit_format,
        reset_on_submit=False,
        no_validate=True,
    )


def step_number() -> rx.Component:
    return rx.el.form(
        step_heading(STEP_TITLES["numero"]),
        input_field(
            "numero_permis",
            "Numéro de permis",
            error=err("numero_permis"),
            value=S.licence_number,
            hint="De 5 à 19 lettres et chiffres ; les espaces sont ignorés. Il doit être celui de la "
            "personne identifiée par FranceConnect.",
            autocomplete="off",
            spell_check=False,
        ),
        rx.el.div(
            secondary_button("Précédent", on_click=S.back_to_format),
            submit_button("Suivant"),
            display="flex",
            gap=styles.SPACE_3,
            justify_content="space-between",
        ),
        on_submit=S.submit_number,
        reset_on_submit=False,
        no_validate=True,
    )


def step_claim() -> rx.Component:
    return rx.fragment(
        step_heading(STEP_TITLES["reprise"]),
        paragraph(
            "Le permis n° ",
            rx.el.strong(S.licence_number),
            " est rattaché à un compte Mes Points Permis ouvert avec un mot de passe, à l'adresse ",
            rx.el.strong(S.holder_email),
            ". FranceConnect vient de prouver que ce permis est le vôtre : dites-nous si ce compte "
            "est le vôtre.",
        ),
        heading("C'est mon compte", level=3),
        paragraph(
            "Saisissez le mot de passe de ce compte : FranceConnect deviendra une seconde façon d'y accéder."
        ),
        password_form(S.link_by_licence, "C'est mon compte"),
        heading("Ce compte n'est pas le mien", level=3, margin_top=styles.SPACE_6),
        paragraph(
            "Le permis sera rattaché à votre nouveau compte FranceConnect. L'autre compte le perdra, ses "
            "sessions seront fermées, et son adresse recevra un courriel indiquant que le titulaire du "
            "permis l'a repris avec FranceConnect."
        ),
        rx.el.form(
            danger_button("Ce compte n'est pas le mien"),
            on_submit=lambda _: S.not_my_account(),
            no_validate=True,
        ),
        rx.el.p(
            secondary_button("Corriger le numéro de permis", on_click=S.back_to_number),
            margin_top=styles.SPACE_4,
        ),
    )


def step_terms() -> rx.Component:
    return rx.el.form(
        step_heading(STEP_TITLES["cgu"]),
        rx.cond(
            S.claim_confirmed,
            rx.el.p(
                fr(
                    "Vous avez indiqué que l'autre compte n'est pas le vôtre : en créant votre compte, "
                    "vous reprenez ce permis."
                ),
                style=styles.alert_info,
                margin_bottom=styles.SPACE_4,
            ),
            rx.fragment(),
        ),
        paragraph(
            "Avant de créer votre compte, lisez les ",
            link("conditions générales d'utilisation (nouvel onglet)", routes.TERMS, is_external=True),
            ".",
        ),
        checkbox_field("cgu", "J'accepte ces conditions générales d'utilisation", error=err("cgu")),
        submit_button("Créer mon compte"),
        on_submit=S.finish,
        reset_on_submit=False,
        no_validate=True,
    )


def step_mail() -> rx.Component:
    return rx.fragment(
        step_heading(STEP_TITLES["courriel"]),
        paragraph(
            "Un courriel vient d'être envoyé à ",
            rx.el.strong(S.other_email),
            ". Ouvrez le lien qu'il contient pour activer votre compte, puis connectez-vous avec "
            "FranceConnect.",
        ),
    )


def expired() -> rx.Component:
    return section(
        rx.el.p(
            "Votre identification FranceConnect a expiré ou n'est plus valable.",
            role="alert",
            style=styles.alert_error,
            margin_bottom=styles.SPACE_4,
            id="etape-titre",
            tab_index=-1,
        ),
        paragraph(NOTHING_DONE + " Recommencez depuis la page de connexion."),
        button_link("Revenir à la page de connexion", routes.LOGIN),
    )


# Each step has its own page title (its heading), so the step is said when the title is read.
STEP_PAGE_TITLE = rx.Var.create(
    f"{rx.match(S.step, *STEP_TITLES.items(), 'Identité')} – Première connexion avec FranceConnect"
)


@page(route=routes.FRANCECONNECT_SIGNUP, title=STEP_PAGE_TITLE, on_load=S.on_load)
def franceconnect_signup() -> rx.Component:
    return rx.el.div(
        heading("Première connexion avec FranceConnect"),
        rx.el.div(
            rx.cond(
                S.loaded,
                rx.cond(
                    S.expired,
                    expired(),
                    rx.fragment(
                        identity_card(),
                        section(
                            form_alert(S.message),
                            rx.match(
                                S.step,
                                ("adresse", step_address()),
                                ("format", step_format()),
                                ("numero", step_number()),
                                ("reprise", step_claim()),
                                ("cgu", step_terms()),
                                ("courriel", step_mail()),
                                rx.fragment(),
                            ),
                        ),
                    ),
                ),
                rx.el.p("Chargement…", aria_live="polite"),
            ),
            max_width=styles.FORM_WIDTH,
        ),
    )


@page(
    route=routes.FRANCECONNECT_ERROR,
    title="Connexion avec FranceConnect impossible",
    on_load=FranceConnectErrorState.on_load,
)
def franceconnect_error() -> rx.Component:
    return rx.el.div(
        heading("Connexion avec FranceConnect impossible"),
        section(
            rx.el.p(
                FranceConnectErrorState.title,
                role="alert",
                style=styles.alert_error,
                margin_bottom=styles.SPACE_4,
            ),
            paragraph(FranceConnectErrorState.advice),
            paragraph(NOTHING_DONE),
            button_link("Revenir à la page de connexion", routes.LOGIN),
        ),
        max_width=styles.FORM_WIDTH,
    )
