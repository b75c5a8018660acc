"""The points engine: the balance of a licence on a day, its history, forecast and letters.

Pure and exact to docs/law.md (R1…R10, « What the file knows on a day », the interpretation
notes): the same facts and day always give the same answer; nothing here reads the clock, the
database or the network.

How it works. The engine answers as the national file stood on `as_of`: an infraction exists for
it only from its effective date, so `assess` first forgets every infraction taking effect after
`as_of` (the forecast therefore never holds a withdrawal). It then replays the life of the licence
once, day by day, from its issue until nothing is pending any more: `_Life.live` applies one day in
the order of R10, one step per rule family (`_grant_increments`, `_end_probation`,
`_restore_six_month`, `_restore_fully`, `_restore_ten_year`, `_withdraw`, `_credit_stages`).
Changes on or before `as_of` are the history, later ones the forecast.

R5, R6 and R2 are judged by the day an infraction was committed, and the replay knows an
infraction only from its effective day E. When one becomes known on E and was committed inside
the window of a restoration or increment already granted, the file corrects itself on E
(`_correct`): the timeline is recomputed from every infraction known on E (`_Life(..., knowing_on=E)`
replayed up to the day before E), and one `restoration_cancelled` row carries the difference.
Rows dated before E never change. A replay costs O(n log n) in the number of events, plus one
more replay for each such correction (rare: it needs an offence committed before a restoration
that takes effect after it).

Interpretation choices (docs/law.md, « Decided cases »; keep them in step with the tests):

- R1: `probationary` from the national file overrides the issue-date rule both ways. Before its
  issue date a licence is reported with its starting balance and maximum. An infraction taking
  effect or a stage finished before the issue date is ignored (the feed rejects them), and so is
  an infraction that carries no points (never in the feed; the simulator's 0-point offences).
- R2: an increment is blocked by an infraction committed on or after the issue date and on a day
  strictly before the anniversary (increments come first in a day, R10). The increment of the
  last anniversary falls on the day probation ends: it is granted first, then the maximum
  becomes 12. A full restoration during probation ends the cap (maximum 12 from then on) but not
  the probation period itself: letters 48N are still sent until `ends_on`.
- R3: "withdrew" always means the points actually taken off: limited by the balance and by the
  8-point cap shared by every infraction with the same `committed_at`, even when they take effect
  on different days. An infraction that takes off nothing still takes effect for R5 and R6 but
  makes no change and sends no letter. The simulator's offence is never capped together with a
  recorded one (`simulate`).
- R4: the withdrawal that reaches 0 is a `withdrawal` change followed on the same day by an
  `invalidation` change of 0 points carrying the same event id. After it the timeline stops. The
  applicable maximum still becomes 12 at the end of probation; `probation.active` is false once
  invalidated.
- R5: the window is [effective_on, restoration day), judged on the day each infraction was
  committed: another infraction committed on the effective day blocks it, one committed on the
  restoration day does not. Months and years are calendar ones; a day that does not exist in the
  target month is moved back to that month's last day (31 Aug + 6 months = 28/29 Feb).
- R6: the period (2 or 3 years) is fixed on the last effective date L. The infractions that took
  effect on L (committed that day or earlier) start the period; only an infraction that takes
  effect later and was committed in [L, anniversary) blocks it. The change is made only when the
  balance is below 12; its event id is the infraction of L that withdrew the most (the later in
  R10 order on a tie).
- R7: every point an infraction withdrew stays owed until given back by R5 (the one point) or by
  a full restoration on a later day; R7 then gives back what is still owed on the tenth
  anniversary, within the applicable maximum. Stages do not settle any infraction's debt.
- R8: a stage "credited points" only when it added at least one point; a stage that added
  nothing does not start a new year. A stage is ready to be taken on `as_of` when it would credit
  points if finished that day: what it would credit is asked of the replay on `as_of` + 1, after
  that day's restorations, increments, end of probation and recorded stages (R10), never read off
  the balance of `as_of` (a full restoration or the end of probation may fall on `as_of` + 1).
- R9: every withdrawal sends 48; on top of it 48N (probation, 3 points or more withdrawn) or 48M
  (outside probation, 6 points or fewer left); the withdrawal that invalidates sends 48 then 48SI
  and neither 48N nor 48M. 46 follows each restoration by time that added points (R5, R6, R7),
  47 each stage that did; probation increments and corrections send no letter, an invalidation
  by a correction sends 48SI.
- R10: within a day: increments (R2), then six-month (R5), full (R6) and ten-year (R7)
  restorations, then a correction, then withdrawals in `committed_at` then id order, then stages
  in id order. Same-day events of the same kind are ordered by id, so the input order never
  matters.
- Correction on E: the restorations and increments due on E are those of the recomputed
  timeline, each applied to the balance the history shows, within the recomputed applicable
  maximum (a full restoration sets 12); one that adds nothing there has no row. The correction
  row (and a 48SI it brings) names X: the first infraction, in R10 order, of those taking effect
  on E that was committed inside a window already granted, not merely the first of the day.

The engine answers for any `LicenceFacts` and any day without raising. `dt.date.max` (9999-12-31)
is the engine's "never": a day computed past it is `dt.date.max` and never comes, nor does
anything due on that very day. The national file only accepts dates from 1900 to 2100
(mespoints.domain.feed), so this only guards against facts that did not come through it.
"""

from __future__ import annotations

import datetime as dt
import heapq
from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass, replace
from enum import StrEnum
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


class Rule(StrEnum):
    """Why the balance changed: the rule names of docs/law.md, also the JSON values of the CLI."""

    WITHDRAWAL = "withdrawal"  # R3
    SIX_MONTH = "six_month"  # R5
    FULL_RESTORATION = "full_restoration"  # R6
    TEN_YEAR = "ten_year"  # R7
    STAGE = "stage"  # R8
    PROBATION_INCREMENT = "probation_increment"  # R2
    INVALIDATION = "invalidation"  # R4
    RESTORATION_CANCELLED = "restoration_cancelled"  # « What the file knows on a day »


class LetterCode(StrEnum):
    """The letters the administration sends (R9)."""

    INFORMATION = "48"
    PROBATION_STAGE = "48N"
    STAGE_RECOMMENDED = "48M"
    INVALIDATION = "48SI"
    RESTORED_BY_TIME = "46"
    RESTORED_BY_STAGE = "47"


class Status(StrEnum):
    VALID = "valid"
    INVALIDATED = "invalidated"


RULES: tuple[Rule, ...] = tuple(Rule)
LETTER_CODES: tuple[LetterCode, ...] = tuple(LetterCode)
# Restorations judged on a window of days without a committed infraction (R2, R5, R6).
WINDOW_RULES = frozenset({Rule.PROBATION_INCREMENT, Rule.SIX_MONTH, Rule.FULL_RESTORATION})
SIMULATION_EVENT_ID = "SIMULATION"

_ONE_DAY = dt.timedelta(days=1)
_NEVER = dt.date.max
# R3: the cap group of the simulator's offence, which no recorded offence shares.
_SIMULATED_GROUP = object()


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
    rule: Rule
    event_id: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "points": self.points,
            "balance_after": self.balance_after,
            "rule": self.rule.value,
            "event_id": self.event_id,
        }


@dataclass(frozen=True, slots=True)
class Letter:
    """A letter the administration sends (R9)."""

    date: dt.date
    code: LetterCode
    event_id: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "code": self.code.value, "event_id": self.event_id}


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
    status: Status
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
            "status": self.status.value,
            "probation": {
                "active": self.probation.active,
                "ends_on": self.probation.ends_on.isoformat() if self.probation.ends_on else None,
            },
            "history": [change.to_dict() for change in self.history],
            "forecast": [change.to_dict() for change in self.forecast],
            "letters": [letter.to_dict() for letter in self.letters],
        }


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


# --- The facts, ready to replay ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Plan:
    """What a replay reads: the licence and its events in the order R10 applies them."""

    issued_on: dt.date
    probationary: bool
    early_training: bool
    ends_on: dt.date | None
    infractions: tuple[Infraction, ...]  # in (effective_on, committed_at, id) order
    effective_days: tuple[dt.date, ...]
    committed_days: tuple[dt.date, ...]
    groups: tuple[object, ...]  # R3: the cap group of each infraction
    stages: tuple[Stage, ...]  # in (completed_on, id) order
    stage_days: tuple[dt.date, ...]  # the day each stage credits (R8)
    increments: tuple[dt.date, ...]  # R2: anniversaries within probation
    increment_points: int

    def known_on(self, day: dt.date) -> _Plan:
        """The plan as the national file knows it on `day`: infractions effective on or before it."""
        known = bisect_right(self.effective_days, day)
        if known == len(self.infractions):
            return self
        return replace(
            self,
            infractions=self.infractions[:known],
            effective_days=self.effective_days[:known],
            committed_days=self.committed_days[:known],
            groups=self.groups[:known],
        )


def _plan(facts: LicenceFacts, simulated: Infraction | None = None) -> _Plan:
    issued_on = facts.issued_on
    probationary = is_probationary(facts)
    # R1: nothing happens to a licence before it exists; an offence without points is not in the file.
    infractions = sorted(
        (
            event
            for event in facts.events
            if isinstance(event, Infraction) and event.effective_on >= issued_on and event.points > 0
        ),
        key=lambda i: (i.effective_on, i.committed_at, i.id),
    )
    stages = sorted(
        (event for event in facts.events if isinstance(event, Stage) and event.completed_on >= issued_on),
        key=lambda s: (s.completed_on, s.id),
    )
    increments: tuple[dt.date, ...] = ()
    increment_points = 0
    if probationary:
        years = PROBATION_YEARS_EARLY_TRAINING if facts.early_training else PROBATION_YEARS
        increments = tuple(add_years(issued_on, year) for year in range(1, years + 1))
        increment_points = PROBATION_INCREMENT_EARLY_TRAINING if facts.early_training else PROBATION_INCREMENT
    return _Plan(
        issued_on=issued_on,
        probationary=probationary,
        early_training=facts.early_training,
        ends_on=probation_end(facts),
        infractions=tuple(infractions),
        effective_days=tuple(i.effective_on for i in infractions),
        committed_days=tuple(i.committed_at.date() for i in infractions),
        groups=tuple(_SIMULATED_GROUP if i is simulated else i.committed_at for i in infractions),
        stages=tuple(stages),
        stage_days=tuple(_stage_credit_day(s.completed_on) for s in stages),
        increments=increments,
        increment_points=increment_points,
    )


def _stage_credit_day(day: dt.date) -> dt.date:
    """R8: a stage credits the day after it is finished (never, after the calendar's last day)."""
    return day + _ONE_DAY if day < dt.date.max else dt.date.max


# --- The replay ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _FullRestoration:
    """R6: the one full restoration pending, counted from the last effective date."""

    due_on: dt.date
    starts_on: dt.date  # the last effective date L
    event_id: str
    # Infractions that took effect on L and were committed that day: they start the period.
    committed_on_start: int


class _Life:
    """One replay of a licence's life: the file's state on the day replayed and the rows written.

    `knowing_on`: every infraction the file knows on that day is known from the start (the timeline
    recomputed on a correction day); None: each becomes known on its effective day, as the national
    file learns it, and `_correct` keeps the file right.
    """

    def __init__(self, plan: _Plan, *, knowing_on: dt.date | None = None) -> None:
        self.plan = plan
        self.knows_all = knowing_on is not None
        start = PROBATION_START_POINTS if plan.probationary else MAXIMUM_POINTS  # R1
        self.balance = start
        self.maximum = start
        self.cap_lifted = not plan.probationary  # R2/R6: the applicable maximum is 12
        self.in_probation = plan.probationary  # R9: 48N while the probation period runs
        self.end_pending = plan.probationary
        self.invalidated_on: dt.date | None = None

        self.changes: list[Change] = []
        self.letters: list[Letter] = []
        self.maxima: list[tuple[dt.date, int]] = [(plan.issued_on, start)]
        self.credited_stages: list[dt.date] = []  # R8: completion days of stages that credited points

        # The days infractions carrying points were committed, of those known (R2, R5, R6), sorted.
        known = bisect_right(plan.effective_days, knowing_on) if knowing_on is not None else 0
        self.committed: list[dt.date] = sorted(plan.committed_days[:known])
        # (day, window start) of each R2/R5/R6 credit granted: what a late infraction may cancel.
        self.granted: list[tuple[dt.date, dt.date]] = []
        self.owed = [0] * len(plan.infractions)  # R7: points each infraction still owes
        self.group_withdrawn: dict[object, int] = {}  # R3: per committed_at
        self.serious_since_maximum = False  # R6
        self.settled = 0  # R6/R7: infractions[:settled] were fully restored
        self.six_month_due: list[tuple[dt.date, int]] = []  # R5 heap: (day, infraction index)
        self.ten_year_due: list[tuple[dt.date, int]] = []  # R7 heap: (day, infraction index)
        self.full_restoration: _FullRestoration | None = None  # R6
        self.next_infraction = 0
        self.next_stage = 0
        self.next_increment = 0

    # The calendar.

    def next_day(self) -> dt.date:
        """The next day something may happen; `_NEVER` once nothing is left."""
        if self.invalidated_on is not None:
            return _NEVER
        plan = self.plan
        day = _NEVER
        if self.next_infraction < len(plan.effective_days):
            day = plan.effective_days[self.next_infraction]
        if self.next_stage < len(plan.stage_days) and plan.stage_days[self.next_stage] < day:
            day = plan.stage_days[self.next_stage]
        if self.next_increment < len(plan.increments) and plan.increments[self.next_increment] < day:
            day = plan.increments[self.next_increment]
        if self.six_month_due and self.six_month_due[0][0] < day:
            day = self.six_month_due[0][0]
        if self.ten_year_due and self.ten_year_due[0][0] < day:
            day = self.ten_year_due[0][0]
        if self.full_restoration is not None and self.full_restoration.due_on < day:
            day = self.full_restoration.due_on
        if self.end_pending and plan.ends_on is not None and plan.ends_on < day:
            day = plan.ends_on
        return day

    def live_until(self, last_day: dt.date) -> None:
        """Replays every day up to and including `last_day` (never `_NEVER` itself)."""
        while (day := self.next_day()) <= last_day and day != _NEVER:
            self.live(day)

    def live(self, day: dt.date) -> None:
        """One day, in the order of R10."""
        arriving = self._learn(day)
        culprit = self._grants_cancelled_by(arriving) if arriving and not self.knows_all else None
        if culprit is not None:
            self._correct(day, culprit)
        else:
            self._credit_restorations(day)
        if self.invalidated_on is None:
            self._withdraw(day)
        if self.invalidated_on is None:
            self._credit_stages(day)

    def _credit_restorations(self, day: dt.date) -> None:
        """R10 (1): R2 increments and the end of probation, then R5, R6, R7."""
        self._grant_increments(day)
        self._end_probation(day)
        self._restore_six_month(day)
        self._restore_fully(day)
        self._restore_ten_year(day)

    # What the file knows.

    def _learn(self, day: dt.date) -> range:
        """The infractions taking effect today, which the file knows from today on."""
        first = self.next_infraction
        effective_days = self.plan.effective_days
        last = bisect_right(effective_days, day, lo=first)
        if not self.knows_all:
            for index in range(first, last):
                insort(self.committed, self.plan.committed_days[index])
        return range(first, last)

    def _committed_between(self, start: dt.date, end: dt.date) -> int:
        """How many known infractions carrying points were committed in [start, end)."""
        return bisect_left(self.committed, end) - bisect_left(self.committed, start)

    def _grants_cancelled_by(self, arriving: range) -> int | None:
        """The first infraction arriving today (R10 order) committed inside a window already
        granted, X of « What the file knows on a day »; None when there is none."""
        granted = self.granted
        for index in arriving:
            committed = self.plan.committed_days[index]
            # Only grants dated after the commit day can have it inside their window.
            for day, start in granted[bisect_right(granted, (committed, dt.date.max)) :]:
                if start <= committed < day:
                    return index
        return None

    def _correct(self, day: dt.date, culprit: int) -> None:
        """« What the file knows on a day »: recompute from every infraction known today; the
        rows name `culprit`, the infraction committed inside a granted window (D5)."""
        recomputed = _Life(self.plan, knowing_on=day)
        recomputed.live_until(day - _ONE_DAY)
        first_change = len(recomputed.changes)
        if recomputed.invalidated_on is None:
            recomputed._credit_restorations(day)

        # Today's restorations and increments of the recomputed timeline, on the history's balance.
        balance = self.balance
        for change in recomputed.changes[first_change:]:
            if change.rule is Rule.FULL_RESTORATION:
                target = MAXIMUM_POINTS
            else:
                target = min(balance + change.points, recomputed.maximum)
            if target > balance:
                self.changes.append(Change(day, target - balance, target, change.rule, change.event_id))
                if change.rule is not Rule.PROBATION_INCREMENT:
                    self.letters.append(Letter(day, LetterCode.RESTORED_BY_TIME, change.event_id))
                balance = target

        # From today on the file follows the recomputed timeline; the rows before today stay.
        for name in _REPLAYED_STATE:
            setattr(self, name, getattr(recomputed, name))
        if self.maxima[-1][1] != self.maximum:
            self.maxima.append((day, self.maximum))
        named = self.plan.infractions[culprit].id
        if self.balance != balance:
            self.changes.append(
                Change(day, self.balance - balance, self.balance, Rule.RESTORATION_CANCELLED, named)
            )
        if self.balance == INVALIDATION_BALANCE:
            # R4: a correction never moves an event into the past: invalidated today.
            self.invalidated_on = day
            self.changes.append(Change(day, 0, 0, Rule.INVALIDATION, named))
            self.letters.append(Letter(day, LetterCode.INVALIDATION, named))

    # One step per rule family.

    def _credit(
        self, day: dt.date, points: int, rule: Rule, event_id: str | None, letter: LetterCode | None
    ) -> None:
        points = min(points, self.maximum - self.balance)  # never above the applicable maximum
        if points <= 0:
            if self.balance == self.maximum:
                self.serious_since_maximum = False  # R6
            return
        self.balance += points
        self.changes.append(Change(day, points, self.balance, rule, event_id))
        if letter:
            self.letters.append(Letter(day, letter, event_id))
        if self.balance == self.maximum:
            self.serious_since_maximum = False  # R6

    def _set_maximum(self, day: dt.date, maximum: int) -> None:
        self.maximum = maximum
        self.maxima.append((day, maximum))

    def _grant_increments(self, day: dt.date) -> None:
        """R2: an anniversary in probation adds 2 points (3 with AAC) unless an infraction was
        committed since the issue date."""
        plan = self.plan
        while self.next_increment < len(plan.increments) and plan.increments[self.next_increment] == day:
            self.next_increment += 1
            if self.cap_lifted or self._committed_between(plan.issued_on, day):
                continue
            self._set_maximum(day, self.maximum + plan.increment_points)
            self.balance += plan.increment_points
            self.changes.append(
                Change(day, plan.increment_points, self.balance, Rule.PROBATION_INCREMENT, None)
            )
            self.granted.append((day, plan.issued_on))

    def _end_probation(self, day: dt.date) -> None:
        """R2: when probation ends the maximum becomes 12; the balance does not jump."""
        if not (self.end_pending and self.plan.ends_on == day):
            return
        self.end_pending = False
        self.in_probation = False
        if not self.cap_lifted:
            self.cap_lifted = True
            self._set_maximum(day, MAXIMUM_POINTS)
            if self.balance == self.maximum:
                self.serious_since_maximum = False

    def _restore_six_month(self, day: dt.date) -> None:
        """R5: the one point comes back unless another infraction was committed in the window."""
        while self.six_month_due and self.six_month_due[0][0] == day:
            _, index = heapq.heappop(self.six_month_due)
            if self.owed[index] != 1 or index < self.settled:
                continue
            effective_on = self.plan.effective_days[index]
            others = self._committed_between(effective_on, day)
            others -= effective_on <= self.plan.committed_days[index] < day  # not the infraction itself
            if others:
                continue
            self.owed[index] = 0
            self.granted.append((day, effective_on))
            self._credit(day, 1, Rule.SIX_MONTH, self.plan.infractions[index].id, LetterCode.RESTORED_BY_TIME)

    def _restore_fully(self, day: dt.date) -> None:
        """R6: 12 points, unless a later infraction was committed since the last effective date."""
        pending = self.full_restoration
        if pending is None or pending.due_on != day:
            return
        self.full_restoration = None
        if self._committed_between(pending.starts_on, day) > pending.committed_on_start:
            return
        self.granted.append((day, pending.starts_on))
        self.settled = self.next_infraction  # R6/R7: every earlier withdrawal is given back
        if not self.cap_lifted:
            self.cap_lifted = True  # R6: any probation cap ends
            self._set_maximum(day, MAXIMUM_POINTS)
        self._credit(
            day,
            MAXIMUM_POINTS - self.balance,
            Rule.FULL_RESTORATION,
            pending.event_id,
            LetterCode.RESTORED_BY_TIME,
        )
        self.serious_since_maximum = False

    def _restore_ten_year(self, day: dt.date) -> None:
        """R7: what a class 1-4 contravention still owes, ten years after its effective date."""
        while self.ten_year_due and self.ten_year_due[0][0] == day:
            _, index = heapq.heappop(self.ten_year_due)
            owed = self.owed[index]
            if owed and index >= self.settled:
                self.owed[index] = 0
                self._credit(
                    day, owed, Rule.TEN_YEAR, self.plan.infractions[index].id, LetterCode.RESTORED_BY_TIME
                )

    def _withdraw(self, day: dt.date) -> None:
        """R3, R4, R9: today's infractions withdraw their points, in committed_at then id order."""
        plan = self.plan
        first = self.next_infraction
        last = bisect_right(plan.effective_days, day, lo=first)
        if first == last:
            return
        self.next_infraction = last
        named, named_points = first, -1  # R6: the one that withdrew the most, the later on a tie
        committed_today = 0
        for index in range(first, last):
            infraction = plan.infractions[index]
            if self.balance == self.maximum:
                self.serious_since_maximum = False  # R6: at its maximum just before this one
            committed_today += plan.committed_days[index] == day
            group = plan.groups[index]
            already = self.group_withdrawn.get(group, 0)
            points = max(0, min(infraction.points, self.balance, SIMULTANEOUS_CAP - already))  # R3
            self.group_withdrawn[group] = already + points
            if infraction.offence_class in SERIOUS_CLASSES:
                self.serious_since_maximum = True  # R6, even when nothing is taken
            if points >= named_points:
                named, named_points = index, points
            if points == 0:
                continue
            self.balance -= points
            self.owed[index] = points
            self.changes.append(Change(day, -points, self.balance, Rule.WITHDRAWAL, infraction.id))
            self.letters.append(Letter(day, LetterCode.INFORMATION, infraction.id))
            if self.balance == INVALIDATION_BALANCE:
                # R4: invalidated today; nothing happens afterwards.
                self.invalidated_on = day
                self.changes.append(Change(day, 0, 0, Rule.INVALIDATION, infraction.id))
                self.letters.append(Letter(day, LetterCode.INVALIDATION, infraction.id))
                return
            if self.in_probation and points >= LETTER_48N_THRESHOLD:
                self.letters.append(Letter(day, LetterCode.PROBATION_STAGE, infraction.id))
            elif not self.in_probation and self.balance <= LETTER_48M_THRESHOLD:
                self.letters.append(Letter(day, LetterCode.STAGE_RECOMMENDED, infraction.id))
            if points == 1:
                heapq.heappush(self.six_month_due, (add_months(day, SIX_MONTH_RULE_MONTHS), index))
            if infraction.offence_class in TEN_YEAR_CLASSES:
                heapq.heappush(self.ten_year_due, (add_years(day, TEN_YEAR_RULE_YEARS), index))
        # R6: two years after the last infraction, three if a serious one took effect since the
        # balance was last at its applicable maximum; decided today.
        years = FULL_RESTORATION_YEARS_SERIOUS if self.serious_since_maximum else FULL_RESTORATION_YEARS
        self.full_restoration = _FullRestoration(
            due_on=add_years(day, years),
            starts_on=day,
            event_id=plan.infractions[named].id,
            committed_on_start=committed_today,
        )

    def _credit_stages(self, day: dt.date) -> None:
        """R8: a stage finished yesterday credits 4 points, at most once a year."""
        plan = self.plan
        while self.next_stage < len(plan.stages) and plan.stage_days[self.next_stage] == day:
            stage = plan.stages[self.next_stage]
            self.next_stage += 1
            points = self.stage_points(stage.completed_on)
            if points:
                self.credited_stages.append(stage.completed_on)
                self._credit(day, points, Rule.STAGE, stage.id, LetterCode.RESTORED_BY_STAGE)

    def stage_points(self, completed_on: dt.date) -> int:
        """R8: what a stage finished on `completed_on` credits now, on its credit day replayed up to
        its stages (R10): nothing within a year of the last stage that credited points, never
        beyond the applicable maximum, nothing once invalidated."""
        if self.invalidated_on is not None:
            return 0
        last = self.credited_stages[-1] if self.credited_stages else None
        if last is not None and completed_on < add_years(last, STAGE_INTERVAL_YEARS):
            return 0  # R8: at most one stage a year
        return max(0, min(STAGE_POINTS, self.maximum - self.balance))


# What a correction takes over from the recomputed timeline (everything but the rows written).
_REPLAYED_STATE = (
    "balance",
    "maximum",
    "cap_lifted",
    "in_probation",
    "end_pending",
    "credited_stages",
    "committed",
    "granted",
    "owed",
    "group_withdrawn",
    "serious_since_maximum",
    "settled",
    "six_month_due",
    "ten_year_due",
    "full_restoration",
    "next_infraction",
    "next_stage",
    "next_increment",
)


@dataclass(frozen=True, slots=True)
class _Timeline:
    """The life of a licence as the file knows it on one day, its future included."""

    plan: _Plan
    changes: tuple[Change, ...]
    change_dates: tuple[dt.date, ...]
    letters: tuple[Letter, ...]
    letter_dates: tuple[dt.date, ...]
    # (day, applicable maximum from that day), in date order; the first is the issue date.
    maxima: tuple[tuple[dt.date, int], ...]
    invalidated_on: dt.date | None
    credited_stages: tuple[dt.date, ...]  # R8: completion days of stages that credited points
    stage_points_now: int  # R8: what a stage finished on the day assessed would credit


def _timeline(plan: _Plan, as_of: dt.date) -> _Timeline:
    """The replay of `plan` (the file as known on `as_of`), and what a stage finished on `as_of`
    would credit: asked of the replay itself on the next day, after that day's restorations,
    increments, end of probation and recorded stages (R8, R10), as a stage of its own would be."""
    life = _Life(plan)
    credit_day = _stage_credit_day(as_of)
    life.live_until(credit_day)
    # R1: a stage finished before the issue date is ignored; one finished on the last day never credits.
    stage_points_now = 0
    if plan.issued_on <= as_of and credit_day != _NEVER:
        stage_points_now = life.stage_points(as_of)
    life.live_until(_NEVER)
    maxima = life.maxima
    if life.invalidated_on is not None and life.end_pending and not life.cap_lifted and plan.ends_on:
        maxima.append((plan.ends_on, MAXIMUM_POINTS))  # the period still ends (R2)
    return _Timeline(
        plan=plan,
        changes=tuple(life.changes),
        change_dates=tuple(change.date for change in life.changes),
        letters=tuple(life.letters),
        letter_dates=tuple(letter.date for letter in life.letters),
        maxima=tuple(maxima),
        invalidated_on=life.invalidated_on,
        credited_stages=tuple(life.credited_stages),
        stage_points_now=stage_points_now,
    )


# --- The answer ----------------------------------------------------------------------------------


def assess(facts: LicenceFacts, as_of: dt.date) -> Assessment:
    """The balance, maximum, status, probation, history, forecast and letters on `as_of`."""
    return _assessment(_timeline(_plan(facts).known_on(as_of), as_of), as_of)


def _assessment(timeline: _Timeline, as_of: dt.date) -> Assessment:
    """The timeline cut at `as_of`: history up to that day, forecast after it."""
    plan = timeline.plan
    cut = bisect_right(timeline.change_dates, as_of)
    history = timeline.changes[:cut]
    forecast = timeline.changes[cut:]
    start = PROBATION_START_POINTS if plan.probationary else MAXIMUM_POINTS
    balance = history[-1].balance_after if history else start
    maximum = start
    for day, value in timeline.maxima:
        if day > as_of:
            break
        maximum = value
    letters = timeline.letters[: bisect_right(timeline.letter_dates, as_of)]
    invalidated = timeline.invalidated_on is not None and timeline.invalidated_on <= as_of
    probation = _probation(plan, as_of, forecast, invalidated)

    # R8: a stage finished today credits tomorrow, if a year has passed since the last one that did,
    # within tomorrow's maximum after tomorrow's restorations (the replay answered, `_timeline`).
    stage_points_now = 0
    stage_possible_from: dt.date | None = None
    if not invalidated:
        earlier = [day for day in timeline.credited_stages if day <= as_of]
        stage_possible_from = as_of
        if earlier:
            stage_possible_from = max(as_of, add_years(earlier[-1], STAGE_INTERVAL_YEARS))
        if stage_possible_from == as_of:
            stage_points_now = timeline.stage_points_now

    return Assessment(
        as_of=as_of,
        balance=balance,
        maximum=maximum,
        status=Status.INVALIDATED if invalidated else Status.VALID,
        invalidated_on=timeline.invalidated_on if invalidated else None,
        probation=probation,
        history=history,
        forecast=forecast,
        letters=letters,
        stage_points_now=stage_points_now,
        stage_possible_from=stage_possible_from,
    )


def _probation(plan: _Plan, as_of: dt.date, forecast: tuple[Change, ...], invalidated: bool) -> Probation:
    if not plan.probationary or plan.ends_on is None:
        return Probation(
            active=False,
            starts_on=None,
            ends_on=None,
            early_training=plan.early_training,
            next_increment_on=None,
            next_increment_points=0,
            increments_stopped=False,
        )
    next_increment = next((c for c in forecast if c.rule is Rule.PROBATION_INCREMENT), None)
    # R2: the first infraction the file knows that was committed in probation.
    first = min((day for day in plan.committed_days if day >= plan.issued_on), default=None)
    return Probation(
        active=plan.issued_on <= as_of < plan.ends_on and not invalidated,
        starts_on=plan.issued_on,
        ends_on=plan.ends_on,
        early_training=plan.early_training,
        next_increment_on=next_increment.date if next_increment else None,
        next_increment_points=next_increment.points if next_increment else 0,
        increments_stopped=first is not None and first <= as_of and first < plan.ends_on,  # R2
    )


def simulated_offence(offence: ScaleEntry, committed_on: dt.date) -> Infraction:
    """The hypothetical infraction of the « Et si… » simulator: `offence` as the scale has it on
    `committed_on`, taking effect the day it is committed, with the event id SIMULATION.

    Committed at the day's last instant (23:59:59.999999), so that among the withdrawals of that day
    it comes after every recorded offence committed that day (R10). That time may still be a
    recorded offence's too: `simulate` keeps it out of their 8-point cap anyway (R3).
    """
    rule = offence.on(committed_on)
    return Infraction(
        id=SIMULATION_EVENT_ID,
        committed_at=dt.datetime.combine(committed_on, dt.time.max),
        effective_on=committed_on,
        offence_class=rule.offence_class,
        points=rule.points,
        label=offence.label,
    )


def simulate(
    facts: LicenceFacts, as_of: dt.date, *, offence: ScaleEntry, committed_on: dt.date
) -> Assessment:
    """« Et si… »: assess as if `offence` were committed on `committed_on` and took effect that day.

    Nothing is saved; the hypothetical infraction is `simulated_offence(offence, committed_on)`. It is
    a different offence from every recorded one, so never capped together with one (R3), even one
    committed at the same moment. An offence that no longer carries points changes nothing.
    """
    hypothetical = simulated_offence(offence, committed_on)
    plan = _plan(replace(facts, events=(*facts.events, hypothetical)), simulated=hypothetical)
    return _assessment(_timeline(plan.known_on(as_of), as_of), as_of)
