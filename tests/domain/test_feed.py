"""One line of the national-file feed (interfaces.md section 4): what is accepted, what is not, and why."""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
from collections.abc import Callable
from typing import Any

import pytest

from mespoints.domain.feed import FeedCategory, FeedLicence, _check_thoroughly, parse_feed_line
from mespoints.domain.records import Infraction, LicenceFacts, Stage

VALID: dict[str, Any] = {
    "licence_number": "120575100123",
    "format": "card",
    "last_name": "MARTIN",
    "first_names": "Julie Anne",
    "birth_date": "1990-05-17",
    "issued_on": "2009-06-02",
    "early_training": False,
    "categories": [{"category": "B", "obtained_on": "2009-06-02"}],
    "events": [
        {
            "id": "INF-0001",
            "kind": "infraction",
            "committed_at": "2023-02-03T08:15:00",
            "effective_on": "2023-03-10",
            "offence_class": "C4",
            "points": 4,
            "label": "Excès de vitesse de 40 à moins de 50 km/h",
            "place": "Lyon (69)",
        },
        {"id": "STG-0001", "kind": "stage", "completed_on": "2024-04-12", "place": "Villeurbanne (69)"},
    ],
    "updated_at": "2024-11-02T03:00:00+00:00",
}


def parse(record: object) -> FeedLicence | list[str]:
    return parse_feed_line(json.dumps(record, ensure_ascii=False))


def reasons_after(change: Callable[[dict[str, Any]], object]) -> list[str]:
    record = copy.deepcopy(VALID)
    change(record)
    result = parse(record)
    assert isinstance(result, list), f"expected a rejection, got {result!r}"
    return result


def test_the_example_of_the_interface_is_read_into_an_immutable_record() -> None:
    record = parse(VALID)
    assert record == FeedLicence(
        licence_number="120575100123",
        format="card",
        last_name="MARTIN",
        first_names="Julie Anne",
        birth_date=dt.date(1990, 5, 17),
        issued_on=dt.date(2009, 6, 2),
        early_training=False,
        probationary=None,
        categories=(FeedCategory("B", dt.date(2009, 6, 2)),),
        events=(
            Infraction(
                id="INF-0001",
                committed_at=dt.datetime(2023, 2, 3, 8, 15),
                effective_on=dt.date(2023, 3, 10),
                offence_class="C4",
                points=4,
                label="Excès de vitesse de 40 à moins de 50 km/h",
                place="Lyon (69)",
            ),
            Stage(id="STG-0001", completed_on=dt.date(2024, 4, 12), place="Villeurbanne (69)"),
        ),
        updated_at=dt.datetime(2024, 11, 2, 3, 0),
    )
    with pytest.raises(AttributeError):
        record.format = "three_part"  # type: ignore[misc,union-attr]


def test_a_record_gives_the_facts_the_points_engine_reads() -> None:
    record = parse({**VALID, "early_training": True, "probationary": False})
    assert isinstance(record, FeedLicence)
    assert record.to_facts() == LicenceFacts(
        issued_on=dt.date(2009, 6, 2), early_training=True, probationary=False, events=record.events
    )


def test_a_licence_number_with_spaces_and_lower_case_is_stored_normalized() -> None:
    record = parse({**VALID, "licence_number": "ab 1234 5678"})
    assert isinstance(record, FeedLicence)
    assert record.licence_number == "AB12345678"


def test_updated_at_is_kept_in_naive_utc() -> None:
    record = parse({**VALID, "updated_at": "2024-11-02T05:00:00+02:00"})
    assert isinstance(record, FeedLicence)
    assert record.updated_at == dt.datetime(2024, 11, 2, 3, 0)


def test_committed_at_with_an_offset_keeps_its_local_time() -> None:
    record = copy.deepcopy(VALID)
    record["events"][0]["committed_at"] = "2023-02-03T23:30:00+01:00"
    record["events"][0]["effective_on"] = "2023-02-03"
    parsed = parse(record)
    assert isinstance(parsed, FeedLicence)
    assert parsed.events[0].committed_at == dt.datetime(2023, 2, 3, 23, 30)  # type: ignore[union-attr]


def test_an_infraction_may_take_effect_on_the_day_it_was_committed() -> None:
    record = copy.deepcopy(VALID)
    record["events"][0]["effective_on"] = "2023-02-03"
    assert isinstance(parse(record), FeedLicence)


def test_a_delit_withdrawing_six_points_is_accepted() -> None:
    record = copy.deepcopy(VALID)
    record["events"][0].update(offence_class="DELIT", points=6)
    assert isinstance(parse(record), FeedLicence)


def test_optional_fields_may_be_absent_or_null() -> None:
    record = copy.deepcopy(VALID)
    record["probationary"] = None
    del record["events"][0]["label"], record["events"][0]["place"], record["events"][1]["place"]
    record["events"][0]["id"] = "INF 1"
    parsed = parse(record)
    assert isinstance(parsed, FeedLicence)
    assert parsed.probationary is None
    assert parsed.events[0] == Infraction(
        "INF 1", dt.datetime(2023, 2, 3, 8, 15), dt.date(2023, 3, 10), "C4", 4, "", ""
    )


def test_a_licence_without_categories_or_events_is_accepted() -> None:
    record = parse({**VALID, "categories": [], "events": [], "format": "three_part", "probationary": True})
    assert isinstance(record, FeedLicence)
    assert (record.categories, record.events, record.probationary) == ((), (), True)


def test_a_line_in_bytes_with_a_utf8_name_is_read() -> None:
    record = parse_feed_line(json.dumps({**VALID, "last_name": "MARTIN-DÉMO"}, ensure_ascii=False).encode())
    assert isinstance(record, FeedLicence)
    assert record.last_name == "MARTIN-DÉMO"


def _set(path: str, value: object) -> Callable[[dict[str, Any]], None]:
    """A change that sets the field at a dotted path such as "events.0.points"."""

    def change(record: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = record
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value

    return change


def _drop(path: str) -> Callable[[dict[str, Any]], None]:
    def change(record: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = record
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        del target[last]

    return change


def _add_event(event: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    return lambda record: record["events"].append(event)


REJECTIONS = [
    ("licence_number_missing", _drop("licence_number"), "licence_number: missing"),
    ("licence_number_too_short", _set("licence_number", "1234"), "licence_number: must be 5 to 19"),
    ("licence_number_too_long", _set("licence_number", "1" * 20), "licence_number: must be 5 to 19"),
    ("licence_number_with_hyphens", _set("licence_number", "1205-7510"), "licence_number: must be 5 to 19"),
    ("licence_number_not_text", _set("licence_number", 120575100123), "licence_number: must be 5 to 19"),
    ("format_unknown", _set("format", "paper"), "format: must be 'card' or 'three_part', got \"paper\""),
    ("last_name_empty", _set("last_name", "  "), "last_name: must not be empty"),
    ("last_name_not_text", _set("last_name", None), "last_name: must be a string, got null"),
    ("first_names_empty", _set("first_names", ""), "first_names: must not be empty"),
    ("birth_date_not_a_real_day", _set("birth_date", "1990-02-30"), "birth_date: must be a real date"),
    ("birth_date_not_iso", _set("birth_date", "17/05/1990"), "birth_date: must be a real date"),
    ("birth_date_basic_iso", _set("birth_date", "19900517"), "birth_date: must be a real date"),
    ("birth_date_week_date", _set("birth_date", "1990-W20-4"), "birth_date: must be a real date"),
    ("issued_on_not_a_date", _set("issued_on", 2009), "issued_on: must be a real date"),
    (
        "issued_before_birth",
        _set("issued_on", "1980-01-01"),
        "issued_on: must be after birth_date (1990-05-17)",
    ),
    ("issued_on_birth_day", _set("issued_on", "1990-05-17"), "issued_on: must be after birth_date"),
    ("early_training_not_bool", _set("early_training", "no"), "early_training: must be true or false"),
    ("early_training_number", _set("early_training", 0), "early_training: must be true or false, got 0"),
    ("probationary_not_bool", _set("probationary", "yes"), "probationary: must be true, false or absent"),
    ("categories_not_a_list", _set("categories", "B"), "categories: must be a list, got a string"),
    ("category_not_an_object", _set("categories.0", "B"), "categories[0]: must be an object"),
    ("category_missing", _drop("categories.0.category"), "categories[0].category: missing"),
    ("category_empty", _set("categories.0.category", ""), "categories[0].category: must be a non-empty"),
    ("category_obtained_on_bad", _set("categories.0.obtained_on", "2009-13-01"), "categories[0].obtained_on"),
    (
        "category_twice",
        lambda r: r["categories"].append({"category": "B", "obtained_on": "2010-01-01"}),
        "categories[1].category: 'B' appears twice",
    ),
    ("category_unknown_field", _set("categories.0.since", "x"), "categories[0].since: unknown field"),
    ("events_not_a_list", _set("events", {}), "events: must be a list, got an object"),
    ("event_not_an_object", _set("events.1", 3), "events[1]: must be an object, got a number"),
    ("event_id_missing", _drop("events.0.id"), "events[0].id: missing"),
    ("event_id_blank", _set("events.0.id", " "), "events[0].id: must be a non-empty string"),
    ("event_id_twice", _set("events.1.id", "INF-0001"), "events[1].id: 'INF-0001' is already used"),
    ("event_kind_missing", _drop("events.0.kind"), "events[0].kind: missing"),
    ("event_kind_unknown", _set("events.1.kind", "amende"), 'events[1].kind: unknown kind "amende"'),
    ("committed_at_missing", _drop("events.0.committed_at"), "events[0].committed_at: missing"),
    (
        "committed_at_date_only",
        _set("events.0.committed_at", "2023-02-03"),
        "events[0].committed_at: must be",
    ),
    ("committed_at_not_real", _set("events.0.committed_at", "2023-02-03T25:00"), "events[0].committed_at"),
    ("committed_at_week_date", _set("events.0.committed_at", "2023-W05-5T08:15"), "events[0].committed_at"),
    ("committed_at_basic_time", _set("events.0.committed_at", "2023-02-03T081500"), "events[0].committed_at"),
    ("effective_on_missing", _drop("events.0.effective_on"), "events[0].effective_on: missing"),
    ("effective_on_not_real", _set("events.0.effective_on", "2023-02-29"), "events[0].effective_on: must be"),
    (
        "effective_before_committed",
        _set("events.0.effective_on", "2023-02-02"),
        "events[0].effective_on: must not be before the day of committed_at (2023-02-03), got 2023-02-02",
    ),
    (
        "offence_class_unknown",
        _set("events.0.offence_class", "C6"),
        "events[0].offence_class: must be one of",
    ),
    ("offence_class_not_text", _set("events.0.offence_class", ["C4"]), "events[0].offence_class: must be"),
    ("points_missing", _drop("events.0.points"), "events[0].points: missing"),
    ("points_zero", _set("events.0.points", 0), "events[0].points: must be a whole number from 1 to 6"),
    ("points_seven", _set("events.0.points", 7), "events[0].points: must be a whole number from 1 to 6"),
    ("points_decimal", _set("events.0.points", 4.0), "events[0].points: must be a whole number from 1 to 6"),
    ("points_text", _set("events.0.points", "4"), "events[0].points: must be a whole number"),
    (
        "delit_not_six",
        lambda r: r["events"][0].update(offence_class="DELIT", points=4),
        "events[0].points: must be 6 for a DELIT, got 4",
    ),
    ("label_not_text", _set("events.0.label", 12), "events[0].label: must be a string"),
    ("label_too_long", _set("events.0.label", "x" * 501), "events[0].label: must be at most 500 characters"),
    ("infraction_unknown_field", _set("events.0.amount", 135), "events[0].amount: unknown field"),
    ("stage_completed_on_missing", _drop("events.1.completed_on"), "events[1].completed_on: missing"),
    ("stage_completed_on_bad", _set("events.1.completed_on", "demain"), "events[1].completed_on: must be"),
    ("stage_with_points", _set("events.1.points", 4), "events[1].points: unknown field"),
    ("updated_at_missing", _drop("updated_at"), "updated_at: missing"),
    (
        "updated_at_without_offset",
        _set("updated_at", "2024-11-02T03:00:00"),
        "updated_at: must include a UTC",
    ),
    ("updated_at_not_a_date", _set("updated_at", "yesterday"), "updated_at: must be a real date and time"),
    ("unknown_field", _set("probationnary", True), "probationnary: unknown field"),
]


@pytest.mark.parametrize(
    ("change", "reason"), [(c, r) for _, c, r in REJECTIONS], ids=[i for i, _, _ in REJECTIONS]
)
def test_an_invalid_field_is_rejected_with_a_precise_reason(
    change: Callable[..., object], reason: str
) -> None:
    reasons = reasons_after(change)
    assert any(found.startswith(reason) for found in reasons), reasons


def test_every_problem_of_a_line_is_reported_not_just_the_first() -> None:
    def change(record: dict[str, Any]) -> None:
        record["format"] = "paper"
        record["events"][0]["points"] = 9
        record["events"][1]["kind"] = "amende"

    reasons = reasons_after(change)
    assert [reason.split(":")[0] for reason in reasons] == ["format", "events[0].points", "events[1].kind"]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"licence_number": "120575100123",', "invalid JSON: EOF while parsing a value at column 34"),
        ("not json at all", "invalid JSON: expected ident at column 2"),
        ('{"points": 4,}', "invalid JSON: trailing comma at column 14"),
        ("[1, 2]", "the line must be a JSON object, not an array"),
        ('"text"', "the line must be a JSON object, not a string"),
        ("null", "the line must be a JSON object, not null"),
    ],
)
def test_a_line_that_is_not_a_json_object_is_rejected(line: str, reason: str) -> None:
    result = parse_feed_line(line)
    assert isinstance(result, list)
    assert len(result) == 1
    assert result[0].startswith(reason)


def test_a_line_that_is_not_utf8_is_rejected() -> None:
    assert parse_feed_line(b'{"last_name": "MARTIN\xff"}') == ["line is not valid UTF-8 (byte 22)"]


def _mutations(record: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """The record with one to three random fields replaced by a tricky value."""
    record = copy.deepcopy(record)
    tricky: list[object] = [
        None, True, False, 0, 6, 7, 4.0, -1, "", " ", "x", "C4", "DELIT", "card", "stage", "infraction",
        "2023-02-03", "2023-02-03T08:15:00", "2024-11-02T03:00:00+00:00", "2023-02-30", "1990-05-17",
        "20230203", "2023-02-03T08:15:00+01:00", "ab 12345", "12345", [], {}, ["B"], [{"category": "B"}],
        "2023-W05-5", "2023-W05-5T08:15", "2023-02-03T081500", "2023-02-03T08:15:00Z",
    ]  # fmt: skip
    for _ in range(rng.randint(1, 3)):
        target: Any = record
        while True:
            keys = list(range(len(target))) if isinstance(target, list) else list(target)
            if not keys:
                break
            key = rng.choice(keys)
            if isinstance(target[key], dict | list) and rng.random() < 0.7:
                target = target[key]
                continue
            if isinstance(target, dict) and rng.random() < 0.1:
                del target[key]
            else:
                target[key] = copy.deepcopy(rng.choice(tricky))
            break
    return record


def test_the_fast_path_accepts_nothing_the_thorough_check_rejects() -> None:
    # The import's fast path may only shortcut the reference check: same verdict, same record.
    rng = random.Random(20241102)
    base = copy.deepcopy(VALID)
    base["probationary"] = True
    accepted = 0
    for number in range(4000):
        record = _mutations(base if number % 2 else VALID, rng)
        fast = parse(record)
        thorough = _check_thoroughly(json.loads(json.dumps(record)))
        assert fast == thorough, record
        accepted += isinstance(fast, FeedLicence)
    assert accepted > 100  # the mutations also produce valid variants, so both paths are compared
