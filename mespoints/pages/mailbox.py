"""Development mailbox page and the page shown after logout."""

import reflex as rx

from mespoints import routes, styles
from mespoints.components.text import button_link, heading, paragraph, section
from mespoints.state.mailbox import MailboxState
from mespoints.template import page


def message_card(message: rx.Var) -> rx.Component:
    return rx.el.article(
        rx.el.h2(
            message["subject"],
            font_size=styles.TEXT_LG,
            font_weight=styles.WEIGHT_BOLD,
            margin=styles.space(styles.SPACE_0, styles.SPACE_0, styles.SPACE_1),
        ),
        rx.el.p(
            "À : ",
            message["recipient"],
            " — ",
            message["created_at"],
            color=styles.MUTED,
            margin=styles.space(styles.SPACE_0, styles.SPACE_0, styles.SPACE_2),
        ),
        # The text part, with its links made clickable by the browser's own rendering of plain text.
        rx.el.pre(
            message["text"],
            white_space="pre-wrap",
            word_break="break-word",
            font_family=styles.FONT,
            margin=styles.SPACE_0,
        ),
        style=styles.card,
        margin_bottom=styles.SPACE_4,
    )


@page(route=routes.MAILBOX, title="Boîte aux lettres de test", on_load=MailboxState.on_load)
def mailbox() -> rx.Component:
    return rx.el.div(
        heading("Boîte aux lettres de test"),
        rx.cond(
            MailboxState.enabled,
            rx.el.div(
                paragraph(
                    "Aucun serveur de messagerie n'est configuré : les courriels du portail sont "
                    "conservés ici, du plus récent au plus ancien. Copiez un lien dans la barre "
                    "d'adresse pour le suivre."
                ),
                rx.foreach(MailboxState.messages, message_card),
                rx.cond(MailboxState.messages.length() == 0, paragraph("Aucun courriel pour le moment.")),
            ),
            paragraph("Cette page n'existe que sur un portail de développement sans serveur de messagerie."),
        ),
    )


class LoggedOutState(rx.State):
    closed: bool = False
    # Back from FranceConnect's logout: the provider's session ended too.
    franceconnect: bool = False

    @rx.event
    def on_load(self) -> None:
        self.closed = self.router.url.query_parameters.get("compte") == "ferme"
        self.franceconnect = self.router.url.query_parameters.get("franceconnect") == "1"


LOGGED_OUT_TITLE = rx.cond(LoggedOutState.closed, "Votre compte est fermé", "Vous êtes déconnecté")


@page(route=routes.LOGGED_OUT, title=LOGGED_OUT_TITLE, on_load=LoggedOutState.on_load)
def logged_out() -> rx.Component:
    return rx.el.div(
        heading(LOGGED_OUT_TITLE),
        section(
            paragraph(
                rx.cond(
                    LoggedOutState.closed,
                    "Votre compte et vos données personnelles ont été supprimés. Merci d'avoir "
                    "utilisé Mes Points Permis.",
                    "Votre session est terminée. Pour protéger vos informations, fermez aussi cet "
                    "onglet si vous utilisez un ordinateur partagé.",
                )
            ),
            rx.cond(
                LoggedOutState.franceconnect,
                paragraph("Vous êtes aussi déconnecté de FranceConnect."),
                rx.fragment(),
            ),
            rx.cond(
                LoggedOutState.closed,
                button_link("Revenir à l'accueil", routes.HOME),
                button_link("Se connecter", routes.LOGIN),
            ),
        ),
        max_width=styles.FORM_WIDTH,
    )
