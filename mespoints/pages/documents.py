"""« Mes documents »: the attestation de droits à conduire, the relevé intégral, the calendar."""

from __future__ import annotations

import reflex as rx

from mespoints import routes, styles
from mespoints.components.balance_summary import balance_if_shown
from mespoints.components.forms import form_alert
from mespoints.components.text import heading, paragraph, section
from mespoints.domain.attestation import VALIDITY_MONTHS
from mespoints.state.documents import DocumentsState as S
from mespoints.template import page

V = S.view


def download(text: str, href: rx.Var, *, primary: bool = True) -> rx.Component:
    """A link to a backend route: a full navigation, so the file downloads and the page stays."""
    style = styles.button_primary if primary else styles.button_secondary
    return rx.el.a(
        text,
        href=href,
        # rx.el.a is a React Router link: without this, the router would look for a page there.
        reload_document=True,
        style=style,
        display="inline-block",
        text_decoration="none",
        margin=styles.space(styles.SPACE_1, styles.SPACE_0),
    )


def attestation_section() -> rx.Component:
    return section(
        heading("Attestation de droits à conduire", level=2),
        paragraph(
            "Elle indique votre identité, votre numéro de permis, ses catégories, sa validité et votre solde "
            "de points d'aujourd'hui. Vous pouvez la présenter à un employeur ou à un loueur de véhicules."
        ),
        paragraph(
            f"Elle est valable {VALIDITY_MONTHS} mois : téléchargée aujourd'hui, jusqu'au ",
            V.valid_until_label,
            " inclus. Elle est établie à chaque téléchargement et n'est pas conservée par le service.",
        ),
        paragraph(
            "Toute personne peut vérifier qu'elle est authentique, sans compte, en scannant son code QR ou "
            "sur la page ",
            rx.el.a("Vérifier une attestation", href=routes.VERIFY, color=styles.PRIMARY),
            ".",
        ),
        download("Télécharger mon attestation", V.attestation_href),
        rx.el.p(
            "Fichier PDF",
            color=styles.MUTED,
            font_size=styles.TEXT_SM,
            margin=styles.space(styles.SPACE_1, styles.SPACE_0, styles.SPACE_0),
        ),
    )


def releve_section() -> rx.Component:
    return section(
        heading("Relevé d'information intégral", level=2),
        paragraph(
            "Il reprend tout votre dossier : votre permis et ses catégories, son état, votre solde, chaque "
            "retrait et chaque récupération de points avec leurs dates, le calendrier prévisionnel et les "
            "courriers qui vous ont été adressés."
        ),
        rx.cond(
            V.releve_allowed,
            rx.el.div(
                download("Télécharger mon relevé intégral", V.releve_href),
                rx.el.p(
                    "Fichier PDF",
                    color=styles.MUTED,
                    font_size=styles.TEXT_SM,
                    margin=styles.space(styles.SPACE_1, styles.SPACE_0, styles.SPACE_0),
                ),
            ),
            rx.el.div(
                rx.el.p(
                    rx.el.strong("Connectez-vous avec FranceConnect pour le télécharger. "),
                    "Parce qu'il contient le détail de vos infractions, le relevé intégral n'est délivré "
                    "qu'aux personnes dont l'identité est garantie par FranceConnect. Vous êtes connecté "
                    "avec votre mot de passe.",
                    margin=styles.space(styles.SPACE_0, styles.SPACE_0, styles.SPACE_3),
                ),
                rx.el.p(
                    "Déconnectez-vous, puis choisissez « S'identifier avec FranceConnect » sur la page de "
                    "connexion : vous reviendrez ici.",
                    margin=styles.space(styles.SPACE_0, styles.SPACE_0, styles.SPACE_3),
                ),
                rx.el.a(
                    "Se connecter avec FranceConnect",
                    href=V.franceconnect_href,
                    style=styles.menu_link,
                ),
                style=styles.alert_info,
                data_testid="releve-franceconnect",
            ),
        ),
    )


def calendar_section() -> rx.Component:
    return section(
        heading("Mes récupérations de points dans mon agenda", level=2),
        paragraph(
            "Ajoutez à votre agenda (téléphone, messagerie) les dates auxquelles des points doivent vous "
            "être rendus si aucune nouvelle infraction n'est enregistrée. Les événements ne mentionnent "
            "aucune infraction."
        ),
        download("Ajouter à mon agenda", V.calendar_href, primary=False),
        rx.el.p(
            "Fichier iCalendar (.ics)",
            color=styles.MUTED,
            font_size=styles.TEXT_SM,
            margin=styles.space(styles.SPACE_1, styles.SPACE_0, styles.SPACE_0),
        ),
    )


# The balance comes first, as on every tab of the driver's space: DocumentsState.on_load has
# DashboardState read it (the same reader as « Mon solde »), then says which documents this session
# may download.
@page(
    route=routes.DOCUMENTS,
    title="Mes documents",
    on_load=S.on_load,
    driver=True,
)
def documents() -> rx.Component:
    return rx.el.div(
        heading("Mes documents"),
        balance_if_shown(),
        rx.cond(
            V,
            rx.cond(
                V.has_licence,
                rx.el.div(attestation_section(), releve_section(), calendar_section()),
                form_alert(
                    rx.Var.create(
                        "Aucun permis n'est rattaché à votre compte : aucun document ne peut être établi."
                    ),
                    kind="info",
                ),
            ),
            rx.el.p("Chargement de vos documents…", role="status"),
        ),
    )
