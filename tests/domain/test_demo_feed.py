"""The demo national file (mespoints/data/demo_feed.jsonl) shows every rule on the demo day."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from typing import Any

import pytest

from mespoints.domain.feed import FeedLicence, parse_feed_line
from mespoints.domain.points import LETTER_CODES, RULES, Assessment, assess
from mespoints.domain.records import Infraction, LicenceFacts, Stage

DEMO_DAY = dt.date(2026, 11, 22)
DEMO_LINES = (
    resources.files("mespoints.data").joinpath("demo_feed.jsonl").read_text(encoding="utf-8").splitlines()
)


def facts_of(record: dict[str, Any]) -> LicenceFacts:
    events: list[Infraction | Stage] = []
    for event in record["events"]:
        if event["kind"] == "infraction":
            events.append(
                Infraction(
                    id=event["id"],
                    committed_at=dt.datetime.fromisoformat(event["committed_at"]),
                    effective_on=dt.date.fromisoformat(event["effective_on"]),
                    offence_class=event["offence_class"],
                    points=event["points"],
                    label=event.get("label", ""),
                    place=event.get("place", ""),
                )
            )
        else:
            events.append(
                Stage(event["id"], dt.date.fromisoformat(event["completed_on"]), event.get("place", ""))
            )
    return LicenceFacts(
        issued_on=dt.date.fromisoformat(record["issued_on"]),
        early_training=record["early_training"],
        probationary=record.get("probationary"),
        events=tuple(events),
    )


RECORDS = [json.loads(line) for line in DEMO_LINES]
ASSESSMENTS: dict[str, Assessment] = {
    record["licence_number"]: assess(facts_of(record), DEMO_DAY) for record in RECORDS
}


def test_the_demo_file_has_at_least_thirty_licences_with_unique_numbers() -> None:
    numbers = [record["licence_number"] for record in RECORDS]
    assert len(numbers) >= 30
    assert len(set(numbers)) == len(numbers)


@pytest.mark.parametrize("line_number", range(1, len(DEMO_LINES) + 1))
def test_every_demo_line_is_a_valid_feed_record(line_number: int) -> None:
    parsed = parse_feed_line(DEMO_LINES[line_number - 1])
    assert isinstance(parsed, FeedLicence), parsed
    assert parsed.to_facts() == facts_of(RECORDS[line_number - 1])


def test_on_the_demo_day_every_rule_appears_in_some_history_or_forecast() -> None:
    seen = {change.rule for a in ASSESSMENTS.values() for change in (*a.history, *a.forecast)}
    assert seen == set(RULES)


def test_on_the_demo_day_every_letter_has_been_sent_to_someone() -> None:
    assert {letter.code for a in ASSESSMENTS.values() for letter in a.letters} == set(LETTER_CODES)


def test_the_demo_file_has_both_formats_and_names_with_accents_hyphens_and_apostrophes() -> None:
    assert {record["format"] for record in RECORDS} == {"card", "three_part"}
    names = " ".join(f"{record['last_name']} {record['first_names']}" for record in RECORDS)
    assert "'" in names
    assert "-" in names
    assert any(not char.isascii() for char in names)


def test_the_demo_file_has_probation_with_and_without_early_training_on_the_demo_day() -> None:
    active = [a.probation for a in ASSESSMENTS.values() if a.probation.active]
    assert {probation.early_training for probation in active} == {True, False}
    assert any(probation.increments_stopped for probation in active)
    assert any(probation.next_increment_on for probation in active)


def test_the_demo_file_has_an_invalidated_licence_and_a_future_for_others() -> None:
    assert any(a.status == "invalidated" for a in ASSESSMENTS.values())
    assert sum(1 for a in ASSESSMENTS.values() if a.forecast) >= 10
    assert any(record.get("probationary") is False for record in RECORDS)


def test_the_three_demo_accounts_come_first_with_their_expected_balances() -> None:
    martin, petit, durand = RECORDS[:3]
    assert (martin["last_name"], martin["first_names"], martin["birth_date"]) == (
        "MARTIN-DÉMO",
        "Julie Anne",
        "1975-05-12",
    )
    assert (petit["last_name"], petit["first_names"], petit["birth_date"]) == (
        "PETIT-EXEMPLE",
        "Léo",
        "2004-08-30",
    )
    assert (durand["last_name"], durand["first_names"], durand["birth_date"]) == (
        "DURAND-FICTIF",
        "Noé",
        "1988-02-03",
    )

    definitive = ASSESSMENTS[martin["licence_number"]]
    assert (definitive.balance, definitive.maximum, definitive.status) == (8, 12, "valid")
    assert [(c.date, c.rule) for c in definitive.history[:4]] == [
        (dt.date(2023, 3, 10), "withdrawal"),
        (dt.date(2023, 9, 1), "withdrawal"),
        (dt.date(2024, 3, 1), "six_month"),
        (dt.date(2026, 9, 1), "full_restoration"),
    ]
    assert [(c.date, c.rule, c.balance_after) for c in definitive.forecast] == [
        (dt.date(2027, 5, 3), "six_month", 9),
        (dt.date(2029, 11, 3), "full_restoration", 12),
    ]

    probationary = ASSESSMENTS[petit["licence_number"]]
    assert (probationary.balance, probationary.maximum) == (10, 10)
    assert probationary.probation.active and not probationary.probation.early_training
    assert probationary.probation.ends_on == dt.date(2027, 6, 15)

    invalidated = ASSESSMENTS[durand["licence_number"]]
    assert (invalidated.balance, invalidated.maximum, invalidated.status) == (0, 12, "invalidated")
    assert invalidated.invalidated_on is not None and invalidated.invalidated_on.year == 2025
