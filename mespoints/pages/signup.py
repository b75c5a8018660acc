"""Sign-up wizard in six steps (interfaces.md section 6 fixes the labels)."""

from __future__ import annotations

import reflex as rx

from mespoints import routes, styles
from mespoints.components.forms import (
    busy_form,
    checkbox_field,
    field_error,
    form_alert,
    input_field,
    secondary_button,
    submit_button,
)
from mespoints.components.franceconnect import franceconnect_button
from mespoints.components.text import button_link, fr, heading, link, paragraph, section
from mespoints.domain.account_policy import ACTIVATION_VALIDITY, duration_fr
from mespoints.domain.licence_format import LICENCE_FORMAT_LABELS
from mespoints.domain.password_policy import MAX_LENGTH, MIN_LENGTH
from mespoints.franceconnect_config import franceconnect_available
from mespoints.state.signup import LAST_STEP, PASSWORD_STEP, STEP_TITLES, SignupState
from mespoints.template import page

S = SignupState


def err(name: str) -> rx.Var:
    return S.errors.get(name, "")


def keep(name: str):
    return lambda value: S.keep_field(name, value)


def progress(step: rx.Var | None = None) -> rx.Component:
    """Where the user is: a bar, then what comes next (the step's number and title are the form's heading).

    `step` is the wizard's own (SignupState.step) unless given (the gallery shows every step).
    """
    current: rx.Var = S.step if step is None else step  # type: ignore[assignment]
    return rx.el.div(
        rx.el.div(
            rx.el.div(
                height=styles.FULL, width=(current * 100 / LAST_STEP).to(str) + "%", background=styles.PRIMARY
            ),
            height=styles.BAR_HEIGHT,
            background=styles.HAIRLINE,
            border_radius=styles.RADIUS_SM,
            overflow="hidden",
            aria_hidden="true",
        ),
        rx.cond(
            current < LAST_STEP,
            rx.el.p(
                rx.el.span(fr("Étape suivante : "), font_weight=styles.WEIGHT_SEMIBOLD),
                rx.match(
                    current, *[(number, title) for number, title in enumerate(STEP_TITLES[1:], start=1)], ""
                ),
                color=styles.MUTED,
                font_size=styles.TEXT_SM,
                margin=styles.space(styles.SPACE_1_5, styles.SPACE_0, styles.SPACE_0),
            ),
            rx.el.p(
                "Dernière étape",
                color=styles.MUTED,
                font_size=styles.TEXT_SM,
                font_weight=styles.WEIGHT_SEMIBOLD,
                margin=styles.space(styles.SPACE_1_5, styles.SPACE_0, styles.SPACE_0),
            ),
        ),
        margin_bottom=styles.SPACE_5,
    )


def franceconnect_section() -> rx.Component:
    """First step only, outside the wizard's form (forms do not nest)."""
    if not franceconnect_available():
        return rx.fragment()
    return rx.cond(
        S.step == 1,
        section(
            heading("Avec FranceConnect", level=2),
            paragraph(
                "FranceConnect nous transmet votre identité, vérifiée : vous n'avez ni mot de passe à "
                "créer, ni lien d'activation à attendre."
            ),
            franceconnect_button(),
        ),
        rx.fragment(),
    )


def step_identity() -> rx.Component:
    return rx.fragment(
        input_field(
            "nom",
            "Nom",
            error=err("nom"),
            value=S.last_name,
            autocomplete="family-name",
            hint="Tel qu'il figure sur votre permis de conduire.",
            on_blur=keep("nom"),
        ),
        input_field(
            "prenoms",
            "Prénom(s)",
            error=err("prenoms"),
            value=S.first_names,
            autocomplete="given-name",
            hint="Tous vos prénoms, séparés par des espaces.",
            on_blur=keep("prenoms"),
        ),
        input_field(
            "date_naissance",
            "Date de naissance",
            error=err("date_naissance"),
            value=S.birth_date,
            autocomplete="bday",
            hint="Format attendu : JJ/MM/AAAA, par exemple 17/05/1990.",
            input_mode="numeric",
            on_blur=keep("date_naissance"),
        ),
    )


def step_email() -> rx.Component:
    return rx.fragment(
        input_field(
            "email",
            "Adresse électronique",
            error=err("email"),
            value=S.email,
            type_="email",
            autocomplete="email",
            hint="Format attendu : nom@domaine.fr. Vous y recevrez le lien d'activation de votre compte.",
            spell_check=False,
            on_blur=keep("email"),
        ),
    )


def strength_meter() -> rx.Component:
    colours = [styles.ERROR, styles.ERROR, styles.WARNING, styles.SUCCESS, styles.SUCCESS]
    return rx.el.div(
        rx.el.div(
            *[
                rx.el.div(
                    flex="1",
                    height=styles.BAR_STEP_HEIGHT,
                    border_radius=styles.RADIUS_SM,
                    background=rx.cond(
                        S.strength_score >= index,
                        rx.match(
                            S.strength_score,
                            *[(score, colours[score]) for score in range(5)],
                            styles.HAIRLINE,
                        ),
                        styles.HAIRLINE,
                    ),
                )
                for index in range(5)
            ],
            display="flex",
            gap=styles.SPACE_1,
            aria_hidden="true",
        ),
        rx.el.p(
            rx.cond(S.strength_label != "", rx.el.span("Robustesse : ", S.strength_label), ""),
            id="password-robustesse",
            aria_live="polite",
            font_size=styles.TEXT_SM,
            margin=styles.space(styles.SPACE_1, styles.SPACE_0, styles.SPACE_0),
        ),
        margin_bottom=styles.SPACE_4,
    )


def step_password() -> rx.Component:
    kind = rx.cond(S.show_password, "text", "password")
    return rx.fragment(
        rx.cond(
            S.password_chosen,
            rx.el.p(
                "Votre mot de passe est enregistré pour cette inscription. Laissez ces champs vides pour le "
                "conserver, ou saisissez-en un nouveau.",
                style=styles.alert_info,
                margin_bottom=styles.SPACE_4,
            ),
            rx.fragment(),
        ),
        input_field(
            "password",
            "Mot de passe",
            error=err("password"),
            type_=kind,
            autocomplete="new-password",
            hint=f"Au moins {MIN_LENGTH} caractères (au plus {MAX_LENGTH}). Une phrase facile à retenir "
            "convient très bien. Évitez votre nom, votre prénom, votre année de naissance et les mots de "
            "passe courants.",
            on_change=S.measure_password.debounce(250),
            max_length=MAX_LENGTH * 2,
        ),
        strength_meter(),
        input_field(
            "password_confirmation",
            "Confirmation du mot de passe",
            error=err("password_confirmation"),
            type_=kind,
            autocomplete="new-password",
            max_length=MAX_LENGTH * 2,
        ),
        secondary_button(
            rx.cond(S.show_password, "Masquer les mots de passe", "Afficher les mots de passe"),
            on_click=S.toggle_password,
            aria_pressed=rx.cond(S.show_password, "true", "false"),
            margin_bottom=styles.SPACE_4,
        ),
    )


# Both licence drawings are 214 units high (their viewBox); their widths differ.
ILLUSTRATION_HEIGHT = 214


def format_option(value: str, image: str, width: int, where: str) -> rx.Component:
    radio_id = f"format-{value}"
    return rx.el.div(
        rx.el.div(
            rx.el.input(
                type="radio",
                id=radio_id,
                name="format",
                value=value,
                default_checked=S.licence_format == value,
                on_change=lambda _: S.keep_field("format", value),
                aria_describedby=f"{radio_id}-aide format-erreur",
                aria_invalid=rx.cond(err("format") != "", "true", "false"),
                style=styles.choice_box,
            ),
            rx.el.label(LICENCE_FORMAT_LABELS[value], html_for=radio_id, style=styles.choice_label),
            style=styles.choice_row,
        ),
        rx.el.p(
            fr(where),
            id=f"{radio_id}-aide",
            style=styles.hint,
            margin=styles.space(styles.SPACE_0, styles.SPACE_0, styles.SPACE_2, styles.CONTROL_LABEL_INDENT),
        ),
        rx.image(
            src=image,
            alt="",
            # The drawing's own size (its viewBox) as attributes: the browser reserves its place
            # (their ratio) before it loads, so nothing below it moves. Not lazy: it is the step's
            # largest element.
            custom_attrs={"width": str(width), "height": str(ILLUSTRATION_HEIGHT)},
            width=styles.FULL,
            max_width=styles.BUTTON_MAX_WIDTH,
            height="auto",
        ),
        style=styles.card,
        margin_bottom=styles.SPACE_3,
    )


def step_format() -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend(
            fr("Quel est le format de votre permis de conduire ?"),
            font_weight=styles.WEIGHT_SEMIBOLD,
            margin_bottom=styles.SPACE_2,
        ),
        # Right under the question, so it is seen when the focus lands on the first choice.
        field_error("format", err("format")),
        format_option(
            "card",
            "/permis-carte.svg",
            340,
            "Carte rose plastifiée délivrée depuis 2013 : le numéro est à la rubrique 5, au recto.",
        ),
        format_option(
            "three_part",
            "/permis-3-volets.svg",
            420,
            "Ancien permis rose en carton plié en trois : le numéro est sur le volet de gauche, "
            "après « N° ».",
        ),
        border="none",
        padding=styles.SPACE_0,
        margin=styles.space(styles.SPACE_0, styles.SPACE_0, styles.SPACE_4),
    )


def step_number() -> rx.Component:
    return rx.fragment(
        input_field(
            "numero_permis",
            "Numéro de permis",
            error=err("numero_permis"),
            value=S.licence_number,
            hint=rx.cond(
                S.licence_format == "three_part",
                "Sur le volet de gauche, après « N° ». De 5 à 19 lettres et chiffres ; les "
                "espaces sont ignorés.",
                "À la rubrique 5 de votre carte. De 5 à 19 lettres et chiffres ; les espaces sont ignorés.",
            ),
            autocomplete="off",
            spell_check=False,
            auto_capitalize="characters",
            on_blur=keep("numero_permis"),
        ),
    )


def step_terms() -> rx.Component:
    return rx.fragment(
        paragraph(
            "Avant de créer votre compte, lisez les ",
            link("conditions générales d'utilisation (nouvel onglet)", routes.TERMS, is_external=True),
            " : données conservées, finalité, durée de conservation et vos droits.",
        ),
        checkbox_field(
            "cgu",
            "J'accepte ces conditions générales d'utilisation",
            error=err("cgu"),
            checked=S.terms_accepted,
            on_change=lambda checked: S.keep_field("cgu", checked),
        ),
    )


def step_heading(step: rx.Var, title: rx.Var | str, **props) -> rx.Component:
    """« Étape 2 sur 6 » above the step's title: the form's heading (an h2 unless `as_` says)."""
    element = props.pop("as_", rx.el.h2)
    return element(
        rx.el.span(
            "Étape ",
            step.to(str),
            " sur ",
            str(LAST_STEP),
            display="block",
            font_size=styles.TEXT_SM,
            font_weight=styles.WEIGHT_SEMIBOLD,
            color=styles.MUTED,
            margin_bottom=styles.SPACE_1,
        ),
        title,
        font_size=[styles.TEXT_XL, styles.TEXT_XL, styles.TEXT_2XL],
        font_weight=styles.WEIGHT_BOLD,
        line_height=styles.LEADING_TIGHT,
        margin=styles.space(styles.SPACE_0, styles.SPACE_0, styles.SPACE_3),
        **props,
    )


def checking_password() -> rx.Var:
    """The password step is being checked (the state's `submitting`). After « Précédent » meanwhile
    the other step shows as usual; the state ignores its « Suivant » until the check ends."""
    return S.submitting & (S.step == PASSWORD_STEP)


def wizard_form() -> rx.Component:
    return busy_form(
        step_heading(S.step, S.step_title, id="etape-titre", tab_index=-1),
        progress(),
        form_alert(S.message),
        rx.match(
            S.step,
            (1, step_identity()),
            (2, step_email()),
            (3, step_password()),
            (4, step_format()),
            (5, step_number()),
            step_terms(),
        ),
        rx.el.div(
            rx.cond(S.step > 1, secondary_button("Précédent", on_click=S.previous), rx.fragment()),
            submit_button(
                rx.cond(S.step == LAST_STEP, "Créer mon compte", "Suivant"),
                busy=checking_password(),
                # The other steps' button keeps its own width.
                busy_text=rx.cond(S.step == PASSWORD_STEP, "Vérification…", ""),
            ),
            display="flex",
            flex_wrap="wrap",
            gap=styles.SPACE_3,
            justify_content="space-between",
            margin_top=styles.SPACE_2,
        ),
        on_submit=S.next,
        busy=checking_password(),
        reset_on_submit=False,
        no_validate=True,
        # The step's fields are rebuilt when the step changes, with the values kept in the state.
        key=S.step.to(str),
    )


# Each step has its own page title, so the step is said when the title is read.
STEP_PAGE_TITLE = rx.Var.create(f"Étape {S.step} sur {LAST_STEP} : {S.step_title} – Créer un compte")


@page(route=routes.SIGNUP, title=STEP_PAGE_TITLE, on_load=S.on_load)
def signup() -> rx.Component:
    return rx.el.div(
        heading("Créer un compte"),
        # The step lives in the tab's state: until it arrives, one placeholder stands for all that
        # depends on it (FranceConnect shows at step 1 only), and the region keeps a screen's height,
        # so the footer below never moves into view (no layout shift when the step appears).
        rx.el.div(
            rx.cond(
                rx.State.is_hydrated,
                rx.fragment(
                    franceconnect_section(),
                    section(wizard_form()),
                    paragraph("Vous avez déjà un compte ? ", link("Se connecter", routes.LOGIN)),
                ),
                section(rx.el.p("Chargement du formulaire…", aria_live="polite")),
            ),
            max_width=styles.FORM_WIDTH,
            min_height=styles.VIEWPORT_HEIGHT,
        ),
    )


@page(route=routes.SIGNUP_DONE, title="Vérifiez votre messagerie")
def signup_done() -> rx.Component:
    return rx.el.div(
        heading("Vérifiez votre messagerie"),
        section(
            paragraph(
                "Si les informations saisies sont correctes, un courriel vient d'être envoyé à ",
                rx.cond(S.done_email != "", rx.el.strong(S.done_email), "votre adresse électronique"),
                ". Il contient un lien pour activer votre compte, valable "
                f"{duration_fr(ACTIVATION_VALIDITY)}.",
            ),
            paragraph(
                "Vous ne le trouvez pas ? Regardez dans les courriers indésirables, ou ",
                link("demandez un nouveau lien", routes.ACTIVATION_RESEND),
                ".",
            ),
            button_link("Aller à la page de connexion", routes.LOGIN, primary=False),
        ),
        max_width=styles.FORM_WIDTH,
    )
