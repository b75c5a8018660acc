"""An independent reference model of docs/law.md, to check the engine against.

Written from the text of the law document, deliberately simple and slow, and sharing no code with
the engine (nothing from mespoints.domain.points): it walks the calendar day by day, applies each
day in the order of R10, and at every day an infraction takes effect it recomputes the whole life
of the licence from scratch, as « What the file knows on a day » says, instead of the engine's
cheaper check. Only the days on which a rule can act are visited (issue anniversaries, effective
days and their 6-month, 2, 3 and 10-year anniversaries, the days after stages): on every other day
nothing can happen, so the state of the day before carries over.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from mespoints.domain.records import Infraction, LicenceFacts, Stage

TWELVE = 12
SERIOUS = ("C4", "C5", "DELIT")
TEN_YEAR_CLASSES = ("C1", "C2", "C3", "C4")


def months_later(day: dt.date, months: int) -> dt.date:
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def years_later(day: dt.date, years: int) -> dt.date:
    year = day.year + years
    if day.month == 2 and day.day == 29 and not calendar.isleap(year):
        return dt.date(year, 2, 28)
    return day.replace(year=year)


@dataclass
class Row:
    date: dt.date
    points: int
    balance_after: int
    rule: str
    event_id: str | None


@dataclass
class Offence:
    source: Infraction
    withdrawn: int = 0  # what it actually took (R3)
    owed: int = 0  # what is still to give back (R7)
    took_effect: bool = False

    @property
    def committed_day(self) -> dt.date:
        return self.source.committed_at.date()


@dataclass
class World:
    """The file's state at the end of a day, and every row it wrote."""

    facts: LicenceFacts
    probationary: bool
    ends_on: dt.date | None
    balance: int
    maximum: int
    known: list[Infraction]
    offences: dict[str, Offence]
    rows: list[Row] = field(default_factory=list)
    maxima: list[tuple[dt.date, int]] = field(default_factory=list)  # (day, applicable maximum from it)
    cap_lifted: bool = False
    invalidated_on: dt.date | None = None
    last_effective: dt.date | None = None  # R6: L
    period_years: int = 0  # R6: decided on L
    named: str | None = None  # R6's row names it
    since_maximum: list[str] = field(default_factory=list)  # classes that took effect since at maximum
    last_credited_stage: dt.date | None = None
    # (day, window start) of each R2/R5/R6 credit granted, even of 0 points: what a late offence cancels.
    granted: list[tuple[dt.date, dt.date]] = field(default_factory=list)
    group_taken: dict[dt.datetime, int] = field(default_factory=dict)

    # Helpers read straight from the rules.

    def committed_in(self, start: dt.date, end: dt.date, *, but: set[str] | None = None) -> bool:
        """Did the holder commit an infraction carrying points in [start, end), known to the file?"""
        return any(
            start <= i.committed_at.date() < end and i.points > 0 and i.id not in (but or set())
            for i in self.known
        )

    def at_maximum_check(self) -> None:
        if self.balance == self.maximum:
            self.since_maximum = []

    def credit(self, day: dt.date, points: int, rule: str, event_id: str | None) -> None:
        points = min(points, self.maximum - self.balance)
        if points > 0:
            self.balance += points
            self.rows.append(Row(day, points, self.balance, rule, event_id))
        self.at_maximum_check()

    def in_r10_order(self, offences: list[Offence]) -> list[Offence]:
        return sorted(offences, key=lambda o: (o.source.committed_at, o.source.id))

    # R10 (1): restorations and increments due today.

    def credits(self, day: dt.date) -> None:
        facts = self.facts
        # R2: anniversaries within probation.
        if self.probationary:
            years = 2 if facts.early_training else 3
            for year in range(1, years + 1):
                anniversary = years_later(facts.issued_on, year) == day
                if anniversary and not self.cap_lifted and not self.committed_in(facts.issued_on, day):
                    gain = 3 if facts.early_training else 2
                    self.maximum += gain
                    self.maxima.append((day, self.maximum))
                    self.balance += gain
                    self.rows.append(Row(day, gain, self.balance, "probation_increment", None))
                    self.granted.append((day, facts.issued_on))
                    self.at_maximum_check()
            if self.ends_on == day and not self.cap_lifted:
                self.cap_lifted = True
                self.maximum = TWELVE
                self.maxima.append((day, self.maximum))
                self.at_maximum_check()
        # R5: one point, six months on, unless another infraction was committed in between.
        for offence in self.in_r10_order(list(self.offences.values())):
            start = offence.source.effective_on
            due = offence.took_effect and offence.withdrawn == 1 and offence.owed == 1
            if (
                due
                and months_later(start, 6) == day
                and not self.committed_in(start, day, but={offence.source.id})
            ):
                offence.owed = 0
                self.granted.append((day, start))
                self.credit(day, 1, "six_month", offence.source.id)
        # R6: twelve points, 2 or 3 years after the last effective day, unless an infraction that took
        # effect later was committed since that day.
        if self.last_effective is not None and years_later(self.last_effective, self.period_years) == day:
            started = {
                o.source.id for o in self.offences.values() if o.source.effective_on == self.last_effective
            }
            if not self.committed_in(self.last_effective, day, but=started):
                for offence in self.offences.values():
                    if offence.took_effect:
                        offence.owed = 0
                if not self.cap_lifted:
                    self.cap_lifted = True
                    self.maximum = TWELVE
                    self.maxima.append((day, self.maximum))
                self.granted.append((day, self.last_effective))
                self.credit(day, TWELVE - self.balance, "full_restoration", self.named)
                self.since_maximum = []
            self.last_effective = None
        # R7: what a class 1-4 contravention still owes, ten years on.
        for offence in self.in_r10_order(list(self.offences.values())):
            if (
                offence.took_effect
                and offence.owed > 0
                and offence.source.offence_class in TEN_YEAR_CLASSES
                and years_later(offence.source.effective_on, 10) == day
            ):
                owed, offence.owed = offence.owed, 0
                self.credit(day, owed, "ten_year", offence.source.id)

    # R10 (2): withdrawals.

    def withdrawals(self, day: dt.date) -> None:
        today = self.in_r10_order([o for o in self.offences.values() if o.source.effective_on == day])
        if not today:
            return
        best: tuple[int, int] | None = None
        for position, offence in enumerate(today):
            self.at_maximum_check()  # at its maximum just before this one takes effect
            source = offence.source
            offence.took_effect = True
            already = self.group_taken.get(source.committed_at, 0)
            taken = max(0, min(source.points, self.balance, 8 - already))
            self.group_taken[source.committed_at] = already + taken
            offence.withdrawn = offence.owed = taken
            self.since_maximum.append(source.offence_class)
            if best is None or (taken, position) >= best:
                best = (taken, position)
            if taken:
                self.balance -= taken
                self.rows.append(Row(day, -taken, self.balance, "withdrawal", source.id))
                if self.balance == 0:
                    self.invalidated_on = day
                    self.rows.append(Row(day, 0, 0, "invalidation", source.id))
                    return
        assert best is not None
        self.last_effective = day
        self.named = today[best[1]].source.id
        self.period_years = 3 if any(c in SERIOUS for c in self.since_maximum) else 2

    # R10 (3): stages.

    def stages(self, day: dt.date) -> None:
        finished = sorted(
            (
                e
                for e in self.facts.events
                if isinstance(e, Stage) and e.completed_on + dt.timedelta(days=1) == day
            ),
            key=lambda s: s.id,
        )
        for stage in finished:
            if stage.completed_on < self.facts.issued_on:
                continue
            last = self.last_credited_stage
            if last is not None and stage.completed_on < years_later(last, 1):
                continue
            if self.balance < self.maximum:
                self.last_credited_stage = stage.completed_on
                self.credit(day, 4, "stage", stage.id)


def new_world(facts: LicenceFacts) -> World:
    probationary = (
        facts.probationary if facts.probationary is not None else facts.issued_on >= dt.date(2004, 3, 1)
    )
    start = 6 if probationary else TWELVE
    ends_on = years_later(facts.issued_on, 2 if facts.early_training else 3) if probationary else None
    offences = {
        e.id: Offence(e)
        for e in facts.events
        if isinstance(e, Infraction) and e.points > 0 and e.effective_on >= facts.issued_on
    }
    world = World(facts, probationary, ends_on, start, start, [], offences, cap_lifted=not probationary)
    world.maxima.append((facts.issued_on, start))
    return world


def days_to_visit(facts: LicenceFacts, until: dt.date) -> list[dt.date]:
    days = {years_later(facts.issued_on, year) for year in (1, 2, 3)}
    for event in facts.events:
        if isinstance(event, Infraction):
            e = event.effective_on
            days |= {e, months_later(e, 6), years_later(e, 2), years_later(e, 3), years_later(e, 10)}
        else:
            days.add(event.completed_on + dt.timedelta(days=1))
    return sorted(day for day in days if facts.issued_on <= day <= until)


def live_knowing(facts: LicenceFacts, known: list[Infraction], until: dt.date) -> World:
    """The timeline recomputed from `known`, every one of them known from the start, to `until`."""
    world = new_world(facts)
    world.known = list(known)
    world.offences = {k: o for k, o in world.offences.items() if o.source in known}
    for day in days_to_visit(facts, until):
        if world.invalidated_on is not None:
            break
        world.credits(day)
        world.withdrawals(day)
        if world.invalidated_on is None:
            world.stages(day)
    return world


def file_on(facts: LicenceFacts, as_of: dt.date, until: dt.date) -> World:
    """The file as it stood on `as_of` (infractions effective later unknown), lived until `until`."""
    world = new_world(facts)
    all_known = [o.source for o in world.offences.values() if o.source.effective_on <= as_of]
    world.offences = {k: o for k, o in world.offences.items() if o.source in all_known}
    rows: list[Row] = []
    maxima = list(world.maxima)
    invalidated_on = None
    for day in days_to_visit(facts, until):
        if invalidated_on is not None:
            break
        arriving = [i for i in all_known if i.effective_on == day]
        if arriving:
            # « What the file knows on a day »: recompute from every infraction known today.
            known = [i for i in all_known if i.effective_on <= day]
            recomputed = live_knowing(facts, known, day - dt.timedelta(days=1))
            first = len(recomputed.rows)
            if recomputed.invalidated_on is None:
                recomputed.credits(day)
            balance = world.balance
            for row in recomputed.rows[first:]:
                target = (
                    TWELVE
                    if row.rule == "full_restoration"
                    else min(balance + row.points, recomputed.maximum)
                )
                if target > balance:
                    rows.append(Row(day, target - balance, target, row.rule, row.event_id))
                    balance = target
            # D5: named after X, the first arriving (R10 order) committed inside a granted window.
            in_order = sorted(arriving, key=lambda i: (i.committed_at, i.id))
            inside = [
                i
                for i in in_order
                if any(start <= i.committed_at.date() < granted for granted, start in world.granted)
            ]
            named = (inside or in_order)[0].id
            if recomputed.balance != balance:
                rows.append(
                    Row(day, recomputed.balance - balance, recomputed.balance, "restoration_cancelled", named)
                )
            if recomputed.maximum != maxima[-1][1]:
                maxima.append((day, recomputed.maximum))
            world = recomputed
            world.invalidated_on = None
            if world.balance == 0:
                invalidated_on = day
                rows.append(Row(day, 0, 0, "invalidation", named))
                break
        else:
            first, first_maximum = len(world.rows), len(world.maxima)
            world.credits(day)
            rows.extend(world.rows[first:])
            maxima.extend(world.maxima[first_maximum:])
        first = len(world.rows)
        world.withdrawals(day)
        if world.invalidated_on is None:
            world.stages(day)
        rows.extend(world.rows[first:])
        invalidated_on = world.invalidated_on
    world.rows = rows
    world.maxima = maxima
    world.invalidated_on = invalidated_on
    return world


@dataclass(frozen=True)
class DayAnswer:
    balance: int
    maximum: int
    status: str
    probation_active: bool


def answer(world: World, day: dt.date) -> DayAnswer:
    """What the reference answers on `day` from the file's life as known that day (`file_on`)."""
    facts = world.facts
    past = [row for row in world.rows if row.date <= day]
    start = 6 if world.probationary else TWELVE
    balance = past[-1].balance_after if past else start
    invalidated = world.invalidated_on is not None and world.invalidated_on <= day
    maximum = [value for when, value in world.maxima if when <= day][-1] if day >= facts.issued_on else start
    if world.ends_on is not None and day >= world.ends_on and world.invalidated_on is not None:
        maximum = TWELVE  # R2: the period still ends after an invalidation
    return DayAnswer(
        balance=balance,
        maximum=maximum,
        status="invalidated" if invalidated else "valid",
        probation_active=bool(world.ends_on and facts.issued_on <= day < world.ends_on and not invalidated),
    )
