"""The driver's dashboard: what the points engine answers, ready to show, and the « Et si… » simulator.

Reads the licence and its events (services.licences, one round trip), runs the engine once, and
turns the answer into plain dataclasses of French strings (dates through Babel), so the state holds
only what the page shows. The legal texts come from the domain (domain.situation, points_text); the
chart gets the balance over time as days and points, and draws it itself. Nothing here returns a UI
component; nothing here is written to the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine

from mespoints import routes
from mespoints.domain.offence_scale import OFFENCE_SCALE, ScaleEntry, entry_by_code
from mespoints.domain.points import (
    MAXIMUM_POINTS,
    PROBATION_START_POINTS,
    SIMULATION_EVENT_ID,
    Assessment,
    Change,
    Letter,
    Rule,
    Status,
    add_months,
    add_years,
    assess,
    simulate,
    simulated_offence,
)
from mespoints.domain.points_text import LETTER_MEANINGS_FR, RULE_ANCHORS, format_date_fr, points_fr
from mespoints.domain.records import Infraction, LicenceFacts, Stage
from mespoints.domain.situation import (
    ProbationInfo,
    StageInfo,
    StatusInfo,
    about_infraction,
    because_of,
    credit_label,
    fine_label,
    points_label,
    probation_info,
    rule_label,
    signed,
    stage_info,
    status_info,
)
from mespoints.services.clock import paris_day
from mespoints.services.licences import read_licence

# The « Et si… » simulator accepts days from the licence's issue up to this far after today.
SIMULATION_HORIZON_YEARS = 5


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
    committed_on: str = ""  # a withdrawal's offence day (the relevé intégral shows both dates)


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
class Step:
    """The balance held from day `start` to day `end` (days from the chart's first day)."""

    start: int
    end: int
    balance: int
    previous: int  # the balance just before `start`: the step rises or falls from it
    since: str = ""  # the day `start` in French, for the chart's table of data (its text alternative)


@dataclass(frozen=True)
class YearMark:
    label: str
    day: int  # 1 January of that year, in days from the chart's first day


@dataclass(frozen=True)
class BalanceSeries:
    """The balance over time, for the chart: history up to today, forecast after."""

    days: int  # from the chart's first day to its last
    today: int
    history: list[Step]
    forecast: list[Step]
    years: list[YearMark]
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
    chart: BalanceSeries
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
    licence = read_licence(engine, licence_number)
    if licence is None:
        return None
    facts = licence.facts
    assessment = assess(facts, as_of)
    return DashboardData(
        licence_number=licence.licence_number,
        first_names=licence.first_names,
        as_of=as_of.isoformat(),
        as_of_label=format_date_fr(as_of),
        balance=assessment.balance,
        maximum=assessment.maximum,
        gauge_label=points_label(assessment.balance, assessment.maximum),
        gauge_percent=round(100 * assessment.balance / assessment.maximum) if assessment.maximum else 0,
        updated_label=format_date_fr(paris_day(licence.updated_at)),
        status=status_info(assessment, facts),
        probation=probation_info(assessment, facts),
        history=history_rows(assessment, facts),
        forecast=forecast_rows(assessment, facts),
        letters=letter_rows(assessment, facts),
        stage=stage_info(assessment, facts),
        chart=balance_series(assessment, facts),
        issued_on=facts.issued_on.isoformat(),
        simulation_until=add_years(as_of, SIMULATION_HORIZON_YEARS).isoformat(),
    )


def offence_choices() -> list[tuple[str, str]]:
    """(code, French label with its points) for each offence of the official scale."""
    return [(entry.code, f"{entry.label} ({points_fr(entry.points)})") for entry in OFFENCE_SCALE]


def simulate_offence(
    *, engine: Engine, licence_number: str, as_of: dt.date, offence_code: str, day: str
) -> SimulationOutcome | None:
    """« Et si… »: the balance, letters and forecast if that offence took effect on that day.

    Nothing is saved. `day` is the date field's text (YYYY-MM-DD). None for an unknown licence.
    """
    licence = read_licence(engine, licence_number)
    if licence is None:
        return None
    facts = licence.facts
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


def rule_href(rule: str) -> str:
    """Where the public page « Comprendre le calcul de vos points » explains the rule."""
    return f"{routes.UNDERSTANDING}#{RULE_ANCHORS[rule]}"


def _events_by_id(facts: LicenceFacts) -> dict[str, Infraction | Stage]:
    return {event.id: event for event in facts.events}


def history_rows(assessment: Assessment, facts: LicenceFacts) -> list[HistoryRow]:
    """Every change of the balance up to the assessment's day, newest first."""
    events = _events_by_id(facts)
    return [_history_row(change, events) for change in reversed(assessment.history)]


def forecast_rows(assessment: Assessment, facts: LicenceFacts) -> list[ForecastRow]:
    """Every change the calendar foresees, soonest first."""
    events = _events_by_id(facts)
    return [_forecast_row(change, events) for change in assessment.forecast]


def letter_rows(assessment: Assessment, facts: LicenceFacts) -> list[LetterRow]:
    """Every letter sent up to the assessment's day, newest first."""
    events = _events_by_id(facts)
    return [_letter_row(letter, events) for letter in reversed(assessment.letters)]


def _history_row(change: Change, events: dict[str, Infraction | Stage]) -> HistoryRow:
    event = events.get(change.event_id or "")
    label, place, detail, committed_on = rule_label(change.rule), "", "", ""
    if isinstance(event, Infraction) and change.rule is Rule.WITHDRAWAL:
        label = event.label or rule_label(Rule.WITHDRAWAL)
        place = event.place
        detail = (
            f"Infraction commise le {format_date_fr(event.committed_at.date())} ; points retirés le "
            f"{format_date_fr(change.date)} (date de réalité)."
        )
        committed_on = format_date_fr(event.committed_at.date())
    elif isinstance(event, Stage):
        place = event.place
        detail = f"Stage terminé le {format_date_fr(event.completed_on)} ; points crédités le lendemain."
    elif isinstance(event, Infraction):
        label = credit_label(change, event)
        detail = because_of(change, event)
    return HistoryRow(
        date=format_date_fr(change.date),
        date_iso=change.date.isoformat(),
        rule=change.rule,
        label=label,
        place=place,
        detail=detail,
        points=signed(change.points),
        balance_after=str(change.balance_after),
        rule_label=rule_label(change.rule),
        rule_href=rule_href(change.rule),
        committed_on=committed_on,
    )


def _forecast_row(change: Change, events: dict[str, Infraction | Stage]) -> ForecastRow:
    event = events.get(change.event_id or "")
    label = credit_label(change, event)
    detail = ""
    if isinstance(event, Infraction):
        detail = because_of(change, event)
    elif isinstance(event, Stage):
        detail = f"Stage terminé le {format_date_fr(event.completed_on)}."
    return ForecastRow(
        date=format_date_fr(change.date),
        date_iso=change.date.isoformat(),
        rule=change.rule,
        label=label,
        detail=detail,
        points=signed(change.points),
        balance_after=str(change.balance_after),
        rule_label=rule_label(change.rule),
        rule_href=rule_href(change.rule),
    )


def _letter_row(letter: Letter, events: dict[str, Infraction | Stage]) -> LetterRow:
    event = events.get(letter.event_id or "")
    detail = ""
    if isinstance(event, Infraction):
        detail = (
            "Infraction simulée."
            if event.id == SIMULATION_EVENT_ID
            else f"Au sujet de : {about_infraction(event)}"
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


# --- Chart ---------------------------------------------------------------------------------------
# The balance over time as data (days and points); its drawing, scales included, is the chart
# component's (mespoints.components.balance_chart).

CHART_PAST_YEARS = 6
CHART_MIN_FUTURE_YEARS = 1


def balance_series(assessment: Assessment, facts: LicenceFacts) -> BalanceSeries:
    """The balance held day after day: history up to today, forecast after, and year marks."""
    as_of = assessment.as_of
    start = max(facts.issued_on, add_years(as_of, -CHART_PAST_YEARS))
    if start >= as_of:
        start = as_of - dt.timedelta(days=365)
    last_forecast = assessment.forecast[-1].date if assessment.forecast else as_of
    end = max(add_years(as_of, CHART_MIN_FUTURE_YEARS), add_months(last_forecast, 6))

    def day(date: dt.date) -> int:
        return (date - start).days

    def since(days: int) -> str:
        return format_date_fr(start + dt.timedelta(days=days))

    history = _steps(
        [change for change in assessment.history if change.date >= start],
        first=(0, _balance_before(assessment, start)),
        last=day(as_of),
        day=day,
        since=since,
    )
    forecast = _steps(
        list(assessment.forecast),
        first=(day(as_of), assessment.balance),
        last=day(end),
        day=day,
        since=since,
    )
    years = end.year - start.year
    # At most about six year marks; a forecast centuries away (facts not from the feed) still fits.
    every = next((s for s in (1, 2, 5, 10, 20) if years / s <= 6), max(1, -(-years // 6)))
    first_year = start.year + 1 if start > dt.date(start.year, 1, 1) else start.year
    first_year += (-first_year) % every
    marks = [
        YearMark(label=str(year), day=day(dt.date(year, 1, 1)))
        for year in range(first_year, end.year + 1, every)
    ]
    summary = (
        f"Évolution de votre solde du {format_date_fr(start)} au {format_date_fr(end)} : "
        f"{points_label(assessment.balance, assessment.maximum)} le {format_date_fr(as_of)}"
    )
    if assessment.forecast:
        last = assessment.forecast[-1]
        count = len(assessment.forecast)
        summary += (
            f" ; {count} changement{'s' if count > 1 else ''} prévu{'s' if count > 1 else ''}, "
            f"jusqu'à {points_fr(last.balance_after)} le {format_date_fr(last.date)}."
        )
    else:
        summary += " ; aucun changement prévu."
    return BalanceSeries(
        days=day(end), today=day(as_of), history=history, forecast=forecast, years=marks, summary=summary
    )


def _balance_before(assessment: Assessment, day: dt.date) -> int:
    balance = None
    for change in assessment.history:
        if change.date >= day:
            break
        balance = change.balance_after
    if balance is not None:
        return balance
    probationary = assessment.probation.ends_on is not None
    return PROBATION_START_POINTS if probationary else MAXIMUM_POINTS  # R1 starting balance


def _steps(changes: list[Change], *, first: tuple[int, int], last: int, day, since) -> list[Step]:  # type: ignore[no-untyped-def]
    """Each balance held from one change to the next, the first from `first`, the last up to `last`."""
    steps: list[Step] = []
    start, balance = first
    previous = balance
    for change in changes:
        steps.append(
            Step(start=start, end=day(change.date), balance=balance, previous=previous, since=since(start))
        )
        start, previous, balance = day(change.date), balance, change.balance_after
    steps.append(Step(start=start, end=last, balance=balance, previous=previous, since=since(start)))
    return steps
