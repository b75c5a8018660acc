"""The holder's situation in plain French (mespoints.domain.situation): what the stage can do today."""

from __future__ import annotations

import datetime as dt

from mespoints.domain.points import assess
from mespoints.domain.records import Infraction, LicenceFacts, Stage
from mespoints.domain.situation import stage_info

D = dt.date


def offence(event_id: str, effective_on: dt.date, offence_class: str, points: int) -> Infraction:
    committed_at = dt.datetime.combine(effective_on - dt.timedelta(days=9), dt.time(8))
    return Infraction(event_id, committed_at, effective_on, offence_class, points)


# 6 of 6 from 2019-09-02 (A stopped the increments, R2); probation ends on 2022-06-01.
AT_THE_PROBATIONARY_CAP = LicenceFacts(
    issued_on=D(2019, 6, 1), events=(offence("A", D(2019, 8, 1), "C4", 3), Stage("S1", D(2019, 9, 1)))
)


def stage_advice(facts: LicenceFacts, as_of: dt.date) -> tuple[bool, int, str]:
    """Whether a stage is worth taking on `as_of`, the points it would give back, and why, in French."""
    info = stage_info(assess(facts, as_of), facts)
    (line,) = info.lines
    return info.available_now, info.points_now, line


def test_a_balance_back_at_its_maximum_tomorrow_leaves_nothing_for_a_stage_finished_today() -> None:
    # 10 of 12 today; R6 sets 12 tomorrow, before a stage finished today is credited (R8, R10).
    facts = LicenceFacts(issued_on=D(1998, 1, 1), events=(offence("A", D(2020, 1, 10), "C3", 2),))
    assert stage_advice(facts, D(2022, 1, 9)) == (
        False,
        0,
        "Votre solde retrouvera son maximum demain : un stage terminé aujourd'hui, dont les points ne "
        "sont crédités que le lendemain, ne vous rendrait aucun point. Un stage pourra vous rendre "
        "jusqu'à 4 points après un retrait.",
    )


def test_a_stage_finished_the_day_before_probation_ends_can_be_taken_now() -> None:
    # The maximum is 12 on 2022-06-01, before the credit of a stage finished today (R2, R8, R10).
    assert stage_advice(AT_THE_PROBATIONARY_CAP, D(2022, 5, 31)) == (
        True,
        4,
        "Vous pouvez suivre un stage dès maintenant : il vous rendrait 4 points, crédités le lendemain "
        "de sa fin.",
    )


def test_at_the_probationary_cap_the_stage_waits_for_the_end_of_probation_not_for_a_withdrawal() -> None:
    assert stage_advice(AT_THE_PROBATIONARY_CAP, D(2022, 5, 1)) == (
        False,
        0,
        "Votre solde est à son maximum actuel : un stage ne vous rendrait aucun point aujourd'hui. Votre "
        "maximum passera à 12 points à la fin de votre période probatoire, le 1er juin 2022 : un stage "
        "terminé à partir du 31 mai 2022 pourra alors vous rendre jusqu'à 4 points.",
    )


def test_back_at_the_probationary_cap_tomorrow_the_stage_waits_for_the_end_of_probation() -> None:
    # 5 of 6; R5 gives the point back on 2020-11-10; R6 (3 years, class 4) comes after probation ends.
    facts = LicenceFacts(issued_on=D(2020, 3, 1), events=(offence("A", D(2020, 5, 10), "C4", 1),))
    _, points, line = stage_advice(facts, D(2020, 11, 9))
    assert points == 0
    assert line.endswith(
        "Votre maximum passera à 12 points à la fin de votre période probatoire, le 1er mars 2023 : un "
        "stage terminé à partir du 28 février 2023 pourra alors vous rendre jusqu'à 4 points."
    )


def test_a_full_restoration_during_probation_lifts_the_cap_with_the_balance() -> None:
    # 4 of 6; R6 sets 12 tomorrow and ends the cap (D9): afterwards only a withdrawal leaves room.
    facts = LicenceFacts(issued_on=D(2020, 3, 1), events=(offence("A", D(2020, 5, 10), "C3", 2),))
    _, points, line = stage_advice(facts, D(2022, 5, 9))
    assert points == 0
    assert line.startswith("Votre solde retrouvera son maximum demain")
    assert line.endswith("Un stage pourra vous rendre jusqu'à 4 points après un retrait.")
