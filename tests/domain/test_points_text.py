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
    assert format_date_fr(dt.date(2026, 8, 1)) == "1 août 2026"


def test_points_are_singular_up_to_one() -> None:
    assert [points_fr(n) for n in (0, 1, 2, 12)] == ["0 point", "1 point", "2 points", "12 points"]


def test_every_rule_and_every_letter_has_a_french_wording() -> None:
    assert set(RULE_LABELS_FR) == set(RULES)
    assert set(LETTER_MEANINGS_FR) == set(LETTER_CODES)
    assert RULE_LABELS_FR["six_month"] == "récupération d'un point après 6 mois sans infraction"
    assert "stage" in LETTER_MEANINGS_FR["48N"] and "obligatoire" in LETTER_MEANINGS_FR["48N"]


def test_the_table_shows_balance_history_forecast_and_letters_in_french() -> None:
    table = render_table_fr(assess(WORKED_EXAMPLE, dt.date(2024, 3, 1)), "120575100123")
    assert "Permis n° 120575100123 — situation au 1 mars 2024" in table
    assert "Solde : 8 points sur 12" in table
    assert "Statut : valide" in table
    assert "Période probatoire : non (permis définitif)" in table
    history, forecast = table.split("Calendrier prévisionnel")
    assert "10 mars 2023" in history and "-4" in history
    assert "récupération d'un point après 6 mois sans infraction (INF-B)" in history
    assert "1 septembre 2026" in forecast and "+4" in forecast
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
