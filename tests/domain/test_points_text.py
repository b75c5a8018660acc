"""French wording of the points engine's answers."""

from __future__ import annotations

import datetime as dt

from mespoints.domain.points import LETTER_CODES, RULES, assess
from mespoints.domain.points_text import (
    LETTER_MEANINGS_FR,
    RULE_LABELS_FR,
    format_date_fr,
    points_fr,
    render_table_fr,
)
from mespoints.domain.records import Infraction, LicenceFacts

WORKED_EXAMPLE = LicenceFacts(
    issued_on=dt.date(1998, 6, 1),
    events=(
        Infraction("INF-A", dt.datetime(2023, 2, 3, 8, 15), dt.date(2023, 3, 10), "C4", 4),
        Infraction("INF-B", dt.datetime(2023, 8, 1, 9, 0), dt.date(2023, 9, 1), "C3", 1),
    ),
)


def test_dates_are_written_the_french_way() -> None:
    assert format_date_fr(dt.date(2023, 3, 10)) == "10 mars 2023"
    assert format_date_fr(dt.date(2025, 2, 11)) == "11 février 2025"
    assert format_date_fr(dt.date(2024, 12, 31)) == "31 décembre 2024"


def test_the_first_day_of_a_month_is_written_as_an_ordinal() -> None:
    assert format_date_fr(dt.date(2025, 7, 1)) == "1er juillet 2025"
    assert format_date_fr(dt.date(2026, 8, 1)) == "1er août 2026"
    assert [format_date_fr(dt.date(2025, 1, day)) for day in (1, 2, 21, 31)] == [
        "1er janvier 2025",
        "2 janvier 2025",
        "21 janvier 2025",
        "31 janvier 2025",
    ]


def test_dates_at_the_ends_of_the_calendar_are_written_too() -> None:
    assert format_date_fr(dt.date.max) == "31 décembre 9999"
    assert format_date_fr(dt.date.min) == "1er janvier 1"


def test_points_are_singular_up_to_one() -> None:
    assert [points_fr(n) for n in (0, 1, 2, 12)] == ["0 point", "1 point", "2 points", "12 points"]


def test_every_rule_and_every_letter_has_a_french_wording() -> None:
    assert set(RULE_LABELS_FR) == set(RULES)
    assert set(LETTER_MEANINGS_FR) == set(LETTER_CODES)
    assert RULE_LABELS_FR["six_month"] == "récupération d'un point après 6 mois sans infraction"
    assert "stage" in LETTER_MEANINGS_FR["48N"] and "obligatoire" in LETTER_MEANINGS_FR["48N"]


def test_the_table_shows_balance_history_forecast_and_letters_in_french() -> None:
    table = render_table_fr(assess(WORKED_EXAMPLE, dt.date(2024, 3, 1)), "120575100123")
    assert "Permis n° 120575100123 — situation au 1er mars 2024" in table
    assert "Solde : 8 points sur 12" in table
    assert "Statut : valide" in table
    assert "Période probatoire : non (permis définitif)" in table
    history, forecast = table.split("Calendrier prévisionnel")
    assert "10 mars 2023" in history and "-4" in history
    assert "récupération d'un point après 6 mois sans infraction (INF-B)" in history
    assert "1er septembre 2026" in forecast and "+4" in forecast
    assert "Courriers" in forecast
    assert "des points vous ont été restitués avec le temps" in forecast


def test_the_table_of_an_invalidated_licence_says_so() -> None:
    facts = LicenceFacts(
        issued_on=dt.date(2000, 1, 1),
        events=(
            Infraction("X", dt.datetime(2024, 1, 1, 1, 0), dt.date(2024, 2, 1), "DELIT", 6),
            Infraction("Y", dt.datetime(2024, 1, 2, 1, 0), dt.date(2024, 2, 2), "DELIT", 6),
        ),
    )
    table = render_table_fr(assess(facts, dt.date(2024, 3, 1)), "X1234")
    assert "Statut : invalidé depuis le 2 février 2024" in table
    assert "48SI" in table
    assert "impossible (permis invalidé)" in table


def probation_line(facts: LicenceFacts, as_of: dt.date) -> str:
    table = render_table_fr(assess(facts, as_of), "X1234")
    return next(line for line in table.splitlines() if line.startswith("Période probatoire : "))


PROBATIONARY = LicenceFacts(issued_on=dt.date(2025, 1, 10))


def test_the_probation_line_of_a_licence_invalidated_during_probation_says_it_was_cut_short() -> None:
    facts = LicenceFacts(
        issued_on=dt.date(2025, 1, 10),
        events=(Infraction("X", dt.datetime(2025, 6, 1, 10, 0), dt.date(2025, 7, 1), "DELIT", 6),),
    )
    assert probation_line(facts, dt.date(2025, 8, 1)) == (
        "Période probatoire : interrompue le 1er juillet 2025 par l'invalidation du permis"
        " (sans apprentissage anticipé de la conduite)"
    )
    # After the term too: it ended with the invalidation, not on 10 January 2028.
    assert "interrompue le 1er juillet 2025" in probation_line(facts, dt.date(2030, 1, 1))


def test_the_probation_line_of_a_licence_invalidated_after_probation_says_when_it_ended() -> None:
    facts = LicenceFacts(
        issued_on=dt.date(2025, 1, 10),
        events=(Infraction("X", dt.datetime(2028, 6, 1, 10, 0), dt.date(2028, 7, 1), "DELIT", 6),),
    )
    assert probation_line(facts, dt.date(2028, 8, 1)) == (
        "Période probatoire : terminée le 10 janvier 2028 (sans apprentissage anticipé de la conduite)"
    )


def test_the_probation_line_before_the_issue_date_says_it_has_not_started() -> None:
    assert probation_line(PROBATIONARY, dt.date(2024, 12, 1)) == (
        "Période probatoire : pas encore commencée : du 10 janvier 2025, jour de la délivrance, au"
        " 10 janvier 2028 (sans apprentissage anticipé de la conduite)"
    )


def test_the_probation_line_while_it_runs_and_after_its_term() -> None:
    assert probation_line(PROBATIONARY, dt.date(2025, 1, 10)) == (
        "Période probatoire : en cours jusqu'au 10 janvier 2028 (sans apprentissage anticipé de la"
        " conduite) ; prochaine majoration : +2 points le 10 janvier 2026"
    )
    assert probation_line(PROBATIONARY, dt.date(2028, 1, 10)) == (
        "Période probatoire : terminée le 10 janvier 2028 (sans apprentissage anticipé de la conduite)"
    )


def test_the_stage_line_says_the_balance_is_back_at_its_maximum_before_a_stage_finished_today() -> None:
    # 10 of 12, and R6 gives 12 the next day, before that day's stage credit (R8, R10).
    facts = LicenceFacts(
        issued_on=dt.date(1998, 1, 1),
        events=(Infraction("A", dt.datetime(2020, 1, 1, 8, 0), dt.date(2020, 1, 10), "C3", 2),),
    )
    table = render_table_fr(assess(facts, dt.date(2022, 1, 9)), "120575100123")
    assert (
        "Stage de sensibilisation : possible, mais sans effet : votre solde retrouve son maximum le "
        "lendemain, avant le stage"
    ) in table
