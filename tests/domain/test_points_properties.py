"""Properties of the points engine over random histories (docs/law.md R1…R10)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mespoints.domain.offence_scale import OFFENCE_SCALE, ScaleEntry
from mespoints.domain.points import MAXIMUM_POINTS, Rule, assess, simulate
from mespoints.domain.points_text import render_table_fr
from mespoints.domain.records import OFFENCE_CLASSES, Infraction, LicenceFacts, Stage
from mespoints.domain.situation import stage_info

PROPERTY_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FAR_FUTURE = dt.date(2060, 1, 1)
ONE_DAY = dt.timedelta(days=1)


@st.composite
def infractions(draw: st.DrawFn, issued_on: dt.date, index: int) -> Infraction:
    effective_on = issued_on + dt.timedelta(days=draw(st.integers(0, 12 * 365)))
    offence_class = draw(st.sampled_from(OFFENCE_CLASSES))
    points = 6 if offence_class == "DELIT" else draw(st.integers(1, 6))
    # Few distinct moments, so that offences committed at the same moment (R3) happen often.
    lag = draw(st.sampled_from([0, 1, 30, 200]))
    committed_day = max(issued_on, effective_on - dt.timedelta(days=lag))
    committed_at = dt.datetime.combine(committed_day, dt.time(draw(st.sampled_from([8, 17])), 0))
    return Infraction(f"I{index}", committed_at, effective_on, offence_class, points)


@st.composite
def licences(draw: st.DrawFn) -> LicenceFacts:
    issued_on = dt.date(1995, 1, 1) + dt.timedelta(days=draw(st.integers(0, 30 * 365)))
    count = draw(st.integers(0, 7))
    events: list[Infraction | Stage] = [draw(infractions(issued_on, k)) for k in range(count)]
    for k in range(draw(st.integers(0, 3))):
        completed_on = issued_on + dt.timedelta(days=draw(st.integers(0, 12 * 365)))
        events.append(Stage(f"S{k}", completed_on))
    return LicenceFacts(
        issued_on=issued_on,
        early_training=draw(st.booleans()),
        probationary=draw(st.sampled_from([None, True, False])),
        events=tuple(events),
    )


def some_day(facts: LicenceFacts, offset: int) -> dt.date:
    return facts.issued_on + dt.timedelta(days=offset)


@PROPERTY_SETTINGS
@given(licences())
def test_the_balance_stays_between_zero_and_the_applicable_maximum_at_every_change(
    facts: LicenceFacts,
) -> None:
    for change in assess(facts, FAR_FUTURE).history:
        maximum = assess(facts, change.date).maximum
        assert 0 <= change.balance_after <= maximum <= MAXIMUM_POINTS


@PROPERTY_SETTINGS
@given(licences(), st.randoms(use_true_random=False), st.integers(0, 16 * 365))
def test_the_answer_does_not_depend_on_the_order_of_the_events(
    facts: LicenceFacts, random, offset: int
) -> None:
    shuffled = list(facts.events)
    random.shuffle(shuffled)
    day = some_day(facts, offset)
    reordered = LicenceFacts(
        issued_on=facts.issued_on,
        early_training=facts.early_training,
        probationary=facts.probationary,
        events=tuple(shuffled),
    )
    assert assess(reordered, day) == assess(facts, day)


@PROPERTY_SETTINGS
@given(licences(), st.integers(0, 16 * 365), st.integers(1, 6 * 365))
def test_the_forecast_of_one_day_is_the_history_seen_later_until_an_infraction_takes_effect(
    facts: LicenceFacts, offset: int, gap: int
) -> None:
    first_day = some_day(facts, offset)
    later_day = first_day + dt.timedelta(days=gap)
    next_effective = min(
        (e.effective_on for e in facts.events if isinstance(e, Infraction) and e.effective_on > first_day),
        default=dt.date.max,
    )
    forecast = [
        c for c in assess(facts, first_day).forecast if c.date <= later_day and c.date < next_effective
    ]
    seen_later = [c for c in assess(facts, later_day).history if first_day < c.date < next_effective]
    assert forecast == seen_later


@PROPERTY_SETTINGS
@given(licences(), st.integers(0, 16 * 365), st.integers(1, 6 * 365))
def test_the_history_of_one_day_never_changes_later(facts: LicenceFacts, offset: int, gap: int) -> None:
    first_day = some_day(facts, offset)
    earlier = assess(facts, first_day)
    later = assess(facts, first_day + dt.timedelta(days=gap))
    assert later.history[: len(earlier.history)] == earlier.history
    assert later.letters[: len(earlier.letters)] == earlier.letters


@PROPERTY_SETTINGS
@given(licences(), st.integers(0, 16 * 365))
def test_the_forecast_never_holds_a_withdrawal(facts: LicenceFacts, offset: int) -> None:
    forecast = assess(facts, some_day(facts, offset)).forecast
    assert not [c for c in forecast if c.rule in (Rule.WITHDRAWAL, Rule.RESTORATION_CANCELLED)]


@PROPERTY_SETTINGS
@given(licences(), st.integers(0, 16 * 365), st.integers(1, 20 * 365))
def test_an_invalidated_licence_stays_invalidated(facts: LicenceFacts, offset: int, gap: int) -> None:
    first = assess(facts, some_day(facts, offset))
    if first.status != "invalidated":
        return
    later = assess(facts, some_day(facts, offset + gap))
    assert (later.status, later.balance, later.invalidated_on) == ("invalidated", 0, first.invalidated_on)
    assert later.history == first.history
    assert later.forecast == ()
    assert first.history[-1].rule == "invalidation"


@PROPERTY_SETTINGS
@given(licences())
def test_every_change_adds_its_points_to_the_previous_balance(facts: LicenceFacts) -> None:
    result = assess(facts, FAR_FUTURE)
    previous = assess(facts, facts.issued_on - dt.timedelta(days=1)).balance
    for change in result.history:
        assert change.balance_after == previous + change.points
        previous = change.balance_after
    assert result.forecast == ()


@PROPERTY_SETTINGS
@given(licences(), st.data(), st.sampled_from(["AA", "ZZ"]))
def test_stage_points_now_is_what_a_stage_finished_that_day_adds_the_next_day(
    facts: LicenceFacts, data: st.DataObject, stage_id: str
) -> None:
    # R8, R10: often the day before something happens (a restoration, the end of probation), where
    # the next day's credits come before the stage's.
    life = assess(facts, FAR_FUTURE)
    eves = [change.date - ONE_DAY for change in life.history]
    if life.probation.ends_on is not None:
        eves.append(life.probation.ends_on - ONE_DAY)
    any_day = st.integers(-2, 16 * 365).map(lambda offset: some_day(facts, offset))
    as_of = data.draw(st.one_of(st.sampled_from(eves), any_day) if eves else any_day)
    # The file as it stands on as_of: an offence known later would withdraw first the next day (R10).
    known = replace(
        facts,
        events=tuple(e for e in facts.events if not (isinstance(e, Infraction) and e.effective_on > as_of)),
    )
    taken = replace(known, events=(*known.events, Stage(stage_id, as_of)))  # before or after S0…S2
    tomorrow = as_of + ONE_DAY
    gained = assess(taken, tomorrow).balance - assess(known, tomorrow).balance
    today = assess(facts, as_of)
    assert today.stage_points_now == gained
    if gained:
        assert today.stage_possible_from == as_of


# Facts that did not come through the feed: any day of the calendar, odd classes and points.
ANY_DAY = st.one_of(
    st.dates(),
    st.dates(min_value=dt.date(9990, 1, 1)),
    st.dates(max_value=dt.date(10, 12, 31)),
    st.sampled_from([dt.date.min, dt.date.max, dt.date.max - dt.timedelta(days=1), dt.date(9999, 2, 28)]),
)


@st.composite
def extreme_licences(draw: st.DrawFn) -> LicenceFacts:
    events: list[Infraction | Stage] = []
    for k in range(draw(st.integers(0, 6))):
        if draw(st.booleans()):
            committed = draw(ANY_DAY)
            effective = draw(st.one_of(st.just(committed), ANY_DAY))
            moment = dt.datetime.combine(committed, draw(st.sampled_from([dt.time.min, dt.time.max])))
            offence_class = draw(st.sampled_from([*OFFENCE_CLASSES, "C9", ""]))
            events.append(Infraction(f"I{k}", moment, effective, offence_class, draw(st.integers(-3, 20))))
        else:
            events.append(Stage(f"S{k}", draw(ANY_DAY)))
    return LicenceFacts(
        issued_on=draw(ANY_DAY),
        early_training=draw(st.booleans()),
        probationary=draw(st.sampled_from([None, True, False])),
        events=tuple(events),
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(extreme_licences(), ANY_DAY, ANY_DAY, st.sampled_from(OFFENCE_SCALE))
def test_the_engine_answers_any_facts_on_any_day_without_raising(
    facts: LicenceFacts, as_of: dt.date, committed_on: dt.date, offence: ScaleEntry
) -> None:
    result = assess(facts, as_of)
    assert 0 <= result.balance <= result.maximum <= MAXIMUM_POINTS
    assert result.status in ("valid", "invalidated")
    assert all(change.date <= as_of for change in result.history)
    assert all(change.date > as_of for change in result.forecast)
    json.dumps(result.to_dict())
    render_table_fr(result, "X1234")
    stage_info(result, facts)
    simulated = simulate(facts, as_of, offence=offence, committed_on=committed_on)
    assert 0 <= simulated.balance <= simulated.maximum <= MAXIMUM_POINTS
