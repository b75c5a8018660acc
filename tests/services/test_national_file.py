"""Importing the national-file feed and reading licences back, on SQLite and PostgreSQL."""

from __future__ import annotations

import copy
import datetime as dt
import inspect
import json
import os
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from bench import feedgen
from mespoints.db import migrate
from mespoints.db.engine import make_engine, session_scope
from mespoints.db.national_file import CategoryPublic, LicencePublic
from mespoints.domain.records import Infraction, LicenceFacts, Stage
from mespoints.services import national_file
from mespoints.services.licences import read_licence
from mespoints.services.national_file import import_feed

NUMBER = "120575100123"
TABLES = {
    "holder": "source_licence_number",
    "licence": "licence_number",
    "licence_category": "licence_id, category",
    "licence_event": "licence_id, event_id",
}


def record(number: str = NUMBER, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "licence_number": number,
        "format": "card",
        "last_name": "MARTIN-DÉMO",
        "first_names": "Julie Anne",
        "birth_date": "1990-05-17",
        "issued_on": "2009-06-02",
        "early_training": False,
        "categories": [{"category": "B", "obtained_on": "2009-06-02"}],
        "events": [
            infraction("INF-0001", points=4),
            {"id": "STG-0001", "kind": "stage", "completed_on": "2024-04-12", "place": "Villeurbanne (69)"},
        ],
        "updated_at": "2024-11-02T03:00:00+00:00",
    }
    base.update(copy.deepcopy(fields))
    return base


def infraction(
    event_id: str, *, points: int, offence_class: str = "C4", effective_on: str = "2023-03-10"
) -> dict:
    return {
        "id": event_id,
        "kind": "infraction",
        "committed_at": "2023-02-03T08:15:00",
        "effective_on": effective_on,
        "offence_class": offence_class,
        "points": points,
        "label": "Excès de vitesse",
        "place": "Lyon (69)",
    }


def write_feed(path: Path, *lines: dict[str, Any] | str) -> Path:
    path.write_text(
        "".join(
            (line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n" for line in lines
        ),
        encoding="utf-8",
    )
    return path


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the national-file tables, ids included, in a stable order."""
    with engine.connect() as connection:
        return {
            table: [tuple(row) for row in connection.execute(text(f"SELECT * FROM {table} ORDER BY {order}"))]
            for table, order in TABLES.items()
        }


def facts(engine: Engine, number: str = NUMBER) -> LicenceFacts | None:
    found = read_licence(engine, number)
    return None if found is None else found.facts


def licence(engine: Engine, number: str = NUMBER) -> LicencePublic | None:
    """The licence as the one reader gives it, in the shape of what pages are handed."""
    found = read_licence(engine, number, with_categories=True)
    if found is None:
        return None
    return LicencePublic(
        licence_number=found.licence_number,
        format=found.format,
        issued_on=found.facts.issued_on,
        early_training=found.facts.early_training,
        probationary=found.facts.probationary,
        updated_at=found.updated_at,
        last_name=found.last_name,
        first_names=found.first_names,
        birth_date=found.birth_date,
        categories=[CategoryPublic(category=c.category, obtained_on=c.obtained_on) for c in found.categories],
    )


def test_an_imported_licence_reads_back_with_its_holder_categories_and_events(engine, tmp_path) -> None:
    feed = write_feed(tmp_path / "feed.jsonl", record(probationary=True, early_training=True))
    report = import_feed(engine=engine, path=feed)
    assert (report.lines, report.imported, report.rejected, report.errors) == (1, 1, 0, [])
    assert licence(engine, "1205 7510 0123") == LicencePublic(
        licence_number=NUMBER,
        format="card",
        issued_on=dt.date(2009, 6, 2),
        early_training=True,
        probationary=True,
        updated_at=dt.datetime(2024, 11, 2, 3, 0),
        last_name="MARTIN-DÉMO",
        first_names="Julie Anne",
        birth_date=dt.date(1990, 5, 17),
        categories=[CategoryPublic(category="B", obtained_on=dt.date(2009, 6, 2))],
    )
    assert facts(engine) == LicenceFacts(
        issued_on=dt.date(2009, 6, 2),
        early_training=True,
        probationary=True,
        events=(
            Infraction(
                "INF-0001",
                dt.datetime(2023, 2, 3, 8, 15),
                dt.date(2023, 3, 10),
                "C4",
                4,
                "Excès de vitesse",
                "Lyon (69)",
            ),
            Stage("STG-0001", dt.date(2024, 4, 12), "Villeurbanne (69)"),
        ),
    )


def test_an_unknown_licence_reads_as_none(engine) -> None:
    assert licence(engine) is None
    assert facts(engine) is None
    assert facts(engine, "not a number!") is None


def test_importing_the_same_file_twice_changes_nothing(engine, tmp_path) -> None:
    feed = feedgen.write_feed(tmp_path / "feed.jsonl", 60, seed=7)
    first = import_feed(engine=engine, path=feed, batch_size=25)
    after_first = dump(engine)
    second = import_feed(engine=engine, path=feed, batch_size=25)
    assert (first.imported, second.imported, first.rejected) == (60, 60, 0)
    assert dump(engine) == after_first
    assert [len(rows) for rows in after_first.values()][:2] == [60, 60]
    assert len(after_first["licence_event"]) == 180


def test_valid_lines_are_saved_and_invalid_ones_reported_with_their_line_number(engine, tmp_path) -> None:
    feed = write_feed(
        tmp_path / "feed.jsonl",
        record("AAAAA11111"),
        "{not json",
        record("BBBBB22222", events=[infraction("X", points=4, offence_class="DELIT")]),
        record("CCCCC33333"),
    )
    seen: list[tuple[int, str]] = []
    report = import_feed(
        engine=engine, path=feed, on_rejected=lambda line, reason: seen.append((line, reason))
    )
    assert (report.lines, report.imported, report.rejected, report.all_valid) == (4, 2, 2, False)
    assert [line for line, _ in report.errors] == [2, 3]
    assert report.errors[1] == (3, "events[0].points : doit valoir 6 pour un délit (reçu 4)")
    assert seen == report.errors
    assert licence(engine, "AAAAA11111") is not None
    assert licence(engine, "CCCCC33333") is not None
    assert licence(engine, "BBBBB22222") is None


def test_every_reason_of_a_rejected_line_is_reported_in_french(engine, tmp_path) -> None:
    bad = record(format="paper", events=[infraction("X", points=9)])
    report = import_feed(engine=engine, path=write_feed(tmp_path / "feed.jsonl", bad))
    assert report.errors == [
        (
            1,
            'format : doit valoir "card" ou "three_part" (reçu "paper") ; events[0].points : doit être un'
            " nombre entier de 1 à 6 pour une contravention (reçu 9)",
        )
    ]


def test_an_event_id_with_surrounding_spaces_is_the_same_event(engine, tmp_path) -> None:
    import_feed(
        engine=engine, path=write_feed(tmp_path / "one.jsonl", record(events=[infraction(" E1 ", points=4)]))
    )
    import_feed(
        engine=engine, path=write_feed(tmp_path / "two.jsonl", record(events=[infraction("E1", points=2)]))
    )
    events = facts(engine).events  # type: ignore[union-attr]
    assert [(event.id, event.points) for event in events] == [("E1", 2)]  # type: ignore[union-attr]


def test_a_far_future_event_is_rejected_and_nothing_of_its_line_is_saved(engine, tmp_path) -> None:
    future = infraction("E1", points=2, effective_on="9995-01-01")
    future["committed_at"] = "9995-01-01T10:00"
    report = import_feed(
        engine=engine, path=write_feed(tmp_path / "feed.jsonl", record("FUTUR12345", events=[future]))
    )
    assert (report.imported, report.rejected) == (0, 1)
    assert "events[0].effective_on : doit être comprise entre 1900-01-01 et 2100-12-31" in report.errors[0][1]
    assert licence(engine, "FUTUR12345") is None


def test_blank_lines_are_skipped_and_line_numbers_stay_those_of_the_file(engine, tmp_path) -> None:
    feed = write_feed(tmp_path / "feed.jsonl", record(), "", "   ", "[]")
    report = import_feed(engine=engine, path=feed)
    assert (report.lines, report.imported, report.errors) == (
        2,
        1,
        [(4, "la ligne doit être un objet JSON, pas un tableau")],
    )


def test_a_resent_event_replaces_the_stored_one_and_an_omitted_event_is_kept(engine, tmp_path) -> None:
    import_feed(engine=engine, path=write_feed(tmp_path / "one.jsonl", record()))
    corrected = infraction("INF-0001", points=2, effective_on="2023-04-01")
    later = record(events=[corrected], updated_at="2024-12-01T03:00:00+00:00")
    import_feed(engine=engine, path=write_feed(tmp_path / "two.jsonl", later))
    events = facts(engine).events  # type: ignore[union-attr]
    assert events == (
        Infraction(
            "INF-0001",
            dt.datetime(2023, 2, 3, 8, 15),
            dt.date(2023, 4, 1),
            "C4",
            2,
            "Excès de vitesse",
            "Lyon (69)",
        ),
        Stage("STG-0001", dt.date(2024, 4, 12), "Villeurbanne (69)"),
    )
    assert licence(engine).updated_at == dt.datetime(2024, 12, 1, 3, 0)  # type: ignore[union-attr]


def test_an_event_can_change_kind_when_resent(engine, tmp_path) -> None:
    import_feed(engine=engine, path=write_feed(tmp_path / "one.jsonl", record()))
    stage = {"id": "INF-0001", "kind": "stage", "completed_on": "2024-05-01"}
    import_feed(engine=engine, path=write_feed(tmp_path / "two.jsonl", record(events=[stage])))
    assert facts(engine).events[0] == Stage("INF-0001", dt.date(2024, 5, 1), "")  # type: ignore[union-attr]


def test_the_licence_holder_and_categories_follow_the_latest_line(engine, tmp_path) -> None:
    import_feed(engine=engine, path=write_feed(tmp_path / "one.jsonl", record()))
    later = record(
        format="three_part",
        last_name="MARTIN",
        categories=[{"category": "A2", "obtained_on": "2015-01-02"}],
        events=[],
    )
    import_feed(engine=engine, path=write_feed(tmp_path / "two.jsonl", later))
    shown = licence(engine)
    assert shown is not None
    assert (shown.format, shown.last_name) == ("three_part", "MARTIN")
    assert shown.categories == [CategoryPublic(category="A2", obtained_on=dt.date(2015, 1, 2))]
    assert len(dump(engine)["holder"]) == 1  # the same holder, renamed


@pytest.mark.parametrize("batch_size", [1, 100], ids=["in-separate-batches", "in-one-batch"])
def test_a_licence_sent_twice_in_one_file_keeps_the_later_line_and_every_event(
    engine, tmp_path, batch_size
) -> None:
    first = record(events=[infraction("INF-0001", points=4), infraction("INF-0002", points=1)])
    second = record(
        first_names="Julie", events=[infraction("INF-0002", points=3), infraction("INF-0003", points=2)]
    )
    report = import_feed(
        engine=engine, path=write_feed(tmp_path / "feed.jsonl", first, second), batch_size=batch_size
    )
    assert (report.imported, report.rejected) == (2, 0)
    assert licence(engine).first_names == "Julie"  # type: ignore[union-attr]
    events = facts(engine).events  # type: ignore[union-attr]
    assert [(event.id, event.points) for event in events] == [
        ("INF-0001", 4),
        ("INF-0002", 3),
        ("INF-0003", 2),
    ]  # type: ignore[union-attr]


def test_an_unreadable_file_raises_an_os_error(engine, tmp_path) -> None:
    with pytest.raises(FileNotFoundError):
        import_feed(engine=engine, path=tmp_path / "missing.jsonl")


def test_a_failed_write_is_raised_and_leaves_earlier_batches_saved(
    sqlite_engine, tmp_path, monkeypatch
) -> None:
    original = national_file._BatchWriter.write
    calls = []

    def failing_second_batch(self, batch):  # type: ignore[no-untyped-def]
        calls.append(len(batch))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        original(self, batch)

    monkeypatch.setattr(national_file._BatchWriter, "write", failing_second_batch)
    feed = feedgen.write_feed(tmp_path / "feed.jsonl", 30)
    with pytest.raises(RuntimeError, match="disk full"):
        import_feed(engine=sqlite_engine, path=feed, batch_size=10)
    assert len(dump(sqlite_engine)["licence"]) == 10


def test_is_empty_until_a_licence_is_imported(engine, tmp_path) -> None:
    assert national_file.is_empty(engine)
    import_feed(engine=engine, path=write_feed(tmp_path / "feed.jsonl", record()))
    assert not national_file.is_empty(engine)


@pytest.mark.parametrize(
    ("number", "licence_format", "last_name", "birth_date", "expected"),
    [
        ("120575100123", "card", "MARTIN-DÉMO", dt.date(1990, 5, 17), NUMBER),
        (" 1205 7510 0123 ", "card", "  martin   démo ", dt.date(1990, 5, 17), NUMBER),
        ("120575100123", "three_part", "MARTIN-DÉMO", dt.date(1990, 5, 17), None),
        ("120575100123", "card", "MARTIN", dt.date(1990, 5, 17), None),
        ("120575100123", "card", "MARTIN-DÉMO", dt.date(1990, 5, 18), None),
        ("999999999999", "card", "MARTIN-DÉMO", dt.date(1990, 5, 17), None),
        ("12-34", "card", "MARTIN-DÉMO", dt.date(1990, 5, 17), None),
    ],
    ids=[
        "exact",
        "spaces-case-accents",
        "other-format",
        "other-name",
        "other-birth-date",
        "unknown",
        "malformed",
    ],
)
def test_a_licence_is_found_for_an_identity_only_when_number_format_name_and_birth_date_agree(
    engine, tmp_path, number, licence_format, last_name, birth_date, expected
) -> None:
    import_feed(engine=engine, path=write_feed(tmp_path / "feed.jsonl", record()))
    with session_scope(engine) as session:
        found = national_file.find_licence_for_identity(
            session,
            licence_number=number,
            licence_format=licence_format,
            last_name=last_name,
            birth_date=birth_date,
        )
    assert found == expected


def test_the_feed_is_read_one_line_at_a_time(tmp_path) -> None:
    assert inspect.isgeneratorfunction(national_file.read_feed)
    feed = write_feed(tmp_path / "feed.jsonl", record(), record("BBBBB22222"))
    lines = national_file.read_feed(feed)
    assert next(lines)[0] == 1
    assert next(lines)[0] == 2


def _peak_memory_of_import(engine: Engine, feed: Path) -> int:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        import_feed(engine=engine, path=feed, batch_size=100)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_size_of_the_file(tmp_path) -> None:
    small = feedgen.write_feed(tmp_path / "small.jsonl", 600, events_per_licence=1, seed=1)
    large = feedgen.write_feed(tmp_path / "large.jsonl", 3000, events_per_licence=1, seed=2)
    peaks = []
    for feed in (small, large):
        engine = make_engine(f"sqlite:///{tmp_path / (feed.stem + '.db')}")
        migrate.upgrade(engine)
        import_feed(engine=engine, path=write_feed(tmp_path / "warm.jsonl", record()))  # first-use caches
        peaks.append(_peak_memory_of_import(engine, feed))
        engine.dispose()
    # Five times the lines, yet the same peak within noise: nothing kept per line.
    assert peaks[1] < peaks[0] * 1.5, peaks


def _every_licence(engine: Engine, numbers: list[str]) -> list[tuple[Any, Any]]:
    return [(licence(engine, number), facts(engine, number)) for number in numbers]


def test_worker_processes_store_and_report_exactly_what_the_in_process_import_does(engine, tmp_path) -> None:
    generated = list(feedgen.lines(40, seed=3))
    numbers = [json.loads(line)["licence_number"] for line in generated]
    resent = json.loads(generated[5])
    resent["first_names"] = "Renvoyé"
    resent["events"] = [infraction("EV-LATER", points=2)]
    lines = [*generated[:10], "{not json", "", *generated[10:20], json.dumps(resent), "[]"]
    lines += [json.dumps(record(events=[infraction("X", points=9)])), *generated[20:]]
    feed = write_feed(tmp_path / "feed.jsonl", *lines)
    reference = make_engine(f"sqlite:///{tmp_path / 'reference.db'}")
    migrate.upgrade(reference)

    seen: list[tuple[int, str]] = []
    report = import_feed(
        engine=engine,
        path=feed,
        batch_size=7,
        workers=2,
        on_rejected=lambda *rejection: seen.append(rejection),
    )
    expected = import_feed(engine=reference, path=feed, batch_size=7, workers=0)

    assert (report.workers, expected.workers) == (2, 0)
    assert (
        (report.lines, report.imported, report.rejected)
        == (44, 41, 3)
        == (
            expected.lines,
            expected.imported,
            expected.rejected,
        )
    )
    assert [line for line, _ in report.errors] == [11, 24, 25]
    assert seen == report.errors == expected.errors
    assert licence(engine, numbers[5]).first_names == "Renvoyé"  # type: ignore[union-attr]
    assert _every_licence(engine, numbers) == _every_licence(reference, numbers)
    reference.dispose()

    stored = dump(engine)
    again = import_feed(engine=engine, path=feed, batch_size=7, workers=1)
    assert (again.imported, again.rejected) == (41, 3)
    assert dump(engine) == stored


def test_a_failed_write_stops_the_worker_processes_and_leaves_earlier_batches_saved(
    sqlite_engine, tmp_path, monkeypatch
) -> None:
    original = national_file._BatchWriter.write_rows
    calls = []

    def failing_second_batch(self, rows):  # type: ignore[no-untyped-def]
        calls.append(len(rows[1]))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        original(self, rows)

    monkeypatch.setattr(national_file._BatchWriter, "write_rows", failing_second_batch)
    feed = feedgen.write_feed(tmp_path / "feed.jsonl", 100)
    with pytest.raises(RuntimeError, match="disk full"):
        import_feed(engine=sqlite_engine, path=feed, batch_size=10, workers=2)
    assert len(dump(sqlite_engine)["licence"]) == 10


def test_only_a_large_file_on_several_cpus_is_parsed_by_worker_processes(tmp_path) -> None:
    small = write_feed(tmp_path / "small.jsonl", record())
    large = tmp_path / "large.jsonl"
    with large.open("wb") as sparse:
        sparse.truncate(national_file.PARALLEL_FROM_BYTES)
    cpus = len(os.sched_getaffinity(0))
    assert national_file.automatic_workers(small) == 0
    assert national_file.automatic_workers(tmp_path / "missing.jsonl") == 0
    assert national_file.automatic_workers(large) == (min(cpus, national_file.MAX_WORKERS) if cpus > 1 else 0)
