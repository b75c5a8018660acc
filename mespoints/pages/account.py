"""« Mon compte » and the confirmation of a new email address."""

import reflex as rx

from mespoints import routes, styles
from mespoints.components.forms import (
    busy_form,
    checkbox_field,
    danger_button,
    form_alert,
    input_field,
    submit_button,
)
from mespoints.components.text import heading, link, paragraph, section
from mespoints.domain.password_policy import MIN_LENGTH
from mespoints.state.account import AccountState, EmailChangeCancelState, EmailChangeConfirmState
from mespoints.template import page

S = AccountState


def err(name: str) -> rx.Var:
    return S.errors.get(name, "")


def sending(field: str) -> rx.Var:
    """The form whose password field is `field` is being sent (state/guard.py)."""
    return S.submitting & (S.submitting_field == field)


def notice(message: rx.Var) -> rx.Component:
    # Always in the page, so screen readers announce the message when it appears.
    return rx.el.div(
        rx.cond(
            message != "",
            rx.el.p(
                message,
                style=styles.alert_success,
                margin=styles.space(styles.SPACE_0, styles.SPACE_0, styles.SPACE_4),
            ),
            rx.fragment(),
        ),
        role="status",
    )


def titled_section(title: str, title_id: str, *children: rx.Component) -> rx.Component:
    """A card whose heading also names it (and names its form: each form has a distinct name)."""
    return section(heading(title, level=2, id=title_id), *children, aria_labelledby=title_id)


def summary() -> rx.Component:
    def row(term: str, value: rx.Var) -> rx.Component:
        return rx.fragment(
            rx.el.dt(term, font_weight=styles.WEIGHT_SEMIBOLD),
            rx.el.dd(
                value,
                margin=styles.space(styles.SPACE_0, styles.SPACE_0, styles.SPACE_2),
                overflow_wrap="anywhere",
            ),
        )

    return section(
        heading("Vos informations", level=2),
        rx.el.dl(
            row("Nom et prénoms", S.full_name),
            row("Adresse électronique", S.email),
            row("Numéro de permis", S.licence_number),
            margin=styles.SPACE_0,
        ),
        paragraph(
            "Votre nom et votre numéro de permis ne se modifient pas : ils sont ceux de votre "
            "permis de conduire.",
            color=styles.MUTED,
            font_size=styles.TEXT_SM,
            margin=styles.space(styles.SPACE_2, styles.SPACE_0, styles.SPACE_0),
        ),
    )


def alerts() -> rx.Component:
    return titled_section(
        "Alertes",
        "titre-alertes",
        paragraph(
            "À chaque changement de votre solde (retrait, récupération, stage, majoration du permis "
            "probatoire, annulation d'une récupération), une notification apparaît dans votre espace. "
            "Vous pouvez aussi en être averti par courriel ; le courriel dit ce qui a changé et votre "
            "nouveau solde, jamais le détail d'une infraction."
        ),
        notice(S.alerts_notice),
        rx.el.form(
            checkbox_field(
                "mail_alerts",
                "M'avertir aussi par courriel à chaque changement de mon solde",
                error=err("mail_alerts"),
                checked=S.mail_alerts,
            ),
            submit_button("Enregistrer mes préférences"),
            aria_labelledby="titre-alertes",
            on_submit=S.save_alerts,
            reset_on_submit=False,
        ),
    )


def my_data() -> rx.Component:
    return titled_section(
        "Mes données",
        "titre-donnees",
        paragraph(
            "Téléchargez tout ce que Mes Points Permis détient sur vous : votre compte, vos sessions, vos "
            "notifications, vos préférences, vos alertes et votre dossier tel que le fichier national des "
            "permis de conduire nous l'a transmis. ",
            link("Ce que contient ce fichier", routes.PERSONAL_DATA),
            ".",
        ),
        rx.el.a(
            "Télécharger mes données",
            href=S.data_export_href,
            reload_document=True,  # a backend route, not a page: a real navigation
            style=styles.button_secondary,
            display="inline-block",
            text_decoration="none",
        ),
        rx.el.p(
            "Fichier JSON",
            color=styles.MUTED,
            font_size=styles.TEXT_SM,
            margin=styles.space(styles.SPACE_1, styles.SPACE_0, styles.SPACE_0),
        ),
    )


def confirmation(field: str) -> rx.Component:
    """The current password, or, for an account without one, how a FranceConnect login confirms."""
    return rx.cond(
        S.has_password,
        input_field(
            field,
            "Mot de passe actuel",
            error=err(field),
            type_="password",
            autocomplete="current-password",
        ),
        rx.fragment(
            paragraph(
                "Votre compte s'ouvre avec FranceConnect, sans mot de passe : une connexion avec "
                "FranceConnect de moins de 10 minutes confirme ce changement. ",
                link("Me reconnecter avec FranceConnect", f"{routes.LOGIN}?suite={routes.ACCOUNT}"),
                color=styles.MUTED,
            ),
            form_alert(err(field)),
        ),
    )


def change_email() -> rx.Component:
    return titled_section(
        "Changer d'adresse électronique",
        "titre-adresse",
        notice(S.email_notice),
        busy_form(
            input_field(
                "new_email",
                "Nouvelle adresse électronique",
                error=err("new_email"),
                type_="email",
                autocomplete="email",
                hint="Format attendu : nom@domaine.fr",
                spell_check=False,
            ),
            confirmation("email_password"),
            submit_button(
                "Changer d'adresse", busy=sending("email_password"), busy_text="Vérification en cours…"
            ),
            aria_labelledby="titre-adresse",
            on_submit=S.change_email,
            busy=sending("email_password"),
            reset_on_submit=False,
            no_validate=True,
        ),
    )


def no_password() -> rx.Component:
    return titled_section(
        "Mot de passe",
        "titre-mot-de-passe",
        paragraph(
            "Votre compte s'ouvre avec FranceConnect et n'a pas de mot de passe. Pour pouvoir aussi vous "
            "connecter avec votre adresse électronique, choisissez-en un depuis ",
            link("Mot de passe oublié", routes.PASSWORD_FORGOTTEN),
            " : un lien vous sera envoyé.",
        ),
    )


def change_password() -> rx.Component:
    return titled_section(
        "Changer de mot de passe",
        "titre-mot-de-passe",
        notice(S.password_notice),
        busy_form(
            input_field(
                "current_password",
                "Mot de passe actuel",
                error=err("current_password"),
                type_="password",
                autocomplete="current-password",
            ),
            input_field(
                "new_password",
                "Nouveau mot de passe",
                error=err("new_password"),
                type_="password",
                autocomplete="new-password",
                hint=f"Au moins {MIN_LENGTH} caractères.",
            ),
            input_field(
                "new_password_confirmation",
                "Confirmation du nouveau mot de passe",
                error=err("new_password_confirmation"),
                type_="password",
                autocomplete="new-password",
            ),
            submit_button(
                "Changer de mot de passe",
                busy=sending("current_password"),
                busy_text="Modification en cours…",
            ),
            id="form-mot-de-passe",
            aria_labelledby="titre-mot-de-passe",
            on_submit=S.change_password,
            busy=sending("current_password"),
            reset_on_submit=False,
            no_validate=True,
        ),
    )


def close_account() -> rx.Component:
    return titled_section(
        "Fermer mon compte",
        "titre-fermeture",
        paragraph(
            "La fermeture supprime définitivement votre compte et vos données personnelles "
            "(identité, adresse électronique, mot de passe, sessions, notifications, préférences, "
            "alertes et courriels pas encore envoyés). Seul le courriel qui confirme la fermeture est "
            "envoyé, puis effacé. Les informations de votre permis restent dans le système national des "
            "permis de conduire. Vous pourrez créer un nouveau compte plus tard."
        ),
        busy_form(
            confirmation("close_password"),
            checkbox_field(
                "close_confirm",
                "Je confirme vouloir fermer mon compte et supprimer mes données",
                error=err("close_confirm"),
            ),
            danger_button(
                "Fermer mon compte", busy=sending("close_password"), busy_text="Fermeture en cours…"
            ),
            aria_labelledby="titre-fermeture",
            on_submit=S.close_account,
            busy=sending("close_password"),
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
            rx.el.div(
                form_alert(S.message),
                summary(),
                alerts(),
                my_data(),
                change_email(),
                rx.cond(S.has_password, change_password(), no_password()),
                close_account(),
                max_width=styles.FORM_WIDTH,
            ),
            rx.el.p("Chargement de votre compte…", role="status"),
        ),
    )


@page(
    route=routes.EMAIL_CHANGE_CONFIRM,
    title="Confirmation de la nouvelle adresse",
    on_load=EmailChangeConfirmState.on_load,
)
def confirm_email_change() -> rx.Component:
    R = EmailChangeConfirmState.result
    return rx.el.div(
        heading("Confirmation de votre nouvelle adresse"),
        section(
            rx.match(
                R,
                (
                    "done",
                    rx.el.p(
                        "Votre nouvelle adresse électronique est enregistrée. Utilisez-la désormais pour "
                        "vous connecter.",
                        role="status",
                        style=styles.alert_success,
                    ),
                ),
                (
                    "expired",
                    rx.el.p(
                        "Ce lien a expiré. Recommencez le changement d'adresse depuis « Mon compte ».",
                        role="alert",
                        style=styles.alert_error,
                    ),
                ),
                (
                    "taken",
                    rx.el.p(
                        "Cette adresse est déjà celle d'un autre compte : le changement n'a pas été fait.",
                        role="alert",
                        style=styles.alert_error,
                    ),
                ),
                ("", rx.el.p("Vérification du lien…", aria_live="polite")),
                rx.el.p(
                    "Ce lien n'est pas valable ou a déjà été utilisé. Une demande de changement d'adresse "
                    "est aussi annulée quand le mot de passe du compte change.",
                    role="alert",
                    style=styles.alert_error,
                ),
            ),
            rx.el.p(
                link("Aller à la page de connexion", routes.LOGIN),
                margin=styles.space(styles.SPACE_4, styles.SPACE_0, styles.SPACE_0),
            ),
        ),
        max_width=styles.FORM_WIDTH,
    )


@page(
    route=routes.EMAIL_CHANGE_CANCEL,
    title="Annulation du changement d'adresse",
    on_load=EmailChangeCancelState.on_load,
)
def cancel_email_change() -> rx.Component:
    return rx.el.div(
        heading("Ce n'était pas moi"),
        section(
            rx.match(
                EmailChangeCancelState.result,
                (
                    "done",
                    rx.fragment(
                        rx.el.p(
                            "Si vous n'avez pas demandé à changer l'adresse électronique de votre compte, "
                            "quelqu'un connaît votre mot de passe. Ce bouton annule le changement (ou le "
                            "défait s'il a déjà eu lieu), ferme toutes les sessions ouvertes sur votre "
                            "compte et désactive le mot de passe actuel : vous en choisirez un nouveau "
                            "juste après.",
                            margin=styles.space(styles.SPACE_0, styles.SPACE_0, styles.SPACE_4),
                        ),
                        rx.el.button(
                            "Annuler le changement et protéger mon compte",
                            type="button",
                            style=styles.button_danger,
                            on_click=EmailChangeCancelState.confirm,
                        ),
                    ),
                ),
                (
                    "taken",
                    rx.el.p(
                        "Votre ancienne adresse est maintenant celle d'un autre compte : elle ne peut pas "
                        "vous être rendue. Écrivez au service indiqué dans les mentions légales.",
                        role="alert",
                        style=styles.alert_error,
                    ),
                ),
                (
                    "expired",
                    rx.el.p(
                        "Ce lien a expiré. Si quelqu'un a changé l'adresse de votre compte, choisissez un "
                        "nouveau mot de passe depuis « Mot de passe oublié » avec l'adresse qui reçoit "
                        "désormais les messages, ou écrivez au service indiqué dans les mentions légales.",
                        role="alert",
                        style=styles.alert_error,
                    ),
                ),
                (
                    "invalid",
                    rx.el.p(
                        "Ce lien n'est pas valable, a déjà été utilisé, ou l'adresse de votre compte a "
                        "changé depuis qu'il a été envoyé.",
                        role="alert",
                        style=styles.alert_error,
                    ),
                ),
                rx.el.p("Vérification du lien…", aria_live="polite"),
            ),
            rx.el.p(
                link("Mot de passe oublié", routes.PASSWORD_FORGOTTEN),
                margin=styles.space(styles.SPACE_4, styles.SPACE_0, styles.SPACE_0),
            ),
        ),
        max_width=styles.FORM_WIDTH,
    )
