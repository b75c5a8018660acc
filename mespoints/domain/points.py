"""The points engine: the balance of a licence on a day, its history, forecast and letters.

Pure and exact to docs/points-rules.md (R1…R10): the same facts and day always give the same
answer; nothing here reads the clock, the database or the network.

How it works: `_timeline` replays the whole life of the licence once, day by day, from its issue
until nothing is pending any more (every known event applied, every restoration due done). That
timeline does not depend on `as_of`; `assess` only cuts it at `as_of` into history (changes on or
before `as_of`) and forecast (changes after). So the forecast made on one day is exactly the history
seen on a later day when no event is added. Replaying costs O(n log n) in the number of events.

Interpretation choices (where docs/points-rules.md leaves room; keep them in step with the tests):

- R1: `probationary` from the national file overrides the issue-date rule both ways. Before its
  issue date a licence is reported with its starting balance and maximum. An infraction taking
  effect or a stage finished before the issue date is ignored: there was no licence to withdraw
  points from or credit (the national file's feed rejects them).
- R2: an infraction blocks an anniversary's increment when it was committed on or after the issue
  date and on a day strictly before that anniversary (increments come first in a day, R10). It is
  judged on `committed_at`, even if it takes effect later. The increment of the last anniversary
  falls on the day probation ends: it is granted first, then the maximum becomes 12.
- R2 with R6: a full restoration during probation ends the cap (maximum 12 from then on) but not
  the probation period itself: letters 48N are still sent until `ends_on`.
- R3: "withdrew" always means the points actually taken off: limited by the balance (never below 0)
  and by the 8-point cap shared by every infraction with the same `committed_at`, even when they take
  effect on different days. An infraction that takes off nothing (cap reached) still "takes effect"
  for R5 and R6 but makes no change and sends no letter. The « Et si… » simulator's offence is never
  capped together with a recorded one: it is a different offence, whatever its time (`simulate`).
- R4: the withdrawal that reaches 0 is a `withdrawal` change, followed on the same day by an
  `invalidation` change of 0 points (balance_after 0) carrying the same event id. After it the
  timeline stops: no credit, no withdrawal, no letter. The applicable maximum still becomes 12 at
  the end of probation; `probation.active` is false once invalidated.
- R5: "in between" is the half-open interval [effective_on, effective_on + 6 months): another
  infraction taking effect the same day blocks the restoration (of both), one taking effect on the
  restoration day does not (R10). Months and years are calendar ones; a day that does not exist in
  the target month is moved back to that month's last day (31 Aug + 6 months = 28/29 Feb).
- R6: the period (2 or 3 years) is fixed when the last infraction takes effect, from the classes of
  the infractions that took effect since the balance was last equal to the applicable maximum
  (that infraction included). The change is made only when the balance is below 12; its event id
  is the last infraction's.
- R7 with R6 and R5: every point an infraction withdrew stays owed until given back by R5 (the one
  point) or by a full restoration on a later day; R7 then gives back what is still owed on the tenth
  anniversary, within the applicable maximum. Stages do not settle any infraction's debt.
- R8: a stage "credited points" only when it added at least one point; a stage that added nothing
  (balance at the maximum) does not start a new year. A stage is ready to be taken on `as_of` when
  it would credit points if finished that day.
- R9: every withdrawal sends 48; on top of it 48N (probation, 3 points or more withdrawn) or 48M
  (outside probation, 6 points or fewer left); the withdrawal that invalidates sends 48 then 48SI and
  neither 48N nor 48M. 46 follows each restoration by time that added points (R5, R6, R7), 47 each
  stage that did; probation increments send no letter.
- R10: within a day: increments (R2), then six-month (R5), full (R6) and ten-year (R7) restorations,
  then withdrawals in `committed_at` then id order, then stages in id order. Same-day events of the
  same kind are ordered by id, so the input order never matters.

The engine answers for any `LicenceFacts` and any day without raising. Dates are Python dates, and
`dt.date.max` (9999-12-31) is the engine's "never": a day computed past it (a restoration ten years
after an offence of 9995, a stage finished on 9999-12-31) is `dt.date.max` and never comes, nor does
anything due on that very day. The national file only accepts dates from 1900 to 2100
(mespoints.domain.feed), so this only guards against facts that did not come through it.
"""

from __future__ import annotations

import datetime as dt
import heapq
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from mespoints.domain.records import Infraction, LicenceFacts, Stage

if TYPE_CHECKING:
    from mespoints.domain.offence_scale import ScaleEntry

# R223-1: the one source of truth for the maximum of a definitive licence.
MAXIMUM_POINTS = 12
PROBATION_START_POINTS = 6  # R1
PROBATIONARY_FROM = dt.date(2004, 3, 1)  # R1
PROBATION_YEARS = 3  # R1
PROBATION_YEARS_EARLY_TRAINING = 2  # R1, AAC
PROBATION_INCREMENT = 2  # R2
PROBATION_INCREMENT_EARLY_TRAINING = 3  # R2, AAC
SIMULTANEOUS_CAP = 8  # R3, L223-2
INVALIDATION_BALANCE = 0  # R4
SIX_MONTH_RULE_MONTHS = 6  # R5
FULL_RESTORATION_YEARS = 2  # R6
FULL_RESTORATION_YEARS_SERIOUS = 3  # R6
TEN_YEAR_RULE_YEARS = 10  # R7
STAGE_POINTS = 4  # R8
STAGE_INTERVAL_YEARS = 1  # R8
LETTER_48M_THRESHOLD = 6  # R9
LETTER_48N_THRESHOLD = 3  # R9

SERIOUS_CLASSES = frozenset({"C4", "C5", "DELIT"})  # R6: three years
TEN_YEAR_CLASSES = frozenset({"C1", "C2", "C3", "C4"})  # R7

RULES: tuple[str, ...] = (
    "withdrawal",
    "six_month",
    "full_restoration",
    "ten_year",
    "stage",
    "probation_increment",
    "invalidation",
)
LETTER_CODES: tuple[str, ...] = ("48", "48N", "48M", "48SI", "46", "47")
SIMULATION_EVENT_ID = "SIMULATION"

_ONE_DAY = dt.timedelta(days=1)
# R3: the cap group of the simulator's offence, which no recorded offence shares.
_SIMULATED_GROUP = object()

# Order of the kinds of credit due on one day (R10: R2, R5, R6, R7).
_SIX_MONTH, _FULL, _TEN_YEAR = 0, 1, 2


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later, or the last day of a shorter month.

    Past the ends of the calendar: `dt.date.max` (the engine's "never") or `dt.date.min`.
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if year > dt.MAXYEAR:
        return dt.date.max
    if year < dt.MINYEAR:
        return dt.date.min
    month += 1
    for last in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def add_years(day: dt.date, years: int) -> dt.date:
    """The anniversary `years` years later; 29 February falls back to 28 February.

    Past the ends of the calendar: `dt.date.max` (the engine's "never") or `dt.date.min`.
    """
    if day.year + years > dt.MAXYEAR:
        return dt.date.max
    if day.year + years < dt.MINYEAR:
        return dt.date.min
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True, slots=True)
class Change:
    """One change of the balance."""

    date: dt.date
    points: int  # signed
    balance_after: int
    rule: str  # one of RULES
    event_id: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "points": self.points,
            "balance_after": self.balance_after,
            "rule": self.rule,
            "event_id": self.event_id,
        }


@dataclass(frozen=True, slots=True)
class Letter:
    """A letter the administration sends (R9)."""

    date: dt.date
    code: str  # one of LETTER_CODES
    event_id: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "code": self.code, "event_id": self.event_id}


@dataclass(frozen=True, slots=True)
class Probation:
    """The probation status on the day assessed (R1, R2)."""

    active: bool
    starts_on: dt.date | None  # the issue date; None for a definitive licence
    ends_on: dt.date | None  # None for a definitive licence
    early_training: bool
    next_increment_on: dt.date | None
    next_increment_points: int
    increments_stopped: bool  # frozen by an infraction (R2)


@dataclass(frozen=True, slots=True)
class Assessment:
    """What the engine answers for a licence on a day."""

    as_of: dt.date
    balance: int
    maximum: int
    status: str  # "valid" | "invalidated"
    invalidated_on: dt.date | None
    probation: Probation
    history: tuple[Change, ...]
    forecast: tuple[Change, ...]
    letters: tuple[Letter, ...]
    stage_points_now: int  # R8: what a stage finished on as_of would credit
    stage_possible_from: dt.date | None  # R8: first day from as_of a stage can credit; None if invalidated

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, in the shape of interfaces.md section 3 (the CLI adds licence_number)."""
        return {
            "as_of": self.as_of.isoformat(),
            "balance": self.balance,
            "maximum": self.maximum,
            "status": self.status,
            "probation": {
                "active": self.probation.active,
                "ends_on": self.probation.ends_on.isoformat() if self.probation.ends_on else None,
            },
            "history": [change.to_dict() for change in self.history],
            "forecast": [change.to_dict() for change in self.forecast],
            "letters": [letter.to_dict() for letter in self.letters],
        }


@dataclass(frozen=True, slots=True)
class _Timeline:
    """The whole life of a licence, independent of the day assessed."""

    issued_on: dt.date
    probationary: bool
    early_training: bool
    ends_on: dt.date | None
    changes: tuple[Change, ...]
    change_dates: tuple[dt.date, ...]
    letters: tuple[Letter, ...]
    letter_dates: tuple[dt.date, ...]
    # (day, applicable maximum from that day), in date order; the first is the issue date.
    maxima: tuple[tuple[dt.date, int], ...]
    invalidated_on: dt.date | None
    first_blocking_committed: dt.date | None  # R2: first infraction committed in probation
    credited_stages: tuple[dt.date, ...]  # R8: completion days of stages that credited points


def is_probationary(facts: LicenceFacts) -> bool:
    """R1: the national file's override, otherwise the issue date decides."""
    if facts.probationary is not None:
        return facts.probationary
    return facts.issued_on >= PROBATIONARY_FROM


def probation_end(facts: LicenceFacts) -> dt.date | None:
    """R1: three years after issue, two with early training; None for a definitive licence."""
    if not is_probationary(facts):
        return None
    years = PROBATION_YEARS_EARLY_TRAINING if facts.early_training else PROBATION_YEARS
    return add_years(facts.issued_on, years)


def _timeline(facts: LicenceFacts, simulated: Infraction | None = None) -> _Timeline:
    """The whole life of the licence; `simulated`, among facts.events, is capped alone (R3)."""
    issued_on = facts.issued_on
    probationary = is_probationary(facts)
    ends_on = probation_end(facts)
    # R1: nothing happens to a licence before it exists.
    infractions = sorted(
        (
            event
            for event in facts.events
            if isinstance(event, Infraction) and event.effective_on >= issued_on
        ),
        key=lambda i: (i.effective_on, i.committed_at, i.id),
    )
    stages = sorted(
        (event for event in facts.events if isinstance(event, Stage) and event.completed_on >= issued_on),
        key=lambda s: (s.completed_on, s.id),
    )
    effective_days = [i.effective_on for i in infractions]
    stage_days = [_stage_credit_day(s.completed_on) for s in stages]

    # R2: anniversaries within probation and the increment they bring.
    increments: list[dt.date] = []
    increment_points = 0
    first_blocking: dt.date | None = None
    if probationary:
        years = PROBATION_YEARS_EARLY_TRAINING if facts.early_training else PROBATION_YEARS
        increments = [add_years(issued_on, year) for year in range(1, years + 1)]
        increment_points = PROBATION_INCREMENT_EARLY_TRAINING if facts.early_training else PROBATION_INCREMENT
        committed_days = [i.committed_at.date() for i in infractions if i.committed_at.date() >= issued_on]
        first_blocking = min(committed_days) if committed_days else None

    maximum = PROBATION_START_POINTS if probationary else MAXIMUM_POINTS  # R1
    balance = maximum
    maxima: list[tuple[dt.date, int]] = [(issued_on, maximum)]
    in_probation = probationary  # R9: 48N while the probation period runs
    cap_lifted = not probationary  # R2/R6: the applicable maximum is 12
    end_pending = probationary

    changes: list[Change] = []
    letters: list[Letter] = []
    credited_stages: list[dt.date] = []
    invalidated_on: dt.date | None = None

    withdrawn = [0] * len(infractions)  # R7: points still owed by each infraction
    group_withdrawn: dict[object, int] = {}  # R3: per committed_at
    serious_since_maximum = False  # R6
    settled_prefix = 0  # R6/R7: infractions[:settled_prefix] were fully restored
    last_effective: int | None = None  # index of the last infraction that took effect
    full_token = 0  # R6: only the latest scheduled full restoration counts
    pending: list[tuple[dt.date, int, int, int]] = []  # (day, kind, tie-break, payload)
    sequence = 0
    next_infraction = 0
    next_stage = 0
    next_increment = 0

    def credit(day: dt.date, points: int, rule: str, event_id: str | None, letter: str | None) -> None:
        nonlocal balance, serious_since_maximum
        points = min(points, maximum - balance)  # R7: never above the applicable maximum
        if points <= 0:
            return
        balance += points
        changes.append(Change(day, points, balance, rule, event_id))
        if letter:
            letters.append(Letter(day, letter, event_id))
        if balance == maximum:
            serious_since_maximum = False

    never = dt.date.max
    next_increment_day = increments[0] if increments else never
    end_day = ends_on if ends_on is not None else never
    effective_days.append(never)  # sentinels: no bounds checks in the loop
    stage_days.append(never)
    while True:
        day = min(
            effective_days[next_infraction],
            stage_days[next_stage],
            pending[0][0] if pending else never,
            next_increment_day,
            end_day if end_pending else never,
        )
        if day == never:
            break

        # R10 (1): R2 increments, then the end of probation.
        while next_increment_day == day:
            next_increment += 1
            next_increment_day = increments[next_increment] if next_increment < len(increments) else never
            if cap_lifted or (first_blocking is not None and first_blocking < day):
                continue  # R2: an infraction committed in probation stops increments
            maximum += increment_points
            maxima.append((day, maximum))
            balance += increment_points
            changes.append(Change(day, increment_points, balance, "probation_increment", None))
        if end_pending and ends_on == day:
            end_pending = False
            in_probation = False
            if not cap_lifted:
                cap_lifted = True  # R2: the maximum becomes 12, the balance does not jump
                maximum = MAXIMUM_POINTS
                maxima.append((day, maximum))
                if balance == maximum:
                    serious_since_maximum = False

        # R10 (1): restorations due today, R5 then R6 then R7.
        while pending and pending[0][0] == day:
            _, kind, _, payload = heapq.heappop(pending)
            if kind == _SIX_MONTH:
                # R5: no other infraction took effect in [effective_on, today).
                infraction = infractions[payload]
                since = bisect_left(effective_days, infraction.effective_on)
                alone = bisect_left(effective_days, day) - since == 1
                if withdrawn[payload] == 1 and payload >= settled_prefix and alone:
                    withdrawn[payload] = 0
                    credit(day, 1, "six_month", infraction.id, "46")
            elif kind == _FULL:
                if payload != full_token:
                    continue  # superseded by a later infraction
                assert last_effective is not None
                settled_prefix = next_infraction  # R6/R7: every earlier withdrawal is given back
                if not cap_lifted:
                    cap_lifted = True  # R6: any probation cap ends
                    maximum = MAXIMUM_POINTS
                    maxima.append((day, maximum))
                last_id = infractions[last_effective].id
                credit(day, MAXIMUM_POINTS - balance, "full_restoration", last_id, "46")
                serious_since_maximum = False
            else:
                # R7: what a class 1-4 contravention still owes, ten years on.
                owed = withdrawn[payload]
                if owed and payload >= settled_prefix:
                    withdrawn[payload] = 0
                    credit(day, owed, "ten_year", infractions[payload].id, "46")

        # R10 (2): withdrawals (R3, R4), in committed_at then id order.
        withdrew_today = False
        first_today = next_infraction
        while effective_days[next_infraction] == day:
            next_infraction += 1
        # Already in committed_at then id order: the list is sorted that way within a day.
        for index in range(first_today, next_infraction):
            infraction = infractions[index]
            withdrew_today = True
            last_effective = index
            group = _SIMULATED_GROUP if infraction is simulated else infraction.committed_at
            already = group_withdrawn.get(group, 0)
            points = max(0, min(infraction.points, balance, SIMULTANEOUS_CAP - already))  # R3
            group_withdrawn[group] = already + points
            if infraction.offence_class in SERIOUS_CLASSES:
                serious_since_maximum = True  # R6
            if points == 0:
                continue
            balance -= points
            withdrawn[index] = points
            changes.append(Change(day, -points, balance, "withdrawal", infraction.id))
            letters.append(Letter(day, "48", infraction.id))  # R9
            if balance == INVALIDATION_BALANCE:
                # R4: invalidated today; nothing happens afterwards.
                invalidated_on = day
                changes.append(Change(day, 0, balance, "invalidation", infraction.id))
                letters.append(Letter(day, "48SI", infraction.id))
                break
            if in_probation and points >= LETTER_48N_THRESHOLD:
                letters.append(Letter(day, "48N", infraction.id))  # R9
            elif not in_probation and balance <= LETTER_48M_THRESHOLD:
                letters.append(Letter(day, "48M", infraction.id))  # R9
            if points == 1:
                sequence += 1
                heapq.heappush(pending, (add_months(day, SIX_MONTH_RULE_MONTHS), _SIX_MONTH, sequence, index))
            if infraction.offence_class in TEN_YEAR_CLASSES:
                sequence += 1
                heapq.heappush(pending, (add_years(day, TEN_YEAR_RULE_YEARS), _TEN_YEAR, sequence, index))
        if invalidated_on is not None:
            break
        if withdrew_today:
            # R6: two years after the last infraction, three if a serious one took effect since
            # the balance was last at its maximum.
            years = FULL_RESTORATION_YEARS_SERIOUS if serious_since_maximum else FULL_RESTORATION_YEARS
            full_token += 1
            sequence += 1
            heapq.heappush(pending, (add_years(day, years), _FULL, sequence, full_token))

        # R10 (3): stages finished yesterday (R8).
        while stage_days[next_stage] == day:
            stage = stages[next_stage]
            next_stage += 1
            if credited_stages and stage.completed_on < add_years(credited_stages[-1], STAGE_INTERVAL_YEARS):
                continue  # R8: at most one stage a year
            if balance < maximum:
                credited_stages.append(stage.completed_on)
                credit(day, STAGE_POINTS, "stage", stage.id, "47")

    if invalidated_on is not None and end_pending and not cap_lifted:
        assert ends_on is not None
        maxima.append((ends_on, MAXIMUM_POINTS))  # the period still ends (R2)

    return _Timeline(
        issued_on=issued_on,
        probationary=probationary,
        early_training=facts.early_training,
        ends_on=ends_on,
        changes=tuple(changes),
        change_dates=tuple(change.date for change in changes),
        letters=tuple(letters),
        letter_dates=tuple(letter.date for letter in letters),
        maxima=tuple(maxima),
        invalidated_on=invalidated_on,
        first_blocking_committed=first_blocking,
        credited_stages=tuple(credited_stages),
    )


def _stage_credit_day(day: dt.date) -> dt.date:
    """R8: a stage credits the day after it is finished (never, after the calendar's last day)."""
    return day + _ONE_DAY if day < dt.date.max else dt.date.max


def assess(facts: LicenceFacts, as_of: dt.date) -> Assessment:
    """The balance, maximum, status, probation, history, forecast and letters on `as_of`."""
    return _assessment(_timeline(facts), as_of)


def _assessment(timeline: _Timeline, as_of: dt.date) -> Assessment:
    """The timeline cut at `as_of`: history up to that day, forecast after it."""
    cut = bisect_right(timeline.change_dates, as_of)
    history = timeline.changes[:cut]
    forecast = timeline.changes[cut:]
    start = PROBATION_START_POINTS if timeline.probationary else MAXIMUM_POINTS
    balance = history[-1].balance_after if history else start
    maximum = start
    for day, value in timeline.maxima:
        if day > as_of:
            break
        maximum = value
    letters = timeline.letters[: bisect_right(timeline.letter_dates, as_of)]
    invalidated = timeline.invalidated_on is not None and timeline.invalidated_on <= as_of
    probation = _probation(timeline, as_of, forecast, invalidated)

    # R8: a stage finished today credits tomorrow, if a year has passed since the last one that did.
    stage_points_now = 0
    stage_possible_from: dt.date | None = None
    if not invalidated:
        earlier = [day for day in timeline.credited_stages if day <= as_of]
        stage_possible_from = as_of
        if earlier:
            stage_possible_from = max(as_of, add_years(earlier[-1], STAGE_INTERVAL_YEARS))
        if stage_possible_from == as_of:
            stage_points_now = max(0, min(STAGE_POINTS, maximum - balance))

    return Assessment(
        as_of=as_of,
        balance=balance,
        maximum=maximum,
        status="invalidated" if invalidated else "valid",
        invalidated_on=timeline.invalidated_on if invalidated else None,
        probation=probation,
        history=history,
        forecast=forecast,
        letters=letters,
        stage_points_now=stage_points_now,
        stage_possible_from=stage_possible_from,
    )


def _probation(
    timeline: _Timeline, as_of: dt.date, forecast: tuple[Change, ...], invalidated: bool
) -> Probation:
    if not timeline.probationary or timeline.ends_on is None:
        return Probation(
            active=False,
            starts_on=None,
            ends_on=None,
            early_training=timeline.early_training,
            next_increment_on=None,
            next_increment_points=0,
            increments_stopped=False,
        )
    next_increment = next((c for c in forecast if c.rule == "probation_increment"), None)
    first = timeline.first_blocking_committed
    return Probation(
        active=timeline.issued_on <= as_of < timeline.ends_on and not invalidated,
        starts_on=timeline.issued_on,
        ends_on=timeline.ends_on,
        early_training=timeline.early_training,
        next_increment_on=next_increment.date if next_increment else None,
        next_increment_points=next_increment.points if next_increment else 0,
        increments_stopped=first is not None and first <= as_of and first < timeline.ends_on,  # R2
    )


def simulated_offence(offence: ScaleEntry, committed_on: dt.date) -> Infraction:
    """The hypothetical infraction of the « Et si… » simulator: `offence`, taking effect the day it is
    committed, with the event id SIMULATION.

    Committed at the day's last instant (23:59:59.999999), so that among the withdrawals of that day
    it comes after every recorded offence committed that day (R10). That time may still be a
    recorded offence's too: `simulate` keeps it out of their 8-point cap anyway (R3).
    """
    return Infraction(
        id=SIMULATION_EVENT_ID,
        committed_at=dt.datetime.combine(committed_on, dt.time.max),
        effective_on=committed_on,
        offence_class=offence.offence_class,
        points=offence.points,
        label=offence.label,
    )


def simulate(
    facts: LicenceFacts, as_of: dt.date, *, offence: ScaleEntry, committed_on: dt.date
) -> Assessment:
    """« Et si… »: assess as if `offence` were committed on `committed_on` and took effect that day.

    Nothing is saved; the hypothetical infraction is `simulated_offence(offence, committed_on)`. It is
    a different offence from every recorded one, so never capped together with one (R3), even one
    committed at the same moment.
    """
    hypothetical = simulated_offence(offence, committed_on)
    timeline = _timeline(replace(facts, events=(*facts.events, hypothetical)), simulated=hypothetical)
    return _assessment(timeline, as_of)
