"""The driver's dashboard: balance, status, probation, history, forecast, letters, stage, « Et si… »."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from mespoints import routes, styles
from mespoints.components.balance_chart import balance_chart
from mespoints.components.balance_summary import balance_section, para
from mespoints.components.forms import field_error, form_alert, submit_button
from mespoints.components.text import fr, heading, section
from mespoints.domain.notices import EFFECTIVE_DATE_EXPLANATION_FR
from mespoints.state.dashboard import OFFENCE_OPTIONS, SIMULATION_RESULT_ID, DashboardState
from mespoints.template import page

S = DashboardState

cell = {
    "padding": styles.space(styles.SPACE_2, styles.SPACE_2),
    "border_bottom": styles.line(styles.BORDER_THIN, styles.HAIRLINE),
    "vertical_align": "top",
}
head_cell = {**cell, "background": styles.TABLE_HEAD, "text_align": "left", "font_weight": styles.WEIGHT_BOLD}
row_head_cell = {**cell, "text_align": "left", "font_weight": styles.WEIGHT_SEMIBOLD, "white_space": "nowrap"}
number_cell = {**cell, "text_align": "right", "white_space": "nowrap", "font_variant_numeric": "tabular-nums"}

# Below BREAKPOINT_MD a table is drawn as a list of cards, one per row: the row's header (its date)
# on top, then each cell under its column's name (the ``data-label`` of the cell, drawn by CSS and
# left out of the accessibility tree: the table's own headers still name the cells). Same markup,
# same reading order, no sideways scrolling at 320 px; the explicit roles keep the table's semantics
# whatever the CSS display (some browsers drop them for ``display: block``).
table_as_list = {
    styles.NARROW: {
        "& thead": styles.visually_hidden,
        "& table, & tbody, & tr, & th, & td": {"display": "block", "width": styles.FULL},
        "& tbody tr": {
            "border": styles.line(styles.BORDER_THIN, styles.HAIRLINE),
            "border_radius": styles.RADIUS,
            "padding": styles.space(styles.SPACE_1, styles.SPACE_3),
            "margin_bottom": styles.SPACE_3,
            "background": styles.SURFACE,
        },
        "& tbody th, & tbody td": {
            "border_bottom": "none",
            "padding": styles.space(styles.SPACE_1_5, styles.SPACE_0),
            "text_align": "left",
            "white_space": "normal",
        },
        "& tbody th": {
            "font_size": styles.TEXT_MD,
            "border_bottom": styles.line(styles.BORDER_THIN, styles.HAIRLINE),
        },
        "& tbody td[data-label]::before": {
            "content": "attr(data-label) / ''",
            "display": "block",
            "font_weight": styles.WEIGHT_SEMIBOLD,
            "color": styles.MUTED,
            "font_size": styles.TEXT_SM,
        },
    },
}


def table(
    caption_id: str,
    caption: str,
    headers: list[str],
    rows: rx.Var,
    row: Callable[[rx.Var], rx.Component],
) -> rx.Component:
    """An accessible table (caption, column and row headers) that becomes a list of cards on phones."""
    return rx.el.div(
        rx.el.p(
            caption,
            aria_hidden="true",
            font_weight=styles.WEIGHT_SEMIBOLD,
            margin=styles.space(styles.SPACE_0, styles.SPACE_0, styles.SPACE_2),
        ),
        rx.el.table(
            # The caption stays for screen readers; its visible twin is the paragraph above.
            rx.el.caption(caption, id=caption_id, style=styles.visually_hidden),
            rx.el.thead(
                rx.el.tr(
                    *[rx.el.th(text, scope="col", role="columnheader", style=head_cell) for text in headers],
                    role="row",
                ),
                role="rowgroup",
            ),
            rx.el.tbody(rx.foreach(rows, row), role="rowgroup"),
            role="table",
            aria_labelledby=caption_id,
            width=styles.FULL,
            font_size=styles.TEXT_SM,
        ),
        style=table_as_list,
        data_testid="table-liste",
    )


def row_header(content) -> rx.Component:
    return rx.el.th(content, scope="row", role="rowheader", style=row_head_cell)


def data_cell(label: str, *children, style: dict | None = None) -> rx.Component:
    """A cell, with its column's name for the phone layout."""
    return rx.el.td(*children, role="cell", data_label=label, style=style or cell)


def lines(items: rx.Var) -> rx.Component:
    """Sentences from the engine: a bulleted list, or a plain paragraph when there is only one."""
    return rx.cond(
        items.length() == 1,
        para(items[0]),
        rx.el.ul(rx.foreach(items, lambda text: rx.el.li(text, margin_bottom=styles.SPACE_1_5))),
    )


def status_section() -> rx.Component:
    return section(
        heading("État de votre permis", level=2),
        rx.cond(
            S.status.valid,
            rx.el.p(rx.el.strong("Valide. "), S.status.title, style=styles.alert_success),
            rx.el.div(
                rx.el.p(
                    rx.el.strong("Invalidé. "),
                    S.status.title,
                    margin=styles.space(styles.SPACE_0, styles.SPACE_0, styles.SPACE_2),
                ),
                para("Ce que cela signifie et ce que vous devez faire :", font_weight=styles.WEIGHT_SEMIBOLD),
                lines(S.status.lines),
                style=styles.alert_error,
            ),
        ),
    )


def probation_section() -> rx.Component:
    return section(
        heading("Période probatoire", level=2),
        para(S.probation.title, font_weight=styles.WEIGHT_SEMIBOLD),
        lines(S.probation.lines),
    )


def chart_section() -> rx.Component:
    return section(heading("Évolution de votre solde", level=2), balance_chart(S.chart))


def rule_link(row: rx.Var) -> rx.Component:
    """The row's rule, linked to its explanation on « Comprendre le calcul de vos points »."""
    return rx.el.a(
        row.rule_label,
        href=row.rule_href,
        # Its own line, a 44 px target (WCAG 2.5.5): not a link inside a sentence.
        display="flex",
        align_items="center",
        min_height=styles.TOUCH_TARGET,
        font_size=styles.TEXT_SM,
        color=styles.PRIMARY,
        text_decoration="underline",
    )


HISTORY_HEADERS = ["Date", "Motif", "Lieu", "Points", "Solde après"]
FORECAST_HEADERS = ["Date", "Règle", "Points", "Solde après"]
LETTER_HEADERS = ["Date", "Lettre", "Ce qu'elle signifie"]


def explained(row: rx.Var) -> list[rx.Component]:
    """What happened, its detail when there is one, and the rule's link."""
    return [
        rx.el.span(row.label, display="block"),
        rx.cond(row.detail != "", rx.el.span(row.detail, display="block", color=styles.MUTED), rx.fragment()),
        rule_link(row),
    ]


def history_row(row: rx.Var) -> rx.Component:
    _, motive, place, points, after = HISTORY_HEADERS
    return rx.el.tr(
        row_header(row.date),
        data_cell(motive, *explained(row)),
        data_cell(place, row.place),
        data_cell(points, row.points, style=number_cell),
        data_cell(after, row.balance_after, style=number_cell),
        role="row",
    )


def history_section() -> rx.Component:
    return section(
        heading("Historique", level=2),
        para(EFFECTIVE_DATE_EXPLANATION_FR),
        rx.cond(
            S.history.length() > 0,
            table(
                "legende-historique",
                "Retraits et récupérations de points, du plus récent au plus ancien",
                HISTORY_HEADERS,
                S.history,
                history_row,
            ),
            para("Aucun retrait ni aucune récupération de points n'est enregistré sur votre permis."),
        ),
    )


def forecast_row(row: rx.Var) -> rx.Component:
    _, rule, points, after = FORECAST_HEADERS
    return rx.el.tr(
        row_header(row.date),
        data_cell(rule, *explained(row)),
        data_cell(points, row.points, style=number_cell),
        data_cell(after, row.balance_after, style=number_cell),
        role="row",
    )


def forecast_table(caption_id: str, caption: str, rows: rx.Var) -> rx.Component:
    return table(caption_id, caption, FORECAST_HEADERS, rows, forecast_row)


def forecast_section() -> rx.Component:
    return section(
        heading("Calendrier prévisionnel", level=2),
        para(
            "Si aucune nouvelle infraction n'est enregistrée, votre solde évoluera ainsi. Une infraction "
            "déjà commise mais pas encore payée ou jugée peut annuler ces récupérations, même déjà "
            "accordées."
        ),
        rx.cond(
            S.forecast.length() > 0,
            forecast_table(
                "legende-calendrier",
                "Récupérations de points prévues, de la plus proche à la plus lointaine",
                S.forecast,
            ),
            para("Aucune récupération de points n'est prévue."),
        ),
        calendar_link(),
    )


def letter_row(row: rx.Var) -> rx.Component:
    _, letter, meaning = LETTER_HEADERS
    return rx.el.tr(
        row_header(row.date),
        data_cell(
            letter, row.code, style={**cell, "font_weight": styles.WEIGHT_BOLD, "white_space": "nowrap"}
        ),
        data_cell(
            meaning,
            rx.el.span(row.meaning, display="block"),
            rx.cond(
                row.detail != "", rx.el.span(row.detail, display="block", color=styles.MUTED), rx.fragment()
            ),
        ),
        role="row",
    )


def letters_table(caption_id: str, caption: str, rows: rx.Var) -> rx.Component:
    return table(caption_id, caption, LETTER_HEADERS, rows, letter_row)


def letters_section() -> rx.Component:
    return section(
        heading("Courriers", level=2),
        rx.cond(
            S.letters.length() > 0,
            letters_table(
                "legende-courriers",
                "Courriers qui vous ont été adressés, du plus récent au plus ancien",
                S.letters,
            ),
            para("Aucun courrier ne vous a été adressé au sujet de vos points."),
        ),
    )


def stage_section() -> rx.Component:
    return section(
        heading("Stage de sensibilisation", level=2),
        lines(S.stage.lines),
        para(
            "Un stage de sensibilisation à la sécurité routière dure deux jours. Il rend jusqu'à 4 points, "
            "dans la limite du maximum applicable, le lendemain de sa fin, et au plus une fois par an.",
            color=styles.MUTED,
            margin=styles.SPACE_0,
        ),
    )


def offence_select() -> rx.Component:
    has_error = S.offence_error != ""
    return rx.el.div(
        rx.el.label("Infraction à simuler", html_for="offence", style=styles.label),
        rx.el.span("Barème officiel des retraits de points", id="offence-aide", style=styles.hint),
        rx.el.select(
            rx.el.option("Choisissez une infraction", value=""),
            *[rx.el.option(label, value=code) for code, label in OFFENCE_OPTIONS],
            id="offence",
            name="offence",
            default_value=S.offence_code,
            aria_describedby="offence-aide offence-erreur",
            aria_invalid=rx.cond(has_error, "true", "false"),
            style=styles.input_,
            border=rx.cond(
                has_error,
                styles.line(styles.BORDER_THICK, styles.ERROR),
                styles.line(styles.BORDER_THIN, styles.BORDER),
            ),
            max_width=styles.FULL,
        ),
        field_error("offence", S.offence_error),
        margin_bottom=styles.SPACE_4,
    )


def day_input() -> rx.Component:
    has_error = S.day_error != ""
    return rx.el.div(
        rx.el.label("Date de l'infraction", html_for="day", style=styles.label),
        rx.el.span(
            "Format : jj/mm/aaaa. Les points sont supposés retirés ce jour-là (amende payée aussitôt).",
            id="day-aide",
            style=styles.hint,
        ),
        rx.el.input(
            id="day",
            name="day",
            type="date",
            default_value=S.simulation_day,
            min=S.simulation_min,
            max=S.simulation_max,
            aria_describedby="day-aide day-erreur",
            aria_invalid=rx.cond(has_error, "true", "false"),
            style=styles.input_,
            border=rx.cond(
                has_error,
                styles.line(styles.BORDER_THICK, styles.ERROR),
                styles.line(styles.BORDER_THIN, styles.BORDER),
            ),
            max_width=styles.NARROW_INPUT,
        ),
        field_error("day", S.day_error),
        margin_bottom=styles.SPACE_4,
    )


def simulation_result() -> rx.Component:
    return rx.el.div(
        rx.cond(
            S.simulated,
            rx.el.div(
                heading("Résultat de la simulation", level=3),
                rx.el.p(S.simulation_summary, style=styles.alert_info, margin_bottom=styles.SPACE_2),
                para(S.simulation_fine, color=styles.MUTED),
                rx.cond(
                    S.simulation_letters.length() > 0,
                    letters_table(
                        "legende-simulation-courriers", "Courriers que vous recevriez", S.simulation_letters
                    ),
                    para("Cette infraction n'entraînerait l'envoi d'aucun courrier."),
                ),
                rx.el.div(height=styles.GAUGE_HEIGHT),
                rx.cond(
                    S.simulation_forecast.length() > 0,
                    forecast_table(
                        "legende-simulation-calendrier",
                        "Nouveau calendrier prévisionnel après cette infraction",
                        S.simulation_forecast,
                    ),
                    para("Aucune récupération de points ne serait ensuite prévue."),
                ),
                para(
                    "Rien n'a été enregistré : votre dossier reste inchangé.",
                    color=styles.MUTED,
                    margin_top=styles.SPACE_3,
                ),
            ),
            rx.fragment(),
        ),
        id=SIMULATION_RESULT_ID,
        tab_index=-1,
        aria_live="polite",
        margin_top=styles.SPACE_5,
    )


def simulator_section() -> rx.Component:
    return section(
        heading("Et si… ?", level=2),
        para(
            "Simulez une infraction du barème officiel à la date de votre choix : vous verrez le solde "
            "qui en résulterait, les courriers qu'elle entraînerait et le nouveau calendrier "
            "prévisionnel. Rien n'est enregistré."
        ),
        rx.el.form(
            offence_select(),
            day_input(),
            submit_button("Simuler"),
            on_submit=S.simulate,
            reset_on_submit=False,
            no_validate=True,
        ),
        simulation_result(),
    )


def calendar_link() -> rx.Component:
    """« Ajouter à mon agenda »: the forecast restorations as an iCalendar file (a backend route)."""
    return rx.cond(
        S.forecast.length() > 0,
        rx.el.p(
            rx.el.a(
                "Ajouter à mon agenda",
                href=S.calendar_href,
                reload_document=True,  # a backend route, not a page: a real navigation
                style=styles.button_secondary,
                display="inline-block",
                text_decoration="none",
            ),
            rx.el.span(
                " Fichier iCalendar (.ics) : les dates prévues, sans aucune infraction.",
                color=styles.MUTED,
                font_size=styles.TEXT_SM,
            ),
            margin=styles.space(styles.SPACE_3, styles.SPACE_0, styles.SPACE_0),
        ),
        rx.fragment(),
    )


def licence_claimed_notice() -> rx.Component:
    """The licence went to its holder, who proved their identity through FranceConnect."""
    return rx.el.div(
        rx.el.p(
            fr("Le permis de conduire rattaché à ce compte a été repris par son titulaire."),
            role="alert",
            style=styles.alert_info,
            margin_bottom=styles.SPACE_4,
        ),
        para(
            "Son titulaire s'est identifié avec FranceConnect et a indiqué que ce compte n'était pas "
            "le sien. Ce compte ne donne donc plus accès à aucune information sur ce permis."
        ),
        para(
            "S'il s'agit de votre propre permis, connectez-vous avec FranceConnect : vous retrouverez "
            "votre solde de points. Vous pouvez aussi fermer ce compte depuis la page « Mon compte »."
        ),
    )


LICENCE_MISSING = (
    "Votre permis n'a pas été trouvé dans le système national des permis de conduire. Réessayez plus "
    "tard ; si le problème persiste, vérifiez le numéro de permis de votre compte."
)


def driver_page(title: str, *sections: rx.Component, greet: bool = False) -> rx.Component:
    """A page of the driver's space: its title, then its sections once the licence is read."""
    return rx.el.div(
        heading(title),
        rx.cond(
            S.loaded,
            rx.el.div(
                rx.cond(S.first_names != "", para("Bonjour ", S.first_names, "."), rx.fragment())
                if greet
                else rx.fragment(),
                rx.cond(
                    S.licence_claimed,
                    licence_claimed_notice(),
                    rx.cond(
                        S.licence_missing,
                        form_alert(rx.Var.create(LICENCE_MISSING), kind="info"),
                        rx.el.div(*sections),
                    ),
                ),
            ),
            rx.el.p("Chargement de votre dossier…", role="status"),
        ),
        # A screen's height from the start: the footer stays below the fold while the licence is
        # read, so the sections replacing the placeholder move nothing that was seen (no layout
        # shift).
        min_height=styles.VIEWPORT_HEIGHT,
    )


@page(route=routes.DASHBOARD, title="Mon tableau de bord", on_load=S.on_load, driver=True)
def dashboard() -> rx.Component:
    return driver_page(
        "Mon tableau de bord",
        balance_section(),
        status_section(),
        probation_section(),
        chart_section(),
        history_section(),
        forecast_section(),
        letters_section(),
        stage_section(),
        simulator_section(),
        greet=True,
    )


@page(route=routes.DASHBOARD_HISTORY, title="Historique de mes points", on_load=S.on_load, driver=True)
def history() -> rx.Component:
    return driver_page("Historique de mes points", balance_section(), history_section())


@page(route=routes.DASHBOARD_FORECAST, title="Mon calendrier prévisionnel", on_load=S.on_load, driver=True)
def forecast() -> rx.Component:
    return driver_page("Mon calendrier prévisionnel", balance_section(), forecast_section(), chart_section())


@page(route=routes.DASHBOARD_LETTERS, title="Mes courriers", on_load=S.on_load, driver=True)
def letters() -> rx.Component:
    return driver_page("Mes courriers", balance_section(), letters_section(), stage_section())
