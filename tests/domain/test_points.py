"""The points engine, rule by rule (docs/law.md R1…R10), with days on both sides of each edge."""

from __future__ import annotations

import datetime as dt

import pytest

from mespoints.domain.offence_scale import entry_by_code
from mespoints.domain.points import (
    MAXIMUM_POINTS,
    SIMULATION_EVENT_ID,
    Assessment,
    add_months,
    add_years,
    assess,
    simulate,
    simulated_offence,
)
from mespoints.domain.records import Infraction, LicenceFacts, Stage

D = dt.date
DEFINITIVE_ISSUE = D(1998, 6, 1)
PROBATIONARY_ISSUE = D(2024, 6, 15)


def offence(
    event_id: str,
    effective_on: dt.date,
    offence_class: str = "C4",
    points: int = 4,
    committed_at: dt.datetime | None = None,
) -> Infraction:
    if committed_at is None:
        committed_at = dt.datetime.combine(effective_on - dt.timedelta(days=20), dt.time(8, 15))
    return Infraction(event_id, committed_at, effective_on, offence_class, points)


def stage(event_id: str, completed_on: dt.date) -> Stage:
    return Stage(event_id, completed_on)


def definitive(*events: Infraction | Stage, issued_on: dt.date = DEFINITIVE_ISSUE) -> LicenceFacts:
    return LicenceFacts(issued_on=issued_on, events=tuple(events))


def probationary(
    *events: Infraction | Stage, issued_on: dt.date = PROBATIONARY_ISSUE, early_training: bool = False
) -> LicenceFacts:
    return LicenceFacts(issued_on=issued_on, early_training=early_training, events=tuple(events))


def balance(facts: LicenceFacts, day: dt.date) -> int:
    return assess(facts, day).balance


def steps(assessment: Assessment) -> list[tuple[dt.date, int, int, str, str | None]]:
    return [(c.date, c.points, c.balance_after, c.rule, c.event_id) for c in assessment.history]


def codes(assessment: Assessment) -> list[tuple[dt.date, str, str | None]]:
    return [(letter.date, letter.code, letter.event_id) for letter in assessment.letters]


# Worked example of docs/law.md


WORKED_EXAMPLE = definitive(
    offence("A", D(2023, 3, 10), "C4", 4),
    offence("B", D(2023, 9, 1), "C3", 1),
)


def test_the_worked_example_of_the_rules_holds_exactly() -> None:
    result = assess(WORKED_EXAMPLE, D(2030, 1, 1))
    assert steps(result) == [
        (D(2023, 3, 10), -4, 8, "withdrawal", "A"),
        (D(2023, 9, 1), -1, 7, "withdrawal", "B"),
        (D(2024, 3, 1), 1, 8, "six_month", "B"),
        (D(2026, 9, 1), 4, 12, "full_restoration", "B"),
    ]
    assert [letter.code for letter in result.letters] == ["48", "48", "46", "46"]


def test_the_worked_example_forecasts_the_full_restoration_before_it_happens() -> None:
    result = assess(WORKED_EXAMPLE, D(2024, 3, 1))
    assert (result.balance, result.maximum, result.status) == (8, MAXIMUM_POINTS, "valid")
    assert [(c.date, c.rule, c.balance_after) for c in result.forecast] == [
        (D(2026, 9, 1), "full_restoration", 12)
    ]
    assert balance(WORKED_EXAMPLE, D(2026, 8, 31)) == 8


def test_the_dictionary_has_exactly_the_keys_of_the_interface() -> None:
    data = assess(WORKED_EXAMPLE, D(2024, 3, 1)).to_dict()
    assert list(data) == [
        "as_of",
        "balance",
        "maximum",
        "status",
        "probation",
        "history",
        "forecast",
        "letters",
    ]
    assert data["as_of"] == "2024-03-01"
    assert data["probation"] == {"active": False, "ends_on": None}
    assert data["history"][0] == {
        "date": "2023-03-10",
        "points": -4,
        "balance_after": 8,
        "rule": "withdrawal",
        "event_id": "A",
    }
    assert data["forecast"] == [
        {
            "date": "2026-09-01",
            "points": 4,
            "balance_after": 12,
            "rule": "full_restoration",
            "event_id": "B",
        }
    ]
    assert data["letters"][-1] == {"date": "2024-03-01", "code": "46", "event_id": "B"}


# R1 start


def test_a_licence_issued_the_day_before_the_reform_is_definitive_with_twelve_points() -> None:
    result = assess(LicenceFacts(issued_on=D(2004, 2, 29)), D(2004, 2, 29))
    assert (result.balance, result.maximum, result.probation.active) == (12, 12, False)
    assert result.probation.ends_on is None


def test_a_licence_issued_on_the_reform_day_is_probationary_with_six_points() -> None:
    result = assess(LicenceFacts(issued_on=D(2004, 3, 1)), D(2004, 3, 1))
    assert (result.balance, result.maximum, result.probation.active) == (6, 6, True)
    assert result.probation.ends_on == D(2007, 3, 1)


def test_probation_lasts_three_years_and_ends_on_the_third_anniversary() -> None:
    facts = probationary()
    assert assess(facts, D(2027, 6, 14)).probation.active
    assert not assess(facts, D(2027, 6, 15)).probation.active
    assert assess(facts, D(2027, 6, 15)).probation.ends_on == D(2027, 6, 15)


def test_probation_lasts_two_years_with_early_training() -> None:
    facts = probationary(early_training=True)
    assert assess(facts, D(2026, 6, 14)).probation.active
    assert not assess(facts, D(2026, 6, 15)).probation.active
    assert assess(facts, D(2026, 6, 15)).probation.early_training


def test_the_national_file_can_override_the_issue_date_rule_both_ways() -> None:
    old_but_probationary = LicenceFacts(issued_on=D(1990, 1, 1), probationary=True)
    recent_but_definitive = LicenceFacts(issued_on=D(2020, 1, 1), probationary=False)
    assert (
        balance(old_but_probationary, D(1990, 1, 1)),
        assess(old_but_probationary, D(1990, 1, 1)).maximum,
    ) == (
        6,
        6,
    )
    assert balance(recent_but_definitive, D(2020, 1, 1)) == 12
    assert not assess(recent_but_definitive, D(2020, 1, 1)).probation.active


# R2 probation increments


def test_each_anniversary_in_probation_adds_two_points_up_to_twelve() -> None:
    facts = probationary()
    assert [(balance(facts, d), assess(facts, d).maximum) for d in (D(2025, 6, 14), D(2025, 6, 15))] == [
        (6, 6),
        (8, 8),
    ]
    assert balance(facts, D(2026, 6, 15)) == 10
    assert (balance(facts, D(2027, 6, 14)), balance(facts, D(2027, 6, 15))) == (10, 12)
    result = assess(facts, D(2027, 6, 15))
    assert [c.rule for c in result.history] == ["probation_increment"] * 3
    assert result.letters == ()


def test_early_training_adds_three_points_on_the_first_two_anniversaries() -> None:
    facts = probationary(early_training=True)
    assert [balance(facts, d) for d in (D(2025, 6, 14), D(2025, 6, 15), D(2026, 6, 15), D(2027, 6, 15))] == [
        6,
        9,
        12,
        12,
    ]


def test_the_probation_reports_its_next_increment() -> None:
    result = assess(probationary(), D(2025, 7, 1))
    assert result.probation.next_increment_on == D(2026, 6, 15)
    assert result.probation.next_increment_points == 2
    assert not result.probation.increments_stopped


def test_an_infraction_committed_the_day_before_an_anniversary_stops_every_increment() -> None:
    committed = dt.datetime(2025, 6, 14, 23, 0)
    facts = probationary(offence("X", D(2025, 6, 14), "C3", 1, committed_at=committed))
    assert balance(facts, D(2025, 6, 15)) == 5
    result = assess(facts, D(2026, 6, 15))
    assert "probation_increment" not in [c.rule for c in result.history]
    assert result.probation.increments_stopped
    assert result.probation.next_increment_on is None


def test_an_increment_granted_before_a_blocking_infraction_took_effect_is_cancelled_that_day() -> None:
    # The file did not know X on the anniversary: it granted the increment, and corrects it when X
    # takes effect (« What the file knows on a day »), never on an earlier day.
    committed = dt.datetime(2025, 6, 14, 23, 0)
    facts = probationary(offence("X", D(2025, 7, 20), "C3", 1, committed_at=committed))
    assert (balance(facts, D(2025, 6, 15)), assess(facts, D(2025, 6, 15)).maximum) == (8, 8)
    day_before = assess(facts, D(2025, 7, 19))
    assert (day_before.balance, day_before.maximum, day_before.probation.increments_stopped) == (8, 8, False)
    day_of = assess(facts, D(2025, 7, 20))
    assert steps(day_of) == [
        (D(2025, 6, 15), 2, 8, "probation_increment", None),
        (D(2025, 7, 20), -2, 6, "restoration_cancelled", "X"),
        (D(2025, 7, 20), -1, 5, "withdrawal", "X"),
    ]
    assert (day_of.maximum, day_of.probation.increments_stopped) == (6, True)
    later = assess(facts, D(2026, 6, 15))
    assert [(c.date, c.rule) for c in later.history[3:]] == [(D(2026, 1, 20), "six_month")]


def test_an_infraction_committed_on_the_anniversary_stops_only_later_increments() -> None:
    committed = dt.datetime(2025, 6, 15, 8, 0)
    facts = probationary(offence("X", D(2025, 7, 20), "C4", 2, committed_at=committed))
    assert balance(facts, D(2025, 6, 15)) == 8
    assert balance(facts, D(2025, 7, 20)) == 6
    assert [c.rule for c in assess(facts, D(2027, 6, 14)).history].count("probation_increment") == 1


def test_the_probation_is_reported_frozen_from_the_day_the_file_knows_the_infraction() -> None:
    committed = dt.datetime(2025, 9, 1, 10, 0)
    facts = probationary(offence("X", D(2025, 10, 1), "C4", 2, committed_at=committed))
    assert not assess(facts, D(2025, 9, 30)).probation.increments_stopped
    assert assess(facts, D(2025, 10, 1)).probation.increments_stopped


def test_when_probation_ends_below_twelve_the_maximum_becomes_twelve_but_the_balance_does_not_jump() -> None:
    committed = dt.datetime(2025, 12, 1, 9, 0)
    facts = probationary(offence("X", D(2026, 1, 5), "C3", 2, committed_at=committed))
    before = assess(facts, D(2027, 6, 14))
    on_end = assess(facts, D(2027, 6, 15))
    assert (before.balance, before.maximum, before.probation.active) == (6, 8, True)
    assert (on_end.balance, on_end.maximum, on_end.probation.active) == (6, 12, False)


# R3 withdrawal


def test_points_are_withdrawn_on_the_effective_day_not_on_the_day_of_the_offence() -> None:
    facts = definitive(offence("A", D(2024, 5, 10), committed_at=dt.datetime(2024, 3, 1, 9, 0)))
    assert balance(facts, D(2024, 3, 1)) == 12
    assert balance(facts, D(2024, 5, 9)) == 12
    assert balance(facts, D(2024, 5, 10)) == 8


def test_a_delit_withdraws_six_points() -> None:
    facts = definitive(offence("A", D(2024, 5, 10), "DELIT", 6))
    assert steps(assess(facts, D(2024, 5, 10))) == [(D(2024, 5, 10), -6, 6, "withdrawal", "A")]


def test_offences_committed_at_the_same_moment_withdraw_eight_points_at_most() -> None:
    moment = dt.datetime(2024, 4, 2, 17, 30)
    facts = definitive(
        offence("A", D(2024, 5, 10), "DELIT", 6, committed_at=moment),
        offence("B", D(2024, 5, 10), "C4", 4, committed_at=moment),
        offence("C", D(2024, 5, 10), "C4", 3, committed_at=moment),
    )
    result = assess(facts, D(2024, 5, 10))
    assert result.balance == 4
    assert [(c.points, c.event_id) for c in result.history] == [(-6, "A"), (-2, "B")]


def test_the_eight_point_cap_holds_when_the_same_moment_takes_effect_on_different_days() -> None:
    moment = dt.datetime(2024, 4, 2, 17, 30)
    facts = definitive(
        offence("A", D(2024, 5, 10), "C4", 6, committed_at=moment),
        offence("B", D(2024, 9, 20), "C4", 4, committed_at=moment),
    )
    assert balance(facts, D(2024, 9, 20)) == 4


def test_offences_a_minute_apart_are_not_capped_together() -> None:
    facts = definitive(
        offence("A", D(2024, 5, 10), "C4", 6, committed_at=dt.datetime(2024, 4, 2, 17, 30)),
        offence("B", D(2024, 5, 10), "C4", 4, committed_at=dt.datetime(2024, 4, 2, 17, 31)),
    )
    assert balance(facts, D(2024, 5, 10)) == 2


# R4 invalidation


def test_a_balance_reaching_zero_invalidates_the_licence_that_day() -> None:
    facts = definitive(
        offence("A", D(2024, 1, 10), "DELIT", 6),
        offence("B", D(2024, 6, 3), "C4", 4),
        offence("C", D(2024, 9, 1), "C4", 4),
    )
    day_before = assess(facts, D(2024, 8, 31))
    day_of = assess(facts, D(2024, 9, 1))
    assert (day_before.status, day_before.balance, day_before.invalidated_on) == ("valid", 2, None)
    assert (day_of.status, day_of.balance, day_of.invalidated_on) == ("invalidated", 0, D(2024, 9, 1))
    assert steps(day_of)[-2:] == [
        (D(2024, 9, 1), -2, 0, "withdrawal", "C"),
        (D(2024, 9, 1), 0, 0, "invalidation", "C"),
    ]
    assert codes(day_of)[-2:] == [(D(2024, 9, 1), "48", "C"), (D(2024, 9, 1), "48SI", "C")]


def test_nothing_is_credited_after_invalidation() -> None:
    facts = definitive(
        offence("A", D(2024, 1, 10), "DELIT", 6),
        offence("B", D(2024, 6, 3), "C4", 6),
        stage("S", D(2024, 7, 1)),
        offence("C", D(2025, 1, 1), "C3", 1),
    )
    result = assess(facts, D(2040, 1, 1))
    assert result.balance == 0
    assert result.status == "invalidated"
    assert [c.rule for c in result.history][-1] == "invalidation"
    assert assess(facts, D(2024, 6, 3)).forecast == ()
    assert result.stage_possible_from is None
    assert result.stage_points_now == 0
    assert not assess(probationary(offence("A", D(2024, 9, 1), "DELIT", 6)), D(2024, 9, 1)).probation.active


# R5 six-month rule


def test_one_point_is_restored_six_months_after_its_effective_date() -> None:
    facts = definitive(offence("A", D(2024, 1, 15), "C3", 1))
    assert balance(facts, D(2024, 7, 14)) == 11
    assert balance(facts, D(2024, 7, 15)) == 12
    assert steps(assess(facts, D(2024, 7, 15)))[-1] == (D(2024, 7, 15), 1, 12, "six_month", "A")


def test_another_infraction_the_day_before_the_six_months_prevents_the_restoration() -> None:
    facts = definitive(offence("A", D(2024, 1, 15), "C3", 1), offence("B", D(2024, 7, 14), "C3", 1))
    assert ("six_month", "A") not in [(c.rule, c.event_id) for c in assess(facts, D(2024, 12, 31)).history]
    assert balance(facts, D(2024, 7, 15)) == 10


def test_another_infraction_committed_on_the_six_month_day_does_not_prevent_the_restoration() -> None:
    on_the_day = dt.datetime(2024, 7, 15, 8, 0)
    facts = definitive(
        offence("A", D(2024, 1, 15), "C3", 1), offence("B", D(2024, 7, 15), "C3", 1, committed_at=on_the_day)
    )
    assert steps(assess(facts, D(2024, 7, 15)))[-2:] == [
        (D(2024, 7, 15), 1, 12, "six_month", "A"),
        (D(2024, 7, 15), -1, 11, "withdrawal", "B"),
    ]


def test_two_one_point_infractions_committed_before_their_common_effective_day_are_both_restored() -> None:
    # Conseil d'État, 4 December 2017, n° 402423: committed before the six months, they block nothing.
    facts = definitive(
        offence("A", D(2024, 1, 15), "C3", 1, committed_at=dt.datetime(2023, 12, 1, 8, 0)),
        offence("B", D(2024, 1, 15), "C3", 1, committed_at=dt.datetime(2023, 12, 2, 8, 0)),
    )
    assert balance(facts, D(2024, 7, 14)) == 10
    assert balance(facts, D(2024, 7, 15)) == 12


def test_two_one_point_infractions_committed_on_their_common_effective_day_block_each_other() -> None:
    facts = definitive(
        offence("A", D(2024, 1, 15), "C3", 1, committed_at=dt.datetime(2024, 1, 15, 8, 0)),
        offence("B", D(2024, 1, 15), "C3", 1, committed_at=dt.datetime(2024, 1, 15, 9, 0)),
    )
    assert balance(facts, D(2024, 7, 15)) == 10


def test_a_two_point_infraction_is_not_restored_after_six_months() -> None:
    facts = definitive(offence("A", D(2024, 1, 15), "C3", 2))
    assert balance(facts, D(2024, 7, 15)) == 10


def test_six_months_after_the_end_of_august_is_the_end_of_february() -> None:
    facts = definitive(offence("A", D(2023, 8, 31), "C3", 1))
    assert balance(facts, D(2024, 2, 28)) == 11
    assert balance(facts, D(2024, 2, 29)) == 12
    assert add_months(D(2023, 8, 31), 6) == D(2024, 2, 29)
    assert add_years(D(2024, 2, 29), 1) == D(2025, 2, 28)


def test_a_day_past_the_end_of_the_calendar_is_never() -> None:
    # dt.date.max is the engine's "never": date arithmetic saturates instead of raising.
    assert add_years(D(9995, 1, 1), 10) == dt.date.max
    assert add_years(D(9999, 2, 28), 1) == dt.date.max
    assert add_months(D(9999, 8, 1), 6) == dt.date.max
    assert add_months(D(9999, 6, 30), 6) == D(9999, 12, 30)
    assert add_years(D(3, 1, 1), -5) == dt.date.min
    assert add_months(D(1, 3, 1), -3) == dt.date.min


def test_an_offence_of_the_far_future_takes_effect_but_its_restorations_never_come() -> None:
    # The review's example: imported before the feed checked the range, it crashed the engine.
    facts = definitive(offence("E1", D(9995, 1, 1), "C3", 2, committed_at=dt.datetime(9995, 1, 1, 10, 0)))
    # Unknown to the file until it takes effect: the forecast holds no withdrawal.
    assert (assess(facts, D(2025, 1, 1)).balance, assess(facts, D(2025, 1, 1)).forecast) == (12, ())
    that_day = assess(facts, D(9995, 1, 1))
    assert (that_day.balance, [(c.date, c.points, c.rule) for c in that_day.forecast]) == (
        10,
        [(D(9997, 1, 1), 2, "full_restoration")],
    )
    assert assess(facts, dt.date.max).balance == 12


def test_a_stage_finished_on_the_last_day_of_the_calendar_credits_nothing_and_raises_nothing() -> None:
    facts = definitive(offence("A", D(2024, 1, 15), "C4", 4), stage("S", dt.date.max))
    result = assess(facts, dt.date.max)
    assert [c.rule for c in result.history] == ["withdrawal", "full_restoration"]
    assert result.stage_possible_from == dt.date.max


# R6 full restoration


def test_twelve_points_come_back_two_years_after_a_minor_infraction() -> None:
    facts = definitive(offence("A", D(2024, 1, 15), "C3", 2))
    assert balance(facts, D(2026, 1, 14)) == 10
    assert balance(facts, D(2026, 1, 15)) == 12
    assert steps(assess(facts, D(2026, 1, 15)))[-1] == (D(2026, 1, 15), 2, 12, "full_restoration", "A")


@pytest.mark.parametrize("offence_class", ["C4", "C5", "DELIT"])
def test_twelve_points_come_back_after_three_years_when_a_serious_infraction_took_effect(
    offence_class: str,
) -> None:
    facts = definitive(offence("A", D(2024, 1, 15), offence_class, 6))
    assert balance(facts, D(2026, 1, 15)) == 6
    assert balance(facts, D(2027, 1, 14)) == 6
    assert balance(facts, D(2027, 1, 15)) == 12


def test_a_later_infraction_postpones_the_full_restoration() -> None:
    facts = definitive(offence("A", D(2024, 1, 15), "C3", 2), offence("B", D(2025, 3, 1), "C3", 2))
    assert balance(facts, D(2026, 1, 15)) == 8
    assert balance(facts, D(2027, 2, 28)) == 8
    assert balance(facts, D(2027, 3, 1)) == 12


def test_an_infraction_committed_before_the_period_and_taking_effect_on_the_anniversary_comes_after_it() -> (
    None
):
    before_the_period = dt.datetime(2024, 1, 10, 8, 0)
    facts = definitive(
        offence("A", D(2024, 1, 15), "C3", 2),
        offence("B", D(2026, 1, 15), "C3", 3, committed_at=before_the_period),
    )
    assert steps(assess(facts, D(2026, 1, 15)))[-2:] == [
        (D(2026, 1, 15), 2, 12, "full_restoration", "A"),
        (D(2026, 1, 15), -3, 9, "withdrawal", "B"),
    ]


def test_a_serious_infraction_before_the_balance_was_last_at_its_maximum_no_longer_counts() -> None:
    facts = definitive(
        offence("A", D(2023, 1, 10), "C4", 3),
        stage("S", D(2023, 2, 1)),  # back to 12 on 2023-02-02
        offence("B", D(2023, 6, 1), "C3", 2),
    )
    assert balance(facts, D(2025, 5, 31)) == 10
    assert balance(facts, D(2025, 6, 1)) == 12


def test_a_full_restoration_during_probation_ends_the_cap() -> None:
    facts = probationary(offence("A", D(2020, 4, 1), "C3", 2), issued_on=D(2020, 1, 1))
    before = assess(facts, D(2022, 3, 31))
    after = assess(facts, D(2022, 4, 1))
    assert (before.balance, before.maximum) == (4, 6)
    assert (after.balance, after.maximum, after.probation.active) == (12, 12, True)
    assert after.history[-1].rule == "full_restoration"


# R7 ten-year rule


def ten_year_history(first_class: str, first_points: int) -> LicenceFacts:
    # A first infraction, then a one-point C4 infraction every 18 months: R5 gives each point back,
    # and R6 never happens because three years never pass without an infraction.
    minor = [
        offence(f"M{k}", day, "C4", 1)
        for k, day in enumerate(
            [D(2011, 7, 1), D(2013, 1, 1), D(2014, 7, 1), D(2016, 1, 1), D(2017, 7, 1), D(2019, 1, 1)]
        )
    ]
    return definitive(offence("A", D(2010, 1, 10), first_class, first_points), *minor)


@pytest.mark.parametrize("offence_class", ["C1", "C2", "C3", "C4"])
def test_points_of_a_contravention_of_class_one_to_four_come_back_after_ten_years(offence_class: str) -> None:
    facts = ten_year_history(offence_class, 3)
    assert balance(facts, D(2020, 1, 9)) == 9
    assert balance(facts, D(2020, 1, 10)) == 12
    result = assess(facts, D(2020, 1, 10))
    assert steps(result)[-1] == (D(2020, 1, 10), 3, 12, "ten_year", "A")
    assert codes(result)[-1] == (D(2020, 1, 10), "46", "A")


@pytest.mark.parametrize("offence_class", ["C5", "DELIT"])
def test_points_of_a_class_five_contravention_or_a_delit_do_not_come_back_after_ten_years(
    offence_class: str,
) -> None:
    facts = ten_year_history(offence_class, 6)
    assert balance(facts, D(2020, 1, 10)) == 6
    assert "ten_year" not in [c.rule for c in assess(facts, D(2023, 1, 1)).history]


def test_points_given_back_by_a_full_restoration_are_not_given_back_again_after_ten_years() -> None:
    facts = definitive(offence("A", D(2010, 1, 10), "C4", 3), offence("B", D(2019, 6, 1), "C4", 2))
    result = assess(facts, D(2030, 1, 1))
    assert [c.rule for c in result.history] == [
        "withdrawal",
        "full_restoration",
        "withdrawal",
        "full_restoration",
    ]


def test_the_ten_year_rule_stays_within_the_maximum() -> None:
    facts = definitive(
        offence("A", D(2010, 1, 10), "C4", 3),
        *[offence(f"M{k}", D(2011 + k, 6, 1), "C4", 1) for k in range(9)],
        stage("S", D(2019, 9, 1)),
    )
    before = assess(facts, D(2020, 1, 9))
    assert before.balance == 12
    assert balance(facts, D(2020, 1, 10)) == 12
    assert "ten_year" not in [c.rule for c in assess(facts, D(2020, 1, 10)).history]


# R8 stage


def test_a_stage_credits_four_points_the_day_after_it_is_finished() -> None:
    facts = definitive(offence("A", D(2024, 1, 15), "DELIT", 6), stage("S", D(2024, 3, 4)))
    assert balance(facts, D(2024, 3, 4)) == 6
    assert balance(facts, D(2024, 3, 5)) == 10
    result = assess(facts, D(2024, 3, 5))
    assert steps(result)[-1] == (D(2024, 3, 5), 4, 10, "stage", "S")
    assert codes(result)[-1] == (D(2024, 3, 5), "47", "S")


def test_a_stage_never_credits_beyond_the_maximum() -> None:
    facts = definitive(offence("A", D(2024, 1, 15), "C4", 2), stage("S", D(2024, 3, 4)))
    assert steps(assess(facts, D(2024, 3, 5)))[-1] == (D(2024, 3, 5), 2, 12, "stage", "S")


def test_a_stage_less_than_a_year_after_the_last_one_credits_nothing() -> None:
    facts = definitive(
        offence("A", D(2024, 1, 15), "DELIT", 6),
        offence("B", D(2024, 2, 15), "DELIT", 6, committed_at=dt.datetime(2024, 2, 1, 8, 0)),
        stage("S1", D(2024, 1, 20)),
        stage("S2", D(2025, 1, 19)),
    )
    assert balance(facts, D(2025, 1, 20)) == 4
    assert assess(facts, D(2025, 1, 19)).stage_possible_from == D(2025, 1, 20)
    assert assess(facts, D(2025, 1, 19)).stage_points_now == 0


def test_a_stage_a_year_to_the_day_after_the_last_one_credits_points() -> None:
    facts = definitive(
        offence("A", D(2024, 1, 15), "DELIT", 6),
        offence("B", D(2024, 2, 15), "DELIT", 6, committed_at=dt.datetime(2024, 2, 1, 8, 0)),
        stage("S1", D(2024, 1, 20)),
        stage("S2", D(2025, 1, 20)),
    )
    assert balance(facts, D(2025, 1, 21)) == 8
    without_second = LicenceFacts(issued_on=facts.issued_on, events=facts.events[:3])
    now = assess(without_second, D(2025, 1, 20))
    assert (now.stage_possible_from, now.stage_points_now) == (D(2025, 1, 20), 4)
    assert assess(facts, D(2025, 1, 20)).stage_possible_from == D(2026, 1, 20)


def test_a_stage_that_credited_nothing_does_not_start_a_new_year() -> None:
    facts = definitive(
        stage("S1", D(2024, 1, 20)),
        offence("A", D(2024, 3, 15), "C4", 4),
        stage("S2", D(2024, 4, 1)),
    )
    assert balance(facts, D(2024, 4, 2)) == 12


def test_a_stage_during_probation_credits_within_the_probationary_cap() -> None:
    facts = probationary(offence("A", D(2024, 9, 1), "C4", 3), stage("S", D(2024, 10, 1)))
    result = assess(facts, D(2024, 10, 2))
    assert (result.balance, result.maximum) == (6, 6)


def test_a_stage_finished_the_day_before_a_full_restoration_would_credit_nothing() -> None:
    # R6 sets 12 on 2022-01-10, before the stage of 2022-01-09 is credited that day (R8, R10).
    facts = definitive(offence("A", D(2020, 1, 10), "C3", 2), issued_on=D(1998, 1, 1))
    today = assess(facts, D(2022, 1, 9))
    assert (today.balance, today.maximum, today.stage_possible_from) == (10, 12, D(2022, 1, 9))
    assert today.stage_points_now == 0
    taken = definitive(*facts.events, stage("S", D(2022, 1, 9)), issued_on=D(1998, 1, 1))
    assert "stage" not in [change.rule for change in assess(taken, D(2022, 1, 10)).history]


def test_a_stage_finished_the_day_before_probation_ends_credits_within_the_new_maximum() -> None:
    # Increments stopped by A; at 6 of 6 today, but the maximum is 12 on 2022-06-01 before the credit.
    issued_on = D(2019, 6, 1)
    facts = probationary(
        offence("A", D(2019, 8, 1), "C4", 3), stage("S1", D(2019, 9, 1)), issued_on=issued_on
    )
    today = assess(facts, D(2022, 5, 31))
    assert (today.balance, today.maximum, today.stage_points_now) == (6, 6, 4)
    taken = probationary(*facts.events, stage("S2", D(2022, 5, 31)), issued_on=issued_on)
    tomorrow = assess(taken, D(2022, 6, 1))
    assert steps(tomorrow)[-1] == (D(2022, 6, 1), 4, 10, "stage", "S2")
    assert (tomorrow.balance, tomorrow.maximum) == (10, 12)


# R9 letters


def test_a_withdrawal_leaving_seven_points_sends_only_letter_48() -> None:
    facts = definitive(offence("A", D(2024, 1, 15), "C4", 5))
    assert codes(assess(facts, D(2024, 1, 15))) == [(D(2024, 1, 15), "48", "A")]


def test_a_withdrawal_leaving_six_points_outside_probation_also_sends_48m() -> None:
    facts = definitive(offence("A", D(2024, 1, 15), "DELIT", 6))
    assert codes(assess(facts, D(2024, 1, 15))) == [(D(2024, 1, 15), "48", "A"), (D(2024, 1, 15), "48M", "A")]


def test_a_withdrawal_of_three_points_during_probation_also_sends_48n() -> None:
    facts = probationary(offence("A", D(2024, 9, 1), "C4", 3))
    assert [letter.code for letter in assess(facts, D(2024, 9, 1)).letters] == ["48", "48N"]


def test_a_withdrawal_of_two_points_during_probation_sends_only_48() -> None:
    facts = probationary(offence("A", D(2024, 9, 1), "C4", 2))
    assert [letter.code for letter in assess(facts, D(2024, 9, 1)).letters] == ["48"]


def test_restorations_by_time_send_46_and_stages_47() -> None:
    result = assess(WORKED_EXAMPLE, D(2026, 9, 1))
    assert [(letter.date, letter.code) for letter in result.letters if letter.code == "46"] == [
        (D(2024, 3, 1), "46"),
        (D(2026, 9, 1), "46"),
    ]


def test_letters_are_those_sent_up_to_the_day_assessed() -> None:
    assert [letter.code for letter in assess(WORKED_EXAMPLE, D(2023, 9, 1)).letters] == ["48", "48"]


# R10 order within a day


def test_within_a_day_restorations_come_first_then_withdrawals_then_stages() -> None:
    facts = definitive(
        offence("A", D(2024, 1, 15), "C3", 1),
        offence("B", D(2024, 5, 1), "C4", 4, committed_at=dt.datetime(2023, 12, 1, 8, 0)),
        stage("S", D(2024, 7, 14)),
        offence("C", D(2024, 7, 15), "C4", 3),
    )
    # A's six months end on 2024-07-15 but B took effect in between: nothing for A.
    assert [c.rule for c in assess(facts, D(2024, 7, 15)).history if c.date == D(2024, 7, 15)] == [
        "withdrawal",
        "stage",
    ]
    facts = definitive(
        offence("A", D(2024, 1, 15), "C3", 1),
        stage("S", D(2024, 7, 14)),
        offence("C", D(2024, 7, 15), "C4", 3, committed_at=dt.datetime(2024, 7, 15, 7, 0)),
    )
    assert steps(assess(facts, D(2024, 7, 15)))[-3:] == [
        (D(2024, 7, 15), 1, 12, "six_month", "A"),
        (D(2024, 7, 15), -3, 9, "withdrawal", "C"),
        (D(2024, 7, 15), 3, 12, "stage", "S"),
    ]


# « Et si… »


def test_simulating_an_offence_withdraws_its_points_the_same_day_and_saves_nothing() -> None:
    facts = definitive()
    result = simulate(
        facts, D(2026, 11, 22), offence=entry_by_code("FEU_ROUGE"), committed_on=D(2026, 11, 22)
    )
    assert result.balance == 8
    assert steps(result) == [(D(2026, 11, 22), -4, 8, "withdrawal", "SIMULATION")]
    assert [(c.date, c.rule) for c in result.forecast] == [(D(2029, 11, 22), "full_restoration")]
    assert facts.events == ()
    assert assess(facts, D(2026, 11, 22)).balance == 12


def test_the_simulated_offence_is_built_once_at_the_last_instant_of_its_day() -> None:
    offence_entry = entry_by_code("TELEPHONE")
    hypothetical = simulated_offence(offence_entry, D(2026, 11, 22))
    assert hypothetical.id == SIMULATION_EVENT_ID
    assert hypothetical.committed_at == dt.datetime(2026, 11, 22, 23, 59, 59, 999999)
    assert hypothetical.effective_on == D(2026, 11, 22)
    assert (hypothetical.offence_class, hypothetical.points, hypothetical.label) == (
        offence_entry.offence_class,
        offence_entry.points,
        offence_entry.label,
    )


@pytest.mark.parametrize(
    "moment",
    [dt.datetime(2026, 11, 22, 12, 0), dt.datetime(2026, 11, 22, 23, 59, 59, 999999)],
    ids=["noon", "last_instant"],
)
def test_the_simulated_offence_is_never_capped_with_a_recorded_one_of_the_same_moment(
    moment: dt.datetime,
) -> None:
    # R3 caps offences committed at the same moment at 8 points together; the simulated offence is
    # another offence, so a recorded 6-point offence and a simulated 6-point one withdraw 12.
    facts = definitive(offence("REAL", D(2026, 11, 22), "C5", 6, committed_at=moment))
    result = simulate(
        facts, D(2026, 11, 22), offence=entry_by_code("VITESSE_50_PLUS"), committed_on=D(2026, 11, 22)
    )
    assert steps(result) == [
        (D(2026, 11, 22), -6, 6, "withdrawal", "REAL"),
        (D(2026, 11, 22), -6, 0, "withdrawal", SIMULATION_EVENT_ID),
        (D(2026, 11, 22), 0, 0, "invalidation", SIMULATION_EVENT_ID),
    ]
    # Recorded offences of the same moment are still capped together.
    twin = offence("TWIN", D(2026, 11, 22), "C5", 6, committed_at=moment)
    assert assess(definitive(facts.events[0], twin), D(2026, 11, 22)).balance == 4


# R5 and R6 judged by the day an offence was committed (L223-6; CE 4 déc. 2017, n° 402423)


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10, 0))


ONE_POINT = offence("A", D(2024, 1, 15), "C3", 1, committed_at=at(D(2024, 1, 2)))  # R5 due 2024-07-15


@pytest.mark.parametrize(
    ("committed_on", "restored"),
    [
        (D(2024, 1, 14), True),  # the day before the window: committed before A took effect
        (D(2024, 1, 15), False),  # the first day of the window
        (D(2024, 7, 14), False),  # the last day of the window
        (D(2024, 7, 15), True),  # the restoration day itself
    ],
)
def test_the_six_month_window_is_judged_by_the_day_the_other_offence_was_committed(
    committed_on: dt.date, restored: bool
) -> None:
    # B takes effect inside the window in every case; only its commit day decides (R5).
    other = offence("B", D(2024, 7, 15), "C3", 2, committed_at=at(committed_on))
    result = assess(definitive(ONE_POINT, other), D(2024, 7, 15))
    assert (("six_month", "A") in [(c.rule, c.event_id) for c in result.history]) is restored


def test_an_offence_committed_before_the_window_taking_effect_inside_it_does_not_block_it() -> None:
    other = offence("B", D(2024, 3, 1), "C4", 2, committed_at=at(D(2023, 12, 20)))
    facts = definitive(ONE_POINT, other)
    assert balance(facts, D(2024, 7, 14)) == 9
    assert steps(assess(facts, D(2024, 7, 15)))[-1] == (D(2024, 7, 15), 1, 10, "six_month", "A")


def test_an_offence_committed_inside_the_window_taking_effect_after_it_cancels_the_restoration() -> None:
    other = offence("B", D(2024, 9, 10), "C4", 2, committed_at=at(D(2024, 6, 1)))
    facts = definitive(ONE_POINT, other)
    assert balance(facts, D(2024, 7, 15)) == 12  # the file did not know B yet
    day_before = assess(facts, D(2024, 9, 9))
    assert (day_before.balance, day_before.forecast) == (12, ())
    assert steps(assess(facts, D(2024, 9, 10)))[-3:] == [
        (D(2024, 7, 15), 1, 12, "six_month", "A"),
        (D(2024, 9, 10), -1, 11, "restoration_cancelled", "B"),
        (D(2024, 9, 10), -2, 9, "withdrawal", "B"),
    ]


def test_a_correction_never_changes_a_row_dated_before_it() -> None:
    other = offence("B", D(2024, 9, 10), "C4", 2, committed_at=at(D(2024, 6, 1)))
    facts = definitive(ONE_POINT, other)
    before = assess(facts, D(2024, 9, 9))
    after = assess(facts, D(2024, 9, 10))
    assert after.history[: len(before.history)] == before.history
    assert after.letters[: len(before.letters)] == before.letters


def test_the_forecast_on_a_day_holds_no_withdrawal_recorded_later() -> None:
    other = offence("B", D(2024, 9, 10), "C4", 2, committed_at=at(D(2024, 6, 1)))
    result = assess(definitive(ONE_POINT, other), D(2024, 7, 1))
    assert [(c.date, c.rule) for c in result.forecast] == [(D(2024, 7, 15), "six_month")]


def test_a_correction_that_leaves_nothing_invalidates_the_licence_on_that_day() -> None:
    facts = definitive(
        offence("A", D(2020, 1, 10), "DELIT", 6, committed_at=at(D(2019, 12, 1))),
        offence("B", D(2020, 2, 10), "C4", 5, committed_at=at(D(2020, 1, 20))),
        # X was committed inside R6's window (2020-02-10 → 2023-02-10) and is known only in August.
        offence("X", D(2023, 8, 1), "C4", 4, committed_at=at(D(2022, 12, 1))),
        # Y took 2 of the 12 the file had given back; without them, it would have taken the last one.
        offence("Y", D(2023, 4, 1), "C3", 2, committed_at=at(D(2023, 3, 1))),
    )
    day_before = assess(facts, D(2023, 7, 31))
    assert (day_before.balance, day_before.status) == (10, "valid")
    day_of = assess(facts, D(2023, 8, 1))
    assert steps(day_of)[2:] == [
        (D(2023, 2, 10), 11, 12, "full_restoration", "B"),
        (D(2023, 4, 1), -2, 10, "withdrawal", "Y"),
        (D(2023, 8, 1), -10, 0, "restoration_cancelled", "X"),
        (D(2023, 8, 1), 0, 0, "invalidation", "X"),
    ]
    assert (day_of.status, day_of.invalidated_on) == ("invalidated", D(2023, 8, 1))
    assert codes(day_of)[-1] == (D(2023, 8, 1), "48SI", "X")


def test_a_full_restoration_granted_too_early_is_corrected_on_the_effective_day() -> None:
    facts = definitive(
        offence("A", D(2024, 1, 15), "C3", 2, committed_at=at(D(2024, 1, 1))),
        offence("B", D(2026, 3, 1), "C3", 3, committed_at=at(D(2025, 12, 1))),
    )
    assert balance(facts, D(2026, 1, 14)) == 10
    assert balance(facts, D(2026, 1, 15)) == 12
    assert balance(facts, D(2026, 2, 28)) == 12
    assert steps(assess(facts, D(2026, 3, 1)))[-2:] == [
        (D(2026, 3, 1), -2, 10, "restoration_cancelled", "B"),
        (D(2026, 3, 1), -3, 7, "withdrawal", "B"),
    ]


def test_an_offence_committed_on_its_effective_day_does_not_block_its_own_full_restoration() -> None:
    # Paid on the spot: committed and effective the same day, it starts the period (D3).
    facts = definitive(offence("A", D(2024, 1, 15), "C3", 2, committed_at=at(D(2024, 1, 15))))
    assert balance(facts, D(2026, 1, 15)) == 12


def test_the_full_restoration_is_named_after_the_offence_of_its_day_that_withdrew_the_most() -> None:
    day = D(2024, 1, 15)
    facts = definitive(
        offence("A", day, "C3", 1, committed_at=at(D(2023, 12, 1))),
        offence("B", day, "C3", 2, committed_at=at(D(2023, 12, 2))),
        offence("C", day, "C3", 1, committed_at=at(D(2023, 12, 3))),
    )
    assert steps(assess(facts, D(2026, 1, 15)))[-1] == (D(2026, 1, 15), 2, 12, "full_restoration", "B")


def test_a_correction_on_a_day_a_restoration_is_due_comes_after_it() -> None:
    # X cancels A's six-month restoration (granted 2024-07-15); X takes effect the day B's own
    # six-month restoration is due, which X does not block (committed before B took effect).
    facts = definitive(
        ONE_POINT,
        offence("B", D(2024, 4, 1), "C3", 1, committed_at=at(D(2023, 11, 1))),
        offence("X", D(2024, 10, 1), "C4", 2, committed_at=at(D(2024, 3, 20))),
    )
    assert balance(facts, D(2024, 9, 30)) == 11
    assert steps(assess(facts, D(2024, 10, 1)))[-3:] == [
        (D(2024, 10, 1), 1, 12, "six_month", "B"),
        (D(2024, 10, 1), -1, 11, "restoration_cancelled", "X"),
        (D(2024, 10, 1), -2, 9, "withdrawal", "X"),
    ]


# D5: A's point comes back on 2023-07-10 (R5). Y and X both take effect on 2023-09-01; Y comes first
# in R10 order but was committed before A took effect, outside the window; X was committed inside it.
LATE_PAIR = definitive(
    offence("A", D(2023, 1, 10), "C3", 1, committed_at=at(D(2023, 1, 1))),
    offence("Y", D(2023, 9, 1), "C3", 1, committed_at=at(D(2022, 12, 1))),
    offence("X", D(2023, 9, 1), "C3", 1, committed_at=at(D(2023, 3, 1))),
)


def test_the_correction_names_the_offence_committed_inside_the_window_not_the_first_of_its_day() -> None:
    assert steps(assess(LATE_PAIR, D(2023, 9, 1)))[-4:] == [
        (D(2023, 7, 10), 1, 12, "six_month", "A"),
        (D(2023, 9, 1), -1, 11, "restoration_cancelled", "X"),
        (D(2023, 9, 1), -1, 10, "withdrawal", "Y"),
        (D(2023, 9, 1), -1, 9, "withdrawal", "X"),
    ]


def test_a_correction_to_zero_names_the_offence_committed_inside_the_window_in_its_48si() -> None:
    facts = definitive(
        offence("A", D(2023, 1, 10), "DELIT", 6, committed_at=at(D(2023, 1, 1))),
        offence("B", D(2023, 2, 10), "C4", 5, committed_at=at(D(2023, 1, 20))),  # R6: 12 on 2026-02-10
        offence("W", D(2026, 4, 1), "C3", 1, committed_at=at(D(2026, 3, 1))),  # took the last point
        # Both known on 2026-06-01: Y was committed before R6's period began, X inside it.
        offence("Y", D(2026, 6, 1), "C3", 1, committed_at=at(D(2023, 1, 25))),
        offence("X", D(2026, 6, 1), "C3", 1, committed_at=at(D(2024, 5, 1))),
    )
    result = assess(facts, D(2026, 6, 1))
    assert steps(result)[-2:] == [
        (D(2026, 6, 1), -11, 0, "restoration_cancelled", "X"),
        (D(2026, 6, 1), 0, 0, "invalidation", "X"),
    ]
    assert codes(result)[-1] == (D(2026, 6, 1), "48SI", "X")
