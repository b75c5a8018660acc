"""The engine answers like the independent reference model (tests/domain/reference_model.py).

Random histories: offences committed and taking effect in any order and after long delays, several
at the same moment, stages, probation with and without early training, invalidations, long gaps.
On every day of the history and of the forecast the balance, the applicable maximum, the status and
the probation must agree, and so must every row (date, points, balance after, rule, event).
"""

from __future__ import annotations

import datetime as dt
import os

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mespoints.domain.points import Assessment, Change, assess
from mespoints.domain.records import Infraction, LicenceFacts, Stage
from tests.domain import reference_model as reference

# REFERENCE_EXAMPLES=5000 for a long hunt; the suite's default stays within about a minute on 2 cores.
EXAMPLES = int(os.environ.get("REFERENCE_EXAMPLES", "400"))
COMPARISON = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))

# A few times of day, so that offences committed at the same moment (R3) happen often.
MOMENTS = (dt.time(8, 0), dt.time(17, 30))
# Delays between the offence and its effective day: same day, weeks, and long ones that cross the
# windows of R5 (6 months), R6 (2-3 years) and R2 (anniversaries).
LAGS = (0, 0, 1, 25, 60, 150, 200, 300, 400, 700, 800, 1200)


@st.composite
def offences(draw: st.DrawFn, issued_on: dt.date, index: int, anchors: list[int]) -> Infraction:
    committed_day = issued_on + dt.timedelta(
        days=draw(st.sampled_from(anchors)) + draw(st.sampled_from((0, 0, 1, 3)))
    )
    committed_at = dt.datetime.combine(committed_day, draw(st.sampled_from(MOMENTS)))
    effective_on = committed_day + dt.timedelta(days=draw(st.sampled_from(LAGS)))
    offence_class = draw(st.sampled_from(("C2", "C3", "C4", "C4", "C5", "DELIT")))
    points = 6 if offence_class == "DELIT" else draw(st.sampled_from((1, 1, 1, 2, 3, 4, 6)))
    return Infraction(f"I{index}", committed_at, effective_on, offence_class, points)


@st.composite
def histories(draw: st.DrawFn) -> LicenceFacts:
    issued_on = dt.date(1998, 1, 1) + dt.timedelta(days=draw(st.integers(0, 25 * 365)))
    # Commit days drawn among a few anchors: spread over 12 years (offences cluster, then long
    # gaps), or a steady rhythm that keeps R6 away for ten years (so that R7 acts).
    scattered = st.lists(st.integers(0, 12 * 365), min_size=1, max_size=6)
    rhythm = st.builds(
        lambda start, step: [start + k * step for k in range(8)], st.integers(0, 400), st.integers(250, 700)
    )
    anchors = draw(st.one_of(scattered, rhythm))
    events: list[Infraction | Stage] = [
        draw(offences(issued_on, index, anchors)) for index in range(draw(st.integers(0, 9)))
    ]
    for index in range(draw(st.integers(0, 3))):
        day = draw(st.sampled_from(anchors)) + draw(st.integers(0, 500))
        events.append(Stage(f"S{index}", issued_on + dt.timedelta(days=day)))
    return LicenceFacts(
        issued_on=issued_on,
        early_training=draw(st.booleans()),
        probationary=draw(st.sampled_from((None, None, True, False))),
        events=tuple(events),
    )


def rows(
    changes: tuple[Change, ...] | list[reference.Row],
) -> list[tuple[dt.date, int, int, str, str | None]]:
    return [(c.date, c.points, c.balance_after, str(c.rule), c.event_id) for c in changes]


def horizon(facts: LicenceFacts) -> dt.date:
    """After it nothing is pending any more: R7 comes 10 years after the last effective day."""
    days = [facts.issued_on + dt.timedelta(days=4 * 365)]
    for event in facts.events:
        days.append(event.effective_on if isinstance(event, Infraction) else event.completed_on)
    return reference.years_later(max(days), 11)


def days_to_check(facts: LicenceFacts, last: dt.date) -> list[dt.date]:
    """Every day a rule can act on, the day before each, and the days offences were committed."""
    days = set()
    for day in reference.days_to_visit(facts, last):
        days |= {day, day - dt.timedelta(days=1)}
    days |= {e.committed_at.date() for e in facts.events if isinstance(e, Infraction)}
    days |= {facts.issued_on, facts.issued_on - dt.timedelta(days=1), last}
    return sorted(days)


def same_answer(engine: Assessment, expected: reference.DayAnswer) -> None:
    got = (engine.balance, engine.maximum, str(engine.status), engine.probation.active)
    assert got == (expected.balance, expected.maximum, expected.status, expected.probation_active), (
        engine.as_of
    )


def at_eight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, MOMENTS[0])


# D5: two offences arrive on the day a granted six-month restoration is cancelled; the first in R10
# order (Y) was committed before the window, the second (X) inside it: the correction names X.
CORRECTION_NAMED_AFTER_X = LicenceFacts(
    issued_on=dt.date(1998, 1, 1),
    events=(
        Infraction("A", at_eight(dt.date(2023, 1, 1)), dt.date(2023, 1, 10), "C3", 1),
        Infraction("Y", at_eight(dt.date(2022, 12, 1)), dt.date(2023, 9, 1), "C3", 1),
        Infraction("X", at_eight(dt.date(2023, 3, 1)), dt.date(2023, 9, 1), "C3", 1),
    ),
)


@COMPARISON
@given(histories())
@example(CORRECTION_NAMED_AFTER_X)
def test_the_engine_answers_like_the_reference_model_on_every_day(facts: LicenceFacts) -> None:
    last = horizon(facts)
    # Every day between two effective days, the file knows the same infractions: one reference life each.
    effective_days = sorted({e.effective_on for e in facts.events if isinstance(e, Infraction)})
    lives: dict[dt.date, reference.World] = {}

    def life_known_on(day: dt.date) -> reference.World:
        known_since = max((e for e in effective_days if e <= day), default=dt.date.min)
        if known_since not in lives:
            lives[known_since] = reference.file_on(facts, day, last)
        return lives[known_since]

    final = assess(facts, last)
    assert rows(final.history) == rows(life_known_on(last).rows)
    assert final.forecast == ()

    # The balance on every single day: the engine's history of a day never changes later.
    expected_balance = reference.answer(life_known_on(last), facts.issued_on).balance
    changes = iter(final.history)
    change = next(changes, None)
    day = facts.issued_on
    while day <= last:
        while change is not None and change.date <= day:
            expected_balance = change.balance_after
            change = next(changes, None)
        assert reference.answer(life_known_on(last), day).balance == expected_balance
        day += dt.timedelta(days=1)

    # Balance, maximum, status, probation and forecast on every day something can change.
    for day in days_to_check(facts, last):
        engine = assess(facts, day)
        world = life_known_on(day)
        same_answer(engine, reference.answer(world, day))
        assert rows(engine.history) == rows([row for row in world.rows if row.date <= day])
        assert rows(tuple(c for c in engine.forecast if c.date <= last)) == rows(
            [row for row in world.rows if row.date > day]
        )
        # Each forecast day, as foreseen on that day.
        for foreseen in {c.date for c in engine.forecast if c.date <= last}:
            balance = [c.balance_after for c in engine.forecast if c.date <= foreseen][-1]
            assert balance == reference.answer(world, foreseen).balance
