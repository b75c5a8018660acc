"""The driver's dashboard: what the points engine answers, ready to show, and the « Et si… » simulator.

Reads the licence and its events (two small indexed reads), runs the engine once, and turns the
answer into plain dataclasses of French strings (dates through Babel), so the state holds only what
the page shows. Nothing here returns a UI component; nothing here is written to the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, bindparam, select

from mespoints import routes
from mespoints.db.national_file import Holder, Licence, LicenceEvent
from mespoints.domain.licence_number import normalize_licence_number
from mespoints.domain.offence_scale import OFFENCE_SCALE, ScaleEntry, entry_by_code
from mespoints.domain.points import (
    FULL_RESTORATION_YEARS,
    FULL_RESTORATION_YEARS_SERIOUS,
    MAXIMUM_POINTS,
    PROBATION_START_POINTS,
    SIMULATION_EVENT_ID,
    STAGE_POINTS,
    Assessment,
    Change,
    Letter,
    LetterCode,
    Rule,
    Status,
    add_months,
    add_years,
    assess,
    simulate,
    simulated_offence,
)
from mespoints.domain.points_text import (
    LETTER_MEANINGS_FR,
    RULE_ANCHORS,
    RULE_EXPLANATIONS_FR,
    RULE_LABELS_FR,
    format_date_fr,
    points_fr,
)
from mespoints.domain.records import Infraction, LicenceFacts, Stage
from mespoints.services.national_file import event_from_row

PARIS = ZoneInfo("Europe/Paris")

# The « Et si… » simulator accepts days from the licence's issue up to this far after today.
SIMULATION_HORIZON_YEARS = 5
# R9: a 48N letter makes a stage compulsory within 4 months of its receipt.
COMPULSORY_STAGE_MONTHS = 4
# L223-5: waiting periods and exam rules after an invalidation (R4).
NEW_LICENCE_WAIT_MONTHS = 6
THEORY_ONLY_AFTER_YEARS = 3
THEORY_ONLY_WITHIN_MONTHS = 9


# --- What the page shows -------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryRow:
    """One change of the balance up to today, ready for the « Historique » table."""

    date: str  # the day of the change (for an infraction, its date de réalité)
    date_iso: str
    rule: str
    label: str  # the offence's label, or what happened in plain French
    place: str
    detail: str  # e.g. the day an infraction was committed
    points: str  # signed: "-4", "+1", "0"
    balance_after: str
    rule_label: str = ""  # the rule in a few words, a link to its explanation
    rule_href: str = ""


@dataclass(frozen=True)
class ForecastRow:
    """One change the calendar foresees if no new infraction is recorded."""

    date: str
    date_iso: str
    rule: str
    label: str  # the rule in plain French
    detail: str  # which infraction or stage it comes from
    points: str
    balance_after: str
    rule_label: str = ""
    rule_href: str = ""


@dataclass(frozen=True)
class LetterRow:
    date: str
    date_iso: str
    code: str
    meaning: str
    detail: str


@dataclass(frozen=True)
class StatusInfo:
    valid: bool
    title: str
    lines: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ProbationInfo:
    kind: str  # "definitive", "active", "ended", "not_started", "invalidated"
    title: str
    lines: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class StageInfo:
    available_now: bool
    points_now: int
    possible_from: str  # French date, "" when a stage can no longer credit anything (R4)
    lines: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Tick:
    label: str
    position: float  # percent along the axis (x from the left, y from the top)


@dataclass(frozen=True)
class BalanceChart:
    """A step chart of the balance, in a 0–1000 × 0–100 box (stretched to any width by the page)."""

    history_path: str
    forecast_path: str
    today_path: str  # a vertical line on today
    grid_path: str  # horizontal lines at 0, 6 and 12 points
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    summary: str


@dataclass(frozen=True)
class DashboardData:
    licence_number: str
    first_names: str
    as_of: str  # ISO
    as_of_label: str
    balance: int
    maximum: int
    gauge_label: str  # « 8 points sur 12 »
    gauge_percent: int
    updated_label: str  # « 2 novembre 2024 »
    status: StatusInfo
    probation: ProbationInfo
    history: list[HistoryRow]  # newest first
    forecast: list[ForecastRow]  # soonest first
    letters: list[LetterRow]  # newest first
    stage: StageInfo
    chart: BalanceChart
    issued_on: str  # ISO, the earliest day the simulator accepts
    simulation_until: str  # ISO, the latest day the simulator accepts


@dataclass(frozen=True)
class SimulationResult:
    offence_label: str
    day_label: str
    assessed_on_label: str
    points_withdrawn: int
    balance: int
    maximum: int
    balance_label: str
    invalidated: bool
    summary: str
    letters: list[LetterRow]
    forecast: list[ForecastRow]
    # R4: invalidated before the offence would take effect; it would withdraw nothing, change nothing.
    already_invalidated: bool = False
    # The fine and what may follow, as the scale in force on the offence's day has them.
    fine_label: str = ""


@dataclass(frozen=True)
class SimulationOutcome:
    """Either a result, or the French errors to show next to the fields."""

    result: SimulationResult | None = None
    offence_error: str = ""
    day_error: str = ""


# --- Use cases -----------------------------------------------------------------------------------


def load_dashboard(*, engine: Engine, licence_number: str, as_of: dt.date) -> DashboardData | None:
    """Everything the dashboard shows for this licence on `as_of`, or None for an unknown licence."""
    found = read_licence(engine=engine, licence_number=licence_number)
    if found is None:
        return None
    licence, facts = found
    assessment = assess(facts, as_of)
    events = _events_by_id(facts)
    return DashboardData(
        licence_number=licence.licence_number,
        first_names=licence.first_names,
        as_of=as_of.isoformat(),
        as_of_label=format_date_fr(as_of),
        balance=assessment.balance,
        maximum=assessment.maximum,
        gauge_label=points_label(assessment.balance, assessment.maximum),
        gauge_percent=round(100 * assessment.balance / assessment.maximum) if assessment.maximum else 0,
        updated_label=format_date_fr(_paris_day(licence.updated_at)),
        status=_status(assessment, facts),
        probation=_probation(assessment, facts),
        history=[_history_row(change, events) for change in reversed(assessment.history)],
        forecast=[_forecast_row(change, events) for change in assessment.forecast],
        letters=[_letter_row(letter, events) for letter in reversed(assessment.letters)],
        stage=_stage(assessment, facts),
        chart=balance_chart(assessment, facts),
        issued_on=facts.issued_on.isoformat(),
        simulation_until=add_years(as_of, SIMULATION_HORIZON_YEARS).isoformat(),
    )


@dataclass(frozen=True)
class LicenceHeader:
    licence_number: str
    first_names: str
    updated_at: dt.datetime


_licence = Licence.__table__  # type: ignore[attr-defined]
_holder = Holder.__table__  # type: ignore[attr-defined]
_event = LicenceEvent.__table__  # type: ignore[attr-defined]
_READ_LICENCE = (
    select(
        _licence.c.licence_number,
        _licence.c.issued_on,
        _licence.c.early_training,
        _licence.c.probationary,
        _licence.c.updated_at,
        _holder.c.first_names,
        _event.c.event_id,
        _event.c.kind,
        _event.c.committed_at,
        _event.c.effective_on,
        _event.c.offence_class,
        _event.c.points,
        _event.c.label,
        _event.c.place,
        _event.c.completed_on,
    )
    .select_from(
        _licence.join(_holder, _holder.c.id == _licence.c.holder_id).outerjoin(
            _event, _event.c.licence_id == _licence.c.id
        )
    )
    .where(_licence.c.licence_number == bindparam("number"))
)


def read_licence(*, engine: Engine, licence_number: str) -> tuple[LicenceHeader, LicenceFacts] | None:
    """The licence, its holder's first names and its events in ONE round trip, or None when unknown.

    The same facts as services.national_file.load_licence_facts (tests compare them), read with one
    outer join through SQLAlchemy Core: the dashboard opens on every login, and four ORM queries
    (get_licence + load_licence_facts) cost several times more on PostgreSQL.
    """
    number = normalize_licence_number(licence_number)
    if number is None:
        return None
    with engine.connect() as connection:
        rows = connection.execute(_READ_LICENCE, {"number": number}).all()
    if not rows:
        return None
    first = rows[0]
    # A licence without events gives one row whose event columns are NULL.
    events = [event_from_row(row) for row in rows if row.event_id is not None]
    events.sort(key=lambda event: event.id)
    header = LicenceHeader(
        licence_number=first.licence_number, first_names=first.first_names, updated_at=first.updated_at
    )
    facts = LicenceFacts(
        issued_on=first.issued_on,
        early_training=first.early_training,
        probationary=first.probationary,
        events=tuple(events),
    )
    return header, facts


def offence_choices() -> list[tuple[str, str]]:
    """(code, French label with its points) for each offence of the official scale."""
    return [(entry.code, f"{entry.label} ({points_fr(entry.points)})") for entry in OFFENCE_SCALE]


def simulate_offence(
    *, engine: Engine, licence_number: str, as_of: dt.date, offence_code: str, day: str
) -> SimulationOutcome | None:
    """« Et si… »: the balance, letters and forecast if that offence took effect on that day.

    Nothing is saved. `day` is the date field's text (YYYY-MM-DD). None for an unknown licence.
    """
    found = read_licence(engine=engine, licence_number=licence_number)
    if found is None:
        return None
    facts = found[1]
    offence, offence_error = _parse_offence(offence_code)
    committed_on, day_error = _parse_day(day, facts=facts, as_of=as_of)
    if offence is None or committed_on is None:
        return SimulationOutcome(offence_error=offence_error, day_error=day_error)
    return SimulationOutcome(
        result=simulation_result(facts, as_of, offence=offence, committed_on=committed_on)
    )


def simulation_result(
    facts: LicenceFacts, as_of: dt.date, *, offence: ScaleEntry, committed_on: dt.date
) -> SimulationResult:
    """The simulator's answer, assessed on the later of today and the offence's day."""
    assessed_on = max(as_of, committed_on)
    assessment = simulate(facts, assessed_on, offence=offence, committed_on=committed_on)
    events = _events_by_id(facts)
    events[SIMULATION_EVENT_ID] = simulated_offence(offence, committed_on)
    withdrawn = -sum(
        change.points
        for change in (*assessment.history, *assessment.forecast)
        if change.event_id == SIMULATION_EVENT_ID and change.rule is Rule.WITHDRAWAL
    )
    in_force = offence.on(committed_on)
    letters = [letter for letter in assessment.letters if letter.event_id == SIMULATION_EVENT_ID]
    invalidated = assessment.status is Status.INVALIDATED
    day_label = format_date_fr(committed_on)
    # R4: a licence invalidated by recorded offences on or before that day loses nothing more.
    invalidated_on = assessment.invalidated_on
    already_invalidated = (
        invalidated_on is not None
        and invalidated_on <= committed_on
        and not any(
            change.rule is Rule.INVALIDATION and change.event_id == SIMULATION_EVENT_ID
            for change in assessment.history
        )
    )
    nothing_changes = "ne retirerait aucun point et ne changerait rien à votre situation."
    if in_force.points == 0:
        # Décret 2023-1150: such an offence carries no point any more; it blocks no restoration either.
        already_invalidated = False
        summary = (
            f"Commise le {day_label}, cette infraction n'entraîne aucun retrait de points : seule l'amende "
            "est due. Elle ne retarde aucune récupération de points. Votre solde resterait de "
            f"{points_label(assessment.balance, assessment.maximum)}."
        )
    elif already_invalidated and invalidated_on is not None and invalidated_on <= as_of:
        summary = (
            f"Votre permis est déjà invalidé depuis le {format_date_fr(invalidated_on)} (solde nul) : "
            f"cette infraction {nothing_changes}"
        )
    elif already_invalidated and invalidated_on is not None:
        summary = (
            "D'après les infractions déjà enregistrées, votre permis sera invalidé le "
            f"{format_date_fr(invalidated_on)} (solde nul) : une infraction prenant effet le {day_label} "
            + nothing_changes
        )
    else:
        when = "aujourd'hui" if assessed_on == as_of else f"le {format_date_fr(assessed_on)}"
        summary = (
            f"Si cette infraction entraînait un retrait de points le {day_label}, "
            f"{points_fr(withdrawn)} {'serait retiré' if withdrawn == 1 else 'seraient retirés'} : "
            f"votre solde serait de {points_label(assessment.balance, assessment.maximum)} {when}."
        )
        if invalidated:
            summary += " Votre permis serait invalidé (solde nul)."
    return SimulationResult(
        offence_label=offence.label,
        day_label=day_label,
        assessed_on_label=format_date_fr(assessed_on),
        points_withdrawn=withdrawn,
        balance=assessment.balance,
        maximum=assessment.maximum,
        balance_label=points_label(assessment.balance, assessment.maximum),
        invalidated=invalidated,
        summary=summary,
        letters=[_letter_row(letter, events) for letter in letters],
        forecast=[_forecast_row(change, events) for change in assessment.forecast],
        already_invalidated=already_invalidated,
        fine_label=fine_label(offence, committed_on),
    )


def fine_label(offence: ScaleEntry, committed_on: dt.date) -> str:
    """« Contravention de 4e classe : amende forfaitaire de 135 € (90 € minorée, 375 € majorée). »"""
    version = offence.on(committed_on)
    fine = version.fine
    if version.offence_class == "DELIT":
        text = "Délit"
        if fine.maximum:
            text += f" : jusqu'à {fine.maximum:,} € d'amende".replace(",", "\u202f")
        if fine.forfaitaire:
            text += (
                f" ; amende forfaitaire délictuelle de {fine.forfaitaire} € ({fine.minoree} € minorée, "
                f"{fine.majoree} € majorée)"
            )
    else:
        text = f"Contravention de {version.offence_class[1]}e classe"
        if fine.forfaitaire:
            text += f" : amende forfaitaire de {fine.forfaitaire} €"
            if fine.minoree:
                text += f" ({fine.minoree} € minorée, {fine.majoree} € majorée)"
        elif fine.maximum:
            text += f" : jusqu'à {fine.maximum:,} € d'amende".replace(",", "\u202f")
    follows = [
        label
        for wanted, label in (
            (offence.suspension, "une suspension du permis"),
            (offence.confiscation, "la confiscation du véhicule"),
        )
        if wanted
    ]
    if follows:
        text += f". Peut aussi entraîner {' et '.join(follows)}"
    return f"{text} (article {offence.article} du Code de la route)."


def _parse_offence(code: str) -> tuple[ScaleEntry | None, str]:
    if not code:
        return None, "Choisissez une infraction dans la liste."
    try:
        return entry_by_code(code), ""
    except KeyError:
        return None, "Cette infraction ne figure pas dans la liste : choisissez-en une."


def _parse_day(text: str, *, facts: LicenceFacts, as_of: dt.date) -> tuple[dt.date | None, str]:
    if not text:
        return None, "Indiquez la date de l'infraction."
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None, "Cette date n'est pas valable. Format attendu : jj/mm/aaaa, par exemple 15/03/2025."
    if day < facts.issued_on:
        issued = format_date_fr(facts.issued_on)
        return None, f"Indiquez une date à partir de la délivrance de votre permis, le {issued}."
    latest = add_years(as_of, SIMULATION_HORIZON_YEARS)
    if day > latest:
        return None, f"Indiquez une date au plus tard le {format_date_fr(latest)}."
    return day, ""


# --- Formatting ----------------------------------------------------------------------------------


def points_label(balance: int, maximum: int) -> str:
    """« 8 points sur 12 », the gauge's text equivalent."""
    return f"{points_fr(balance)} sur {maximum}"


def rule_href(rule: str) -> str:
    """Where the public page « Comprendre le calcul de vos points » explains the rule."""
    return f"{routes.UNDERSTANDING}#{RULE_ANCHORS[rule]}"


def _rule_label(rule: str) -> str:
    label = RULE_LABELS_FR[rule]
    return label[:1].upper() + label[1:]


def _signed(points: int) -> str:
    return f"+{points}" if points > 0 else str(points)


def _paris_day(moment: dt.datetime) -> dt.date:
    """The day in Paris of a stored timestamp (naive UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(PARIS).date()


def _events_by_id(facts: LicenceFacts) -> dict[str, Infraction | Stage]:
    return {event.id: event for event in facts.events}


def _history_row(change: Change, events: dict[str, Infraction | Stage]) -> HistoryRow:
    event = events.get(change.event_id or "")
    label, place, detail = _rule_label(change.rule), "", ""
    if isinstance(event, Infraction) and change.rule is Rule.WITHDRAWAL:
        label = event.label or _rule_label(Rule.WITHDRAWAL)
        place = event.place
        detail = (
            f"Infraction commise le {format_date_fr(event.committed_at.date())} ; points retirés le "
            f"{format_date_fr(change.date)} (date de réalité)."
        )
    elif isinstance(event, Stage):
        place = event.place
        detail = f"Stage terminé le {format_date_fr(event.completed_on)} ; points crédités le lendemain."
    elif isinstance(event, Infraction):
        label = _credit_label(change, event)
        detail = _because_of(change, event)
    return HistoryRow(
        date=format_date_fr(change.date),
        date_iso=change.date.isoformat(),
        rule=change.rule,
        label=label,
        place=place,
        detail=detail,
        points=_signed(change.points),
        balance_after=str(change.balance_after),
        rule_label=_rule_label(change.rule),
        rule_href=rule_href(change.rule),
    )


def _forecast_row(change: Change, events: dict[str, Infraction | Stage]) -> ForecastRow:
    event = events.get(change.event_id or "")
    label = _credit_label(change, event)
    detail = ""
    if isinstance(event, Infraction):
        detail = _because_of(change, event)
    elif isinstance(event, Stage):
        detail = f"Stage terminé le {format_date_fr(event.completed_on)}."
    return ForecastRow(
        date=format_date_fr(change.date),
        date_iso=change.date.isoformat(),
        rule=change.rule,
        label=label,
        detail=detail,
        points=_signed(change.points),
        balance_after=str(change.balance_after),
        rule_label=_rule_label(change.rule),
        rule_href=rule_href(change.rule),
    )


def _credit_label(change: Change, event: Infraction | Stage | None) -> str:
    """The rule in plain French; for R6, with its actual period (2 or 3 years)."""
    if change.rule is Rule.FULL_RESTORATION and isinstance(event, Infraction):
        short = add_years(event.effective_on, FULL_RESTORATION_YEARS) == change.date
        years = FULL_RESTORATION_YEARS if short else FULL_RESTORATION_YEARS_SERIOUS  # R6
        return f"Récupération de la totalité des points après {years} ans sans infraction"
    return _rule_label(change.rule)


def _because_of(change: Change, event: Infraction) -> str:
    if change.rule is Rule.RESTORATION_CANCELLED:
        return (
            f"Infraction enregistrée ce jour : {_about_infraction(event)} {RULE_EXPLANATIONS_FR[change.rule]}"
        )
    if change.rule is Rule.FULL_RESTORATION:
        return f"Dernière infraction : {_about_infraction(event)}"  # R6 counts from the last one
    if change.rule in (Rule.SIX_MONTH, Rule.TEN_YEAR):
        return f"Infraction concernée : {_about_infraction(event)}"
    return _about_infraction(event)


def _about_infraction(event: Infraction) -> str:
    if event.id == SIMULATION_EVENT_ID:
        return "Infraction simulée."
    what = event.label or "infraction"
    return f"{what}, points retirés le {format_date_fr(event.effective_on)}."


def _letter_row(letter: Letter, events: dict[str, Infraction | Stage]) -> LetterRow:
    event = events.get(letter.event_id or "")
    detail = ""
    if isinstance(event, Infraction):
        detail = (
            "Infraction simulée."
            if event.id == SIMULATION_EVENT_ID
            else f"Au sujet de : {_about_infraction(event)}"
        )
    elif isinstance(event, Stage):
        detail = f"Au sujet du stage terminé le {format_date_fr(event.completed_on)}."
    return LetterRow(
        date=format_date_fr(letter.date),
        date_iso=letter.date.isoformat(),
        code=letter.code,
        meaning=LETTER_MEANINGS_FR[letter.code],
        detail=detail,
    )


def _status(assessment: Assessment, facts: LicenceFacts) -> StatusInfo:
    if assessment.status != "invalidated" or assessment.invalidated_on is None:
        return StatusInfo(valid=True, title="Votre permis est valide.")
    invalidated_on = assessment.invalidated_on
    # L223-5: only the theory test when the licence was held 3 years or more on invalidation.
    held_long = invalidated_on >= add_years(facts.issued_on, THEORY_ONLY_AFTER_YEARS)
    exam = (
        "Repasser l'examen : l'épreuve théorique (code) seulement si vous demandez votre nouveau permis "
        f"dans les {THEORY_ONLY_WITHIN_MONTHS} mois suivant la fin de l'interdiction (vous déteniez votre "
        f"permis depuis au moins {THEORY_ONLY_AFTER_YEARS} ans) ; au-delà, l'épreuve théorique et l'épreuve "
        "pratique (conduite)."
        if held_long
        else "Repasser l'examen : l'épreuve théorique (code) et l'épreuve pratique (conduite), car vous "
        f"déteniez votre permis depuis moins de {THEORY_ONLY_AFTER_YEARS} ans."
    )
    return StatusInfo(
        valid=False,
        title=f"Votre permis est invalidé depuis le {format_date_fr(invalidated_on)} : votre solde est nul.",
        lines=[
            "Vous en êtes informé par la lettre recommandée 48SI. Dès sa réception, vous n'avez plus le "
            "droit de conduire.",
            "Vous devez remettre votre permis à la préfecture de votre département dans les 10 jours qui "
            "suivent la réception de la lettre 48SI.",
            f"Vous ne pouvez demander un nouveau permis que {NEW_LICENCE_WAIT_MONTHS} mois après la remise "
            "de votre permis ; ce délai est porté à un an si votre permis avait déjà "
            "été invalidé pour solde nul dans les 5 années précédentes.",
            "Avant de le demander : passer un contrôle médical d'aptitude à la conduite auprès d'un "
            "médecin agréé et des tests psychotechniques, à vos frais.",
            exam,
            "Le nouveau permis est un permis probatoire.",
        ],
    )


def _probation(assessment: Assessment, facts: LicenceFacts) -> ProbationInfo:
    probation = assessment.probation
    if probation.ends_on is None:
        return ProbationInfo(
            kind="definitive",
            title="Votre permis n'est pas probatoire.",
            lines=[f"Le maximum applicable est de {MAXIMUM_POINTS} points."],
        )
    ends = format_date_fr(probation.ends_on)
    invalidated_on = assessment.invalidated_on
    if invalidated_on is not None and invalidated_on < probation.ends_on:
        return ProbationInfo(
            kind="invalidated",
            title=f"Période probatoire interrompue le {format_date_fr(invalidated_on)}.",
            lines=["Votre permis étant invalidé, aucune majoration n'est plus accordée."],
        )
    as_of = assessment.as_of
    if as_of >= probation.ends_on:
        return ProbationInfo(
            kind="ended",
            title=f"Votre période probatoire s'est terminée le {ends}.",
            lines=[f"Le maximum applicable est désormais de {MAXIMUM_POINTS} points."],
        )
    if as_of < facts.issued_on:
        return ProbationInfo(
            kind="not_started",
            title=f"Votre permis probatoire commence le {format_date_fr(facts.issued_on)}.",
        )
    years = "2 ans (apprentissage anticipé de la conduite)" if probation.early_training else "3 ans"
    lines = [f"La période probatoire dure {years}. Votre maximum actuel est de {assessment.maximum} points."]
    if probation.next_increment_on is not None:
        lines.append(
            f"Prochaine majoration : {_signed(probation.next_increment_points)} points le "
            f"{format_date_fr(probation.next_increment_on)}, si vous ne commettez d'ici là aucune infraction "
            "entraînant un retrait de points."
        )
    elif probation.increments_stopped:
        lines.append(
            "Les majorations annuelles sont arrêtées : une infraction entraînant un retrait de points a été "
            f"commise pendant la période probatoire. Le maximum passera à {MAXIMUM_POINTS} points à la fin "
            "de la période probatoire (votre solde, lui, n'augmente pas d'un coup)."
        )
    elif assessment.maximum == MAXIMUM_POINTS:
        lines.append(
            f"Votre maximum est déjà de {MAXIMUM_POINTS} points : aucune majoration n'est plus nécessaire."
        )
    if any(letter.code is LetterCode.PROBATION_STAGE for letter in assessment.letters):
        lines.append(
            "En période probatoire, un retrait de 3 points ou plus oblige à suivre un stage de "
            f"sensibilisation dans les {COMPULSORY_STAGE_MONTHS} mois (lettre 48N)."
        )
    return ProbationInfo(kind="active", title=f"Votre permis est probatoire jusqu'au {ends}.", lines=lines)


def _stage(assessment: Assessment, facts: LicenceFacts) -> StageInfo:
    if assessment.stage_possible_from is None:
        return StageInfo(
            available_now=False,
            points_now=0,
            possible_from="",
            lines=["Votre permis étant invalidé, un stage ne peut plus vous rendre de points."],
        )
    lines: list[str] = []
    compulsory = _compulsory_stage_deadline(assessment, facts)
    if compulsory is not None:
        lines.append(
            "Stage obligatoire : vous avez reçu une lettre 48N. Vous devez suivre un stage de "
            f"sensibilisation dans les {COMPULSORY_STAGE_MONTHS} mois suivant sa réception, soit jusque "
            f"vers le {format_date_fr(compulsory)} selon le jour où vous l'avez reçue."
        )
    possible_from = format_date_fr(assessment.stage_possible_from)
    if assessment.stage_points_now > 0:
        lines.append(
            f"Vous pouvez suivre un stage dès maintenant : il vous rendrait "
            f"{points_fr(assessment.stage_points_now)}, crédités le lendemain de sa fin."
        )
        available = True
    elif assessment.stage_possible_from > assessment.as_of:
        lines.append(
            "Un stage ne rend des points qu'une fois par an : votre dernier stage vous en a rendu il y a "
            f"moins d'un an. Un stage terminé à partir du {possible_from} pourra vous rendre jusqu'à "
            f"{STAGE_POINTS} points."
        )
        available = False
    else:
        lines.append(
            "Votre solde est à son maximum : un stage ne vous rendrait aucun point aujourd'hui. Il "
            f"pourra vous rendre jusqu'à {STAGE_POINTS} points après un retrait."
        )
        available = False
    return StageInfo(
        available_now=available,
        points_now=assessment.stage_points_now,
        possible_from=possible_from,
        lines=lines,
    )


def _compulsory_stage_deadline(assessment: Assessment, facts: LicenceFacts) -> dt.date | None:
    """R9: the end of the 4 months after the last 48N letter, if no stage was finished since."""
    letters_48n = [letter for letter in assessment.letters if letter.code is LetterCode.PROBATION_STAGE]
    if not letters_48n:
        return None
    sent_on = letters_48n[-1].date
    deadline = add_months(sent_on, COMPULSORY_STAGE_MONTHS)
    if deadline < assessment.as_of:
        return None
    stage_since = any(
        isinstance(event, Stage) and sent_on <= event.completed_on <= assessment.as_of
        for event in facts.events
    )
    return None if stage_since else deadline


# --- Chart ---------------------------------------------------------------------------------------

CHART_WIDTH = 1000
CHART_HEIGHT = 100
CHART_PAST_YEARS = 6
CHART_MIN_FUTURE_YEARS = 1
_Y_TOP, _Y_BOTTOM = 5.0, 95.0  # keep the lines off the edges


def balance_chart(assessment: Assessment, facts: LicenceFacts) -> BalanceChart:
    """Step lines of the balance: history up to today (solid), forecast after (dashed, page side)."""
    as_of = assessment.as_of
    start = max(facts.issued_on, add_years(as_of, -CHART_PAST_YEARS))
    if start >= as_of:
        start = as_of - dt.timedelta(days=365)
    last_forecast = assessment.forecast[-1].date if assessment.forecast else as_of
    end = max(add_years(as_of, CHART_MIN_FUTURE_YEARS), add_months(last_forecast, 6))
    span = (end - start).days

    def x(day: dt.date) -> float:
        return round(CHART_WIDTH * (day - start).days / span, 1)

    def y(balance: int) -> float:
        return round(_Y_BOTTOM - (_Y_BOTTOM - _Y_TOP) * balance / MAXIMUM_POINTS, 1)

    start_balance = _balance_before(assessment, facts, start)
    history_path = _steps(
        [(change.date, change.balance_after) for change in assessment.history if change.date >= start],
        start=(x(start), y(start_balance)),
        end_x=x(as_of),
        x=x,
        y=y,
    )
    forecast_path = _steps(
        [(change.date, change.balance_after) for change in assessment.forecast],
        start=(x(as_of), y(assessment.balance)),
        end_x=x(end),
        x=x,
        y=y,
    )
    years = end.year - start.year
    # At most about six year labels; a forecast centuries away (facts not from the feed) still fits.
    step = next((s for s in (1, 2, 5, 10, 20) if years / s <= 6), max(1, -(-years // 6)))
    first_year = start.year + 1 if start > dt.date(start.year, 1, 1) else start.year
    first_year += (-first_year) % step
    x_ticks = [
        Tick(label=str(year), position=round(100 * x(dt.date(year, 1, 1)) / CHART_WIDTH, 1))
        for year in range(first_year, end.year + 1, step)
    ]
    x_ticks = [tick for tick in x_ticks if 4 <= tick.position <= 96]  # labels stay inside the box
    grid_values = (MAXIMUM_POINTS, MAXIMUM_POINTS // 2, 0)
    y_ticks = [
        Tick(label=str(value), position=round(100 * y(value) / CHART_HEIGHT, 1)) for value in grid_values
    ]
    summary = (
        f"Évolution de votre solde du {format_date_fr(start)} au {format_date_fr(end)} : "
        f"{points_label(assessment.balance, assessment.maximum)} le {format_date_fr(as_of)}"
    )
    if assessment.forecast:
        last = assessment.forecast[-1]
        summary += (
            f" ; {len(assessment.forecast)} changement{'s' if len(assessment.forecast) > 1 else ''} "
            f"prévu{'s' if len(assessment.forecast) > 1 else ''}, jusqu'à {points_fr(last.balance_after)} "
            f"le {format_date_fr(last.date)}."
        )
    else:
        summary += " ; aucun changement prévu."
    return BalanceChart(
        history_path=history_path,
        forecast_path=forecast_path,
        today_path=f"M{x(as_of)} 0 V{CHART_HEIGHT}",
        grid_path=" ".join(f"M0 {y(value)} H{CHART_WIDTH}" for value in grid_values),
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        summary=summary,
    )


def _balance_before(assessment: Assessment, facts: LicenceFacts, day: dt.date) -> int:
    balance = None
    for change in assessment.history:
        if change.date >= day:
            break
        balance = change.balance_after
    if balance is not None:
        return balance
    probationary = assessment.probation.ends_on is not None
    return PROBATION_START_POINTS if probationary else MAXIMUM_POINTS  # R1 starting balance


def _steps(points, *, start, end_x, x, y) -> str:  # type: ignore[no-untyped-def]
    """An SVG path that holds each balance until the next change (a step line)."""
    parts = [f"M{start[0]} {start[1]}"]
    for day, balance in points:
        parts.append(f"H{x(day)} V{y(balance)}")
    parts.append(f"H{end_x}")
    return " ".join(parts)
