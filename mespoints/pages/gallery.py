"""« Atelier »: every component of the portal in each state, for designers (development only).

The real components, imported, fed with static sample data (literal vars), so a token changed in
mespoints/styles.py shows here everywhere at once. Registered only under `make dev`
(`reflex run --env dev`) or with MESPOINTS_GALLERY=1 (`make screenshots`): never in the production
build users get (mespoints.mespoints). Each section is a <section> with a `data-galerie` name the
browser test checks.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.utils.exec import is_prod_mode

from mespoints import routes, styles
from mespoints.components.balance_chart import balance_chart
from mespoints.components.connection_notice import lost_notice, too_long_notice
from mespoints.components.driver_tabs import driver_tabs
from mespoints.components.forms import (
    checkbox_field,
    danger_button,
    field_error,
    form_alert,
    input_field,
    secondary_button,
    submit_button,
)
from mespoints.components.franceconnect import franceconnect_button
from mespoints.components.layout import logout_button, notifications_link
from mespoints.components.link_request import link_request_form
from mespoints.components.points_gauge import points_gauge
from mespoints.components.text import bullet_list, button_link, heading, link, paragraph, section
from mespoints.domain.points import MAXIMUM_POINTS
from mespoints.pages.dashboard import HISTORY_HEADERS, forecast_table, history_row, letters_table, table
from mespoints.pages.signup import progress, step_format, step_heading
from mespoints.settings import get_settings
from mespoints.state.dashboard import DashboardState
from mespoints.state.link_request import ForgottenPasswordState
from mespoints.state.signup import LAST_STEP, STEP_TITLES
from mespoints.template import Page, laid_out

# The balances a designer must see: empty, low, half, usual, full.
GAUGE_BALANCES = (0, 3, 6, 8, 12)
# What `make screenshots` and the browser test look for: one name per section.
SECTIONS = (
    "typographie",
    "champs",
    "cases",
    "boutons",
    "alertes",
    "cartes",
    "etapes",
    "permis",
    "jauge",
    "graphique",
    "tableaux",
    "navigation",
    "formulaires",
    "connexion",
    "clair-sombre",
)


def gallery_enabled() -> bool:
    """Under `reflex run --env dev`, or when MESPOINTS_GALLERY=1 asks for it (screenshots)."""
    return get_settings().gallery or not is_prod_mode()


def _literal(value: Any) -> rx.Var:
    return rx.Var.create(value)


def _part(name: str, title: str, *children: rx.Component) -> rx.Component:
    return rx.el.section(
        heading(title, level=2),
        *children,
        data_galerie=name,
        aria_label=title,
        margin_bottom=styles.SPACE_8,
    )


def _state(title: str, *children: rx.Component, **props: Any) -> rx.Component:
    """One state of a component, under its name."""
    return rx.el.div(
        heading(title, level=3), *children, style=styles.card, margin_bottom=styles.SPACE_4, **props
    )


def _grid(*children: rx.Component) -> rx.Component:
    return rx.el.div(
        *children,
        display="grid",
        grid_template_columns=f"repeat(auto-fill, minmax({styles.CARD_MIN_WIDTH}, 1fr))",
        gap=styles.SPACE_4,
    )


def _row(*children: rx.Component, element: Any = rx.el.div, **props: Any) -> rx.Component:
    return element(*children, display="flex", flex_wrap="wrap", gap=styles.SPACE_3, **props)


def typography() -> rx.Component:
    return _part(
        "typographie",
        "Typographie",
        _state(
            "Titres et texte",
            heading("Titre de niveau 3 : comme dans une carte", level=3),
            paragraph(
                "Un paragraphe courant ; la typographie française ajoute les espaces insécables avant « : » "
                "et dans les « guillemets ». ",
                link("Un lien", routes.UNDERSTANDING),
                ".",
            ),
            bullet_list("Premier élément d'une liste", "Deuxième élément, un peu plus long que le premier"),
            rx.el.p("Un texte secondaire (aide, légende).", style=styles.hint),
        ),
    )


def fields() -> rx.Component:
    empty = _literal("")
    return _part(
        "champs",
        "Champs de saisie",
        _grid(
            _state(
                "Vide",
                input_field("galerie-vide", "Nom", error=empty, hint="Tel qu'il figure sur le permis."),
            ),
            _state("Rempli", input_field("galerie-rempli", "Prénom(s)", error=empty, value="Julie Anne")),
            _state(
                "En erreur",
                input_field(
                    "galerie-erreur",
                    "Adresse électronique",
                    error=_literal("Saisissez une adresse électronique valide, par exemple nom@exemple.fr."),
                    value="pas-une-adresse",
                    type_="email",
                ),
            ),
            _state(
                "Désactivé",
                input_field(
                    "galerie-desactive", "Numéro de permis", error=empty, value="120575100123", disabled=True
                ),
            ),
            _state(
                "Chargement",
                input_field(
                    "galerie-chargement",
                    "Code de vérification",
                    error=empty,
                    hint="Vérification en cours…",
                    read_only=True,
                    aria_busy="true",
                ),
            ),
        ),
    )


def checkboxes() -> rx.Component:
    empty = _literal("")
    terms = "J'accepte ces conditions générales d'utilisation"
    return _part(
        "cases",
        "Cases à cocher",
        _grid(
            _state("Vide", checkbox_field("galerie-case-vide", terms, error=empty)),
            _state("Cochée", checkbox_field("galerie-case-cochee", terms, error=empty, checked=True)),
            _state(
                "En erreur",
                checkbox_field(
                    "galerie-case-erreur",
                    terms,
                    error=_literal("Cochez cette case pour créer votre compte."),
                ),
            ),
            _state(
                "Désactivée", checkbox_field("galerie-case-desactivee", terms, error=empty, disabled=True)
            ),
        ),
    )


def buttons() -> rx.Component:
    return _part(
        "boutons",
        "Boutons",
        _grid(
            _state("Principal", submit_button("Se connecter")),
            _state("Secondaire", secondary_button("Précédent")),
            _state("Irréversible", danger_button("Fermer mon compte")),
            _state(
                "Liens en forme de bouton",
                _row(
                    button_link("Créer un compte", routes.SIGNUP),
                    button_link("Se connecter", routes.LOGIN, primary=False),
                ),
            ),
            _state("Désactivé", submit_button("Suivant", disabled=True, opacity="0.6")),
            _state(
                "En cours d'envoi", submit_button("Se connecter", busy=True, busy_text="Connexion en cours…")
            ),
            _state(
                "Irréversible, en cours d'envoi",
                danger_button("Fermer mon compte", busy=True, busy_text="Fermeture en cours…"),
            ),
            _state("FranceConnect", franceconnect_button()),
        ),
    )


def alerts() -> rx.Component:
    return _part(
        "alertes",
        "Alertes",
        _grid(
            _state(
                "Erreur", form_alert(_literal("L'adresse électronique ou le mot de passe est incorrect."))
            ),
            _state(
                "Succès",
                form_alert(_literal("Votre mot de passe a été modifié."), kind="success"),
            ),
            _state(
                "Information",
                form_alert(_literal("Un courriel vient de vous être envoyé."), kind="info"),
            ),
            _state(
                "Avertissement",
                rx.el.div(
                    "Votre solde est bas : un stage de sensibilisation peut vous rendre des points.",
                    role="status",
                    style=styles.alert_warning,
                ),
            ),
            _state(
                "Erreur d'un champ",
                field_error("galerie-erreur-seule", _literal("Ce champ est obligatoire.")),
            ),
        ),
    )


def cards() -> rx.Component:
    return _part(
        "cartes",
        "Cartes",
        section(
            heading("Une carte (section)", level=3),
            paragraph("Le contenu d'une page est rangé dans des cartes comme celle-ci."),
            button_link("Une action", routes.DASHBOARD, primary=False),
        ),
        section(heading("Une carte vide", level=3)),
    )


def stepper() -> rx.Component:
    return _part(
        "etapes",
        "Inscription : chaque étape",
        _grid(
            *[
                _state(
                    f"Étape {number}",
                    step_heading(_literal(number), title, as_=rx.el.p),
                    progress(_literal(number)),
                )
                for number, title in enumerate(STEP_TITLES, start=1)
            ],
        ),
        rx.el.p(f"{LAST_STEP} étapes.", style=styles.hint),
    )


def licence_formats() -> rx.Component:
    return _part(
        "permis",
        "Les deux formats de permis",
        rx.el.form(step_format(), on_submit=rx.prevent_default, max_width=styles.FORM_WIDTH),
    )


def gauges() -> rx.Component:
    return _part(
        "jauge",
        "Jauge de points",
        _grid(
            *[
                _state(
                    f"{balance} sur {MAXIMUM_POINTS}",
                    points_gauge(
                        balance=_literal(balance),
                        maximum=_literal(MAXIMUM_POINTS),
                        percent=_literal(balance * 100 // MAXIMUM_POINTS),
                    ),
                )
                for balance in GAUGE_BALANCES
            ],
        ),
    )


# A balance over three years (days from the chart's first day), in the shape of the state's BalanceSeries.
SAMPLE_CHART = {
    "days": 1096,
    "today": 730,
    "history": [
        {"start": 0, "end": 200, "balance": 12, "previous": 12},
        {"start": 200, "end": 560, "balance": 8, "previous": 12},
        {"start": 560, "end": 730, "balance": 9, "previous": 8},
    ],
    "forecast": [
        {"start": 730, "end": 925, "balance": 9, "previous": 9},
        {"start": 925, "end": 1096, "balance": 12, "previous": 9},
    ],
    "years": [{"label": "2025", "day": 40}, {"label": "2026", "day": 405}, {"label": "2027", "day": 770}],
    "summary": "Solde de 12 points en 2024, 8 après un retrait, 9 aujourd'hui, 12 prévus en 2027.",
}
SAMPLE_HISTORY = [
    {
        "date": "10 mars 2025",
        "date_iso": "2025-03-10",
        "rule": "R3",
        "label": "Excès de vitesse de 20 à moins de 30 km/h",
        "place": "Lyon (69)",
        "detail": "Infraction commise le 3 février 2025",
        "points": "-2",
        "balance_after": "10",
        "rule_label": "Retrait de points",
        "rule_href": routes.UNDERSTANDING,
    },
    {
        "date": "12 avril 2024",
        "date_iso": "2024-04-12",
        "rule": "R7",
        "label": "Stage de sensibilisation à la sécurité routière",
        "place": "Villeurbanne (69)",
        "detail": "",
        "points": "+4",
        "balance_after": "12",
        "rule_label": "Stage",
        "rule_href": routes.UNDERSTANDING,
    },
]
SAMPLE_FORECAST = [
    {
        "date": "10 mars 2027",
        "date_iso": "2027-03-10",
        "rule": "R5",
        "label": "Récupération de tous vos points",
        "detail": "Deux ans sans nouvelle infraction",
        "points": "+2",
        "balance_after": "12",
        "rule_label": "Récupération",
        "rule_href": routes.UNDERSTANDING,
    },
]
SAMPLE_LETTERS = [
    {
        "date": "15 mars 2025",
        "date_iso": "2025-03-15",
        "code": "48 M",
        "meaning": "Information sur un retrait de points",
        "detail": "2 points retirés",
    },
]


def charts() -> rx.Component:
    # Typed as the dashboard's own chart (a BalanceSeries), so its lists can be iterated.
    chart = _literal(SAMPLE_CHART).to(DashboardState.chart._var_type)
    return _part("graphique", "Graphique du solde", section(balance_chart(chart)))


def tables() -> rx.Component:
    return _part(
        "tableaux",
        "Tableaux",
        section(
            heading("Historique", level=3),
            table(
                "galerie-historique",
                "Retraits et récupérations de points, du plus récent au plus ancien",
                HISTORY_HEADERS,
                _literal(SAMPLE_HISTORY),
                history_row,
            ),
        ),
        section(
            heading("Calendrier prévisionnel", level=3),
            forecast_table("galerie-previsionnel", "Récupérations prévues", _literal(SAMPLE_FORECAST)),
        ),
        section(
            heading("Courriers", level=3),
            letters_table("galerie-courriers", "Courriers reçus", _literal(SAMPLE_LETTERS)),
        ),
        # The tables' phone form (a list of cards) follows the screen's width (below
        # styles.BREAKPOINT_MD): this frame shows it on a phone or a narrow window.
        section(
            heading("Sur un téléphone", level=3),
            rx.el.div(
                forecast_table(
                    "galerie-previsionnel-etroit", "Récupérations prévues", _literal(SAMPLE_FORECAST)
                ),
                max_width=styles.PHONE_FRAME,
                border=styles.line(styles.BORDER_THIN, styles.BORDER, "dashed"),
                padding=styles.SPACE_2,
            ),
            data_galerie_liste="true",
        ),
    )


def navigation() -> rx.Component:
    return _part(
        "navigation",
        "Navigation",
        _state("Onglets du conducteur", driver_tabs()),
        _state(
            "En-tête connecté",
            _row(
                notifications_link(_literal(0)),
                notifications_link(_literal(3)),
                logout_button(),
                element=rx.el.ul,
                align_items="center",
                padding=styles.SPACE_0,
                margin=styles.SPACE_0,
            ),
        ),
    )


def forms() -> rx.Component:
    return _part(
        "formulaires",
        "Formulaire « recevoir un lien »",
        rx.el.div(
            link_request_form(
                ForgottenPasswordState,
                intro="Le formulaire partagé par « Mot de passe oublié » et « Recevoir un nouveau lien ».",
                hint="L'adresse de votre compte.",
                button="Recevoir le lien",
                sent="Si un compte existe pour cette adresse, un lien vient d'y être envoyé.",
            ),
            max_width=styles.FORM_WIDTH,
        ),
    )


def _in_mode(mode: str, *children: rx.Component, **props: Any) -> rx.Component:
    """Children under one colour mode: the class and attribute a theme's dark mode keys on."""
    return rx.el.div(
        *children,
        class_name=mode,
        data_theme=mode,
        color_scheme=mode,
        background=styles.BACKGROUND,
        color=styles.INK,
        **props,
    )


def connection() -> rx.Component:
    """The notice pages show at their top while the event socket cannot reach the portal."""
    return _part(
        "connexion",
        "Connexion au service perdue",
        paragraph(
            "Le bandeau s'affiche en haut de chaque page tant que le navigateur ne joint plus le "
            "service (réseau coupé, serveur arrêté) et disparaît dès que la connexion revient."
        ),
        _grid(
            *[
                _state(title, _in_mode(mode, lost_notice()))
                for title, mode in (("Clair", "light"), ("Sombre", "dark"))
            ],
        ),
        _grid(
            _state(
                "Sur un téléphone (320 px)", _in_mode("light", lost_notice(), max_width=styles.PHONE_FRAME)
            ),
            _state("Adresse trop longue pour joindre le service", _in_mode("light", too_long_notice())),
        ),
    )


def _sample_set(mode: str) -> rx.Component:
    """A few pieces under one colour mode."""
    return _in_mode(
        mode,
        heading("Clair" if mode == "light" else "Sombre", level=3),
        form_alert(_literal("Un message d'information."), kind="info"),
        rx.el.div(
            points_gauge(balance=_literal(8), maximum=_literal(MAXIMUM_POINTS), percent=_literal(66)),
            style=styles.card,
            margin=styles.space(styles.SPACE_4, styles.SPACE_0),
        ),
        button_link("Action principale", routes.DASHBOARD),
        padding=styles.SPACE_4,
        border_radius=styles.RADIUS,
    )


def colour_modes() -> rx.Component:
    return _part(
        "clair-sombre",
        "Clair et sombre",
        paragraph("Les mêmes éléments sous chacun des deux thèmes, côte à côte."),
        _grid(_sample_set("light"), _sample_set("dark")),
    )


def gallery() -> rx.Component:
    return rx.el.div(
        heading("Atelier des composants"),
        paragraph(
            "Chaque composant du portail dans chacun de ses états, avec des données d'exemple. "
            "Modifiez mespoints/styles.py : le changement se voit ici partout à la fois."
        ),
        typography(),
        fields(),
        checkboxes(),
        buttons(),
        alerts(),
        cards(),
        stepper(),
        licence_formats(),
        gauges(),
        charts(),
        tables(),
        navigation(),
        forms(),
        connection(),
        colour_modes(),
    )


def gallery_page() -> Page:
    """The page, laid out like the others; mespoints.mespoints adds it when gallery_enabled()."""
    return laid_out(gallery, route=routes.GALLERY, title="Atelier des composants")
