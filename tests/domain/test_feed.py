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


LICENCE_NUMBER_RULE = "licence_number : doit compter de 5 à 19 lettres et chiffres"
DATE_RANGE = "doit être comprise entre 1900-01-01 et 2100-12-31"


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


def test_event_ids_and_categories_are_kept_without_surrounding_spaces() -> None:
    record = copy.deepcopy(VALID)
    record["events"][0]["id"] = "  INF-0001 "
    record["categories"][0]["category"] = " B "
    parsed = parse(record)
    assert isinstance(parsed, FeedLicence)
    assert parsed.events[0].id == "INF-0001"
    assert parsed.categories[0].category == "B"


def test_dates_at_both_ends_of_the_accepted_range_are_accepted() -> None:
    record = copy.deepcopy(VALID)
    record["birth_date"] = "1900-01-01"
    record["events"][0].update(committed_at="2100-12-31T23:59:59", effective_on="2100-12-31")
    record["events"][1]["completed_on"] = "2100-12-31"
    record["updated_at"] = "2100-12-31T23:00:00-05:00"  # 2101-01-01 in UTC: only the written date counts
    parsed = parse(record)
    assert isinstance(parsed, FeedLicence)
    assert parsed.birth_date == dt.date(1900, 1, 1)
    assert parsed.updated_at == dt.datetime(2101, 1, 1, 4, 0)


def test_events_on_the_issue_day_are_accepted() -> None:
    record = copy.deepcopy(VALID)
    record["events"][0].update(committed_at="2009-06-02T00:00", effective_on="2009-06-02")
    record["events"][1]["completed_on"] = "2009-06-02"
    assert isinstance(parse(record), FeedLicence)


def test_an_offence_committed_before_the_issue_may_take_effect_after_it() -> None:
    record = copy.deepcopy(VALID)
    record["events"][0].update(committed_at="2009-05-20T10:00", effective_on="2009-07-01")
    assert isinstance(parse(record), FeedLicence)


def test_the_example_of_the_review_in_the_far_future_is_rejected_with_its_reasons() -> None:
    record = {**copy.deepcopy(VALID), "licence_number": "FUTUR12345"}
    record["events"] = [
        {
            "id": "E1",
            "kind": "infraction",
            "committed_at": "9995-01-01T10:00",
            "effective_on": "9995-01-01",
            "offence_class": "C3",
            "points": 2,
        }
    ]
    assert parse(record) == [
        f'events[0].committed_at : {DATE_RANGE} (reçu "9995-01-01T10:00")',
        f'events[0].effective_on : {DATE_RANGE} (reçu "9995-01-01")',
    ]


def test_the_feed_accepts_exactly_the_licence_formats_of_the_domain() -> None:
    from mespoints.domain.licence_format import LICENCE_FORMAT_LABELS, LICENCE_FORMATS

    assert LICENCE_FORMATS == ("card", "three_part")
    assert set(LICENCE_FORMAT_LABELS) == set(LICENCE_FORMATS)
    # interfaces.md section 6: the radio buttons' labels, word for word.
    assert LICENCE_FORMAT_LABELS["card"] == "Format européen (carte de crédit)"
    assert LICENCE_FORMAT_LABELS["three_part"] == "Format 3 volets (cartonné)"
    for licence_format in LICENCE_FORMATS:
        assert isinstance(parse({**VALID, "format": licence_format}), FeedLicence)


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
    ("licence_number_missing", _drop("licence_number"), "licence_number : champ manquant"),
    ("licence_number_too_short", _set("licence_number", "1234"), LICENCE_NUMBER_RULE),
    ("licence_number_too_long", _set("licence_number", "1" * 20), LICENCE_NUMBER_RULE),
    ("licence_number_with_hyphens", _set("licence_number", "1205-7510"), LICENCE_NUMBER_RULE),
    ("licence_number_not_text", _set("licence_number", 120575100123), LICENCE_NUMBER_RULE),
    ("format_unknown", _set("format", "paper"), 'format : doit valoir "card" ou "three_part" (reçu "paper")'),
    ("last_name_empty", _set("last_name", "  "), "last_name : ne doit pas être vide"),
    ("last_name_not_text", _set("last_name", None), "last_name : doit être une chaîne (reçu null)"),
    ("first_names_empty", _set("first_names", ""), "first_names : ne doit pas être vide"),
    ("birth_date_not_a_real_day", _set("birth_date", "1990-02-30"), "birth_date : doit être une date réelle"),
    ("birth_date_not_iso", _set("birth_date", "17/05/1990"), "birth_date : doit être une date réelle"),
    ("birth_date_basic_iso", _set("birth_date", "19900517"), "birth_date : doit être une date réelle"),
    ("birth_date_week_date", _set("birth_date", "1990-W20-4"), "birth_date : doit être une date réelle"),
    (
        "birth_date_too_early",
        _set("birth_date", "1899-12-31"),
        f'birth_date : {DATE_RANGE} (reçu "1899-12-31")',
    ),
    ("issued_on_not_a_date", _set("issued_on", 2009), "issued_on : doit être une date réelle"),
    (
        "issued_on_far_future",
        _set("issued_on", "2101-01-01"),
        f'issued_on : {DATE_RANGE} (reçu "2101-01-01")',
    ),
    (
        "issued_before_birth",
        _set("issued_on", "1980-01-01"),
        "issued_on : doit être postérieure à birth_date (1990-05-17)",
    ),
    (
        "issued_on_birth_day",
        _set("issued_on", "1990-05-17"),
        "issued_on : doit être postérieure à birth_date",
    ),
    ("early_training_not_bool", _set("early_training", "no"), "early_training : doit valoir true ou false"),
    (
        "early_training_number",
        _set("early_training", 0),
        "early_training : doit valoir true ou false (reçu 0)",
    ),
    (
        "probationary_not_bool",
        _set("probationary", "yes"),
        "probationary : doit valoir true ou false, ou être absent",
    ),
    ("categories_not_a_list", _set("categories", "B"), "categories : doit être un tableau (reçu une chaîne)"),
    ("category_not_an_object", _set("categories.0", "B"), "categories[0] : doit être un objet"),
    ("category_missing", _drop("categories.0.category"), "categories[0].category : champ manquant"),
    (
        "category_empty",
        _set("categories.0.category", " "),
        "categories[0].category : doit être une chaîne non vide",
    ),
    ("category_obtained_on_bad", _set("categories.0.obtained_on", "2009-13-01"), "categories[0].obtained_on"),
    (
        "category_obtained_far_future",
        _set("categories.0.obtained_on", "9995-01-01"),
        f"categories[0].obtained_on : {DATE_RANGE}",
    ),
    (
        "category_twice",
        lambda r: r["categories"].append({"category": " B ", "obtained_on": "2010-01-01"}),
        'categories[1].category : "B" figure deux fois',
    ),
    ("category_unknown_field", _set("categories.0.since", "x"), "categories[0].since : champ inconnu"),
    ("events_not_a_list", _set("events", {}), "events : doit être un tableau (reçu un objet)"),
    ("event_not_an_object", _set("events.1", 3), "events[1] : doit être un objet (reçu un nombre)"),
    ("event_id_missing", _drop("events.0.id"), "events[0].id : champ manquant"),
    (
        "event_id_blank",
        _set("events.0.id", " "),
        'events[0].id : doit être une chaîne non vide de 64 caractères au plus (reçu " ")',
    ),
    ("event_id_too_long", _set("events.0.id", "x" * 65), "events[0].id : doit être une chaîne non vide"),
    ("event_id_twice", _set("events.1.id", "INF-0001"), 'events[1].id : "INF-0001" est déjà l\'identifiant'),
    ("event_id_twice_with_spaces", _set("events.1.id", " INF-0001 "), 'events[1].id : "INF-0001" est déjà'),
    ("event_kind_missing", _drop("events.0.kind"), "events[0].kind : champ manquant"),
    (
        "event_kind_unknown",
        _set("events.1.kind", "amende"),
        'events[1].kind : doit valoir "infraction" ou "stage" (reçu "amende")',
    ),
    ("committed_at_missing", _drop("events.0.committed_at"), "events[0].committed_at : champ manquant"),
    (
        "committed_at_date_only",
        _set("events.0.committed_at", "2023-02-03"),
        "events[0].committed_at : doit être une date et une heure réelles",
    ),
    ("committed_at_not_real", _set("events.0.committed_at", "2023-02-03T25:00"), "events[0].committed_at"),
    ("committed_at_week_date", _set("events.0.committed_at", "2023-W05-5T08:15"), "events[0].committed_at"),
    ("committed_at_basic_time", _set("events.0.committed_at", "2023-02-03T081500"), "events[0].committed_at"),
    (
        "committed_at_far_future",
        _set("events.0.committed_at", "9995-01-01T10:00"),
        f"events[0].committed_at : {DATE_RANGE}",
    ),
    ("effective_on_missing", _drop("events.0.effective_on"), "events[0].effective_on : champ manquant"),
    (
        "effective_on_not_real",
        _set("events.0.effective_on", "2023-02-29"),
        "events[0].effective_on : doit être",
    ),
    (
        "effective_on_far_future",
        _set("events.0.effective_on", "9995-01-01"),
        f'events[0].effective_on : {DATE_RANGE} (reçu "9995-01-01")',
    ),
    (
        "effective_before_committed",
        _set("events.0.effective_on", "2023-02-02"),
        "events[0].effective_on : ne doit pas être antérieure au jour de committed_at, 2023-02-03"
        " (reçu 2023-02-02)",
    ),
    (
        "effective_before_issue",
        lambda r: r["events"][0].update(committed_at="2009-05-01T10:00", effective_on="2009-06-01"),
        "events[0].effective_on : ne doit pas être antérieure à la délivrance du permis, issued_on 2009-06-02"
        " (reçu 2009-06-01)",
    ),
    (
        "offence_class_unknown",
        _set("events.0.offence_class", "C6"),
        'events[0].offence_class : doit valoir C1, C2, C3, C4, C5 ou DELIT (reçu "C6")',
    ),
    (
        "offence_class_not_text",
        _set("events.0.offence_class", ["C4"]),
        "events[0].offence_class : doit valoir",
    ),
    ("points_missing", _drop("events.0.points"), "events[0].points : champ manquant"),
    (
        "points_zero",
        _set("events.0.points", 0),
        "events[0].points : doit être un nombre entier de 1 à 6 pour une contravention (reçu 0)",
    ),
    ("points_seven", _set("events.0.points", 7), "events[0].points : doit être un nombre entier de 1 à 6"),
    (
        "points_decimal",
        _set("events.0.points", 4.0),
        "events[0].points : doit être un nombre entier de 1 à 6",
    ),
    ("points_text", _set("events.0.points", "4"), "events[0].points : doit être un nombre entier"),
    (
        "delit_not_six",
        lambda r: r["events"][0].update(offence_class="DELIT", points=4),
        "events[0].points : doit valoir 6 pour un délit (reçu 4)",
    ),
    ("label_not_text", _set("events.0.label", 12), "events[0].label : doit être une chaîne (reçu un nombre)"),
    (
        "label_too_long",
        _set("events.0.label", "x" * 501),
        "events[0].label : 500 caractères au plus (reçu 501)",
    ),
    ("infraction_unknown_field", _set("events.0.amount", 135), "events[0].amount : champ inconnu"),
    ("stage_completed_on_missing", _drop("events.1.completed_on"), "events[1].completed_on : champ manquant"),
    ("stage_completed_on_bad", _set("events.1.completed_on", "demain"), "events[1].completed_on : doit être"),
    (
        "stage_completed_at_the_end_of_time",
        _set("events.1.completed_on", "9999-12-31"),
        f"events[1].completed_on : {DATE_RANGE}",
    ),
    (
        "stage_before_issue",
        _set("events.1.completed_on", "2009-06-01"),
        "events[1].completed_on : ne doit pas être antérieure à la délivrance du permis,"
        " issued_on 2009-06-02",
    ),
    ("stage_with_points", _set("events.1.points", 4), "events[1].points : champ inconnu"),
    ("updated_at_missing", _drop("updated_at"), "updated_at : champ manquant"),
    (
        "updated_at_without_offset",
        _set("updated_at", "2024-11-02T03:00:00"),
        "updated_at : doit indiquer le décalage UTC",
    ),
    (
        "updated_at_not_a_date",
        _set("updated_at", "yesterday"),
        "updated_at : doit être une date et une heure réelles",
    ),
    # Converting these to UTC would overflow the calendar: the range is checked first.
    (
        "updated_at_at_the_start_of_time",
        _set("updated_at", "0001-01-01T00:00:00+01:00"),
        f"updated_at : {DATE_RANGE}",
    ),
    (
        "updated_at_at_the_end_of_time",
        _set("updated_at", "9999-12-31T23:00:00-05:00"),
        f"updated_at : {DATE_RANGE}",
    ),
    ("unknown_field", _set("probationnary", True), "probationnary : champ inconnu"),
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
    assert [reason.split(" : ")[0] for reason in reasons] == ["format", "events[0].points", "events[1].kind"]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (
            '{"licence_number": "120575100123",',
            "JSON invalide (colonne 34) : la ligne s'arrête avant la fin du JSON",
        ),
        (
            "not json at all",
            "JSON invalide (colonne 2) : valeur inattendue (true, false, null, nombre, chaîne, tableau ou"
            " objet attendu)",
        ),
        ('{"points": 4,}', "JSON invalide (colonne 14) : virgule en trop"),
        ('{oops": 4}', "JSON invalide (colonne 2) : une clé doit être une chaîne entre guillemets"),
        ('{"points" 4}', "JSON invalide (colonne 11) : deux-points (:) attendu après la clé"),
        ('{"points": 4} x', "JSON invalide (colonne 15) : caractères en trop après la fin de l'objet"),
        ('{"points": 04}', "JSON invalide (colonne 13) : nombre invalide"),
        ("[1, 2]", "la ligne doit être un objet JSON, pas un tableau"),
        ('"text"', "la ligne doit être un objet JSON, pas une chaîne"),
        ("null", "la ligne doit être un objet JSON, pas null"),
    ],
)
def test_a_line_that_is_not_a_json_object_is_rejected_in_french(line: str, reason: str) -> None:
    assert parse_feed_line(line) == [reason]


def test_a_json_error_the_translation_does_not_know_still_gives_its_column() -> None:
    from mespoints.domain.feed import _json_error_fr

    assert _json_error_fr("something new at line 1 column 7") == "JSON invalide (colonne 7)"
    assert _json_error_fr("no position at all") == "JSON invalide"


def test_a_line_that_is_not_utf8_is_rejected() -> None:
    assert parse_feed_line(b'{"last_name": "MARTIN\xff"}') == [
        "la ligne n'est pas en UTF-8 valide (octet 22)"
    ]


def _mutations(record: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """The record with one to three random fields replaced by a tricky value."""
    record = copy.deepcopy(record)
    tricky: list[object] = [
        None, True, False, 0, 6, 7, 4.0, -1, "", " ", "x", "C4", "DELIT", "card", "stage", "infraction",
        "2023-02-03", "2023-02-03T08:15:00", "2024-11-02T03:00:00+00:00", "2023-02-30", "1990-05-17",
        "20230203", "2023-02-03T08:15:00+01:00", "ab 12345", "12345", [], {}, ["B"], [{"category": "B"}],
        "2023-W05-5", "2023-W05-5T08:15", "2023-02-03T081500", "2023-02-03T08:15:00Z",
        "9995-01-01", "1899-12-31", "1900-01-01", "2100-12-31", "2101-01-01", "2009-06-01", "2009-06-02",
        "9995-01-01T10:00", "2100-12-31T23:59:59", "0001-01-01T00:00:00+01:00", "9999-12-31T23:00:00-05:00",
        " INF-0001 ", "STG-0001 ", " B ", "\t",
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


# Duplicated JSON keys: the parser would keep the last one silently.

VALID_LINE = json.dumps(VALID, ensure_ascii=False)


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ('"format": "card"', '"format": "three_part", "format": "card"', "format"),
        ('"category": "B"', '"category": "B", "category": "A"', "category"),
        ('"points": 4', '"points": 4, "points": 1', "points"),
        ('"points": 4', '"points": 4,  "points"  :  4', "points"),
    ],
    ids=["top", "category", "event", "same_value_with_spaces"],
)
def test_a_line_with_a_duplicated_json_key_is_rejected_with_that_key(old: str, new: str, key: str) -> None:
    line = VALID_LINE.replace(old, new)
    assert line != VALID_LINE
    assert parse_feed_line(line) == [f"clé JSON en double « {key} »"]
    assert parse_feed_line(line.encode()) == [f"clé JSON en double « {key} »"]


def test_a_text_value_that_looks_like_a_key_is_no_duplicate() -> None:
    record = copy.deepcopy(VALID)
    record["events"][0]["label"] = 'Excès "points": 4 et "format":'
    record["events"][0]["place"] = '"place": "Lyon"'
    parsed = parse_feed_line(json.dumps(record, ensure_ascii=False))
    assert isinstance(parsed, FeedLicence)
    assert parsed.events[0].label == 'Excès "points": 4 et "format":'  # type: ignore[union-attr]
