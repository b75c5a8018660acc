"""Feed lines to table rows, the import's CPU-bound half (mespoints.services.national_file).

Kept free of SQLAlchemy and of the database so that the worker processes parsing a large feed import
only this module and mespoints.domain.feed: a worker starts in a fraction of a second, in about
20 MB, instead of loading the whole database layer.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from mespoints.domain.feed import FeedLicence, parse_feed_line
from mespoints.domain.records import Event, Infraction

Row = tuple[Any, ...]
# Holders complete, licences without their holder_id, categories and events as (licence number, the
# row without its licence_id): ids are known once the licences are written.
BatchRows = tuple[list[Row], list[Row], list[tuple[str, Row]], list[tuple[str, Row]]]
# (line number, reasons joined), in line order.
Rejection = tuple[int, str]
Converter = Callable[[Any], Any]
T = TypeVar("T")


def _as_is(value: Any) -> Any:
    return value


_SQLITE_DATETIME = operator.methodcaller("isoformat", " ", "microseconds")


def stored_forms(dialect_name: str) -> tuple[Converter, Converter]:
    """(date, datetime) converters to the values handed to the driver for that database.

    SQLite: the text SQLAlchemy's Date and DateTime types write, so they read them back; PostgreSQL:
    the values as they are.
    """
    if dialect_name == "sqlite":
        return dt.date.isoformat, _SQLITE_DATETIME
    if dialect_name == "postgresql":
        return _as_is, _as_is
    raise NotImplementedError(f"national-file import does not support {dialect_name}")


def reason_of(errors: list[str]) -> str:
    """The reasons a line is rejected, in one line (French punctuation)."""
    return " ; ".join(errors)


def parse_lines(lines: list[tuple[int, bytes]], dialect_name: str) -> tuple[BatchRows, list[Rejection], int]:
    """The rows of the valid lines among lines, the rejections, and how many lines were valid.

    What a worker process runs for each chunk of a large feed: only picklable tuples go back.
    """
    valid, rejections = _parse(lines)
    return batch_rows(valid, *stored_forms(dialect_name)), rejections, len(valid)


def _parse(lines: list[tuple[int, bytes]]) -> tuple[list[FeedLicence], list[Rejection]]:
    valid: list[FeedLicence] = []
    rejections: list[Rejection] = []
    for line_number, raw in lines:
        result = parse_feed_line(raw)
        if isinstance(result, FeedLicence):
            valid.append(result)
        else:
            rejections.append((line_number, reason_of(result)))
    return valid, rejections


def batch_rows(batch: list[FeedLicence], date_text: Converter, datetime_text: Converter) -> BatchRows:
    """The rows of one batch, a licence sent twice merged as documented in national_file.

    The later line wins for the licence, its holder and its categories; the events of every line are
    kept, the later line winning for an event id sent twice.
    """

    def event_row(number: str, event: Event) -> tuple[str, Row]:
        if type(event) is Infraction:
            return number, (
                event.id,
                "infraction",
                datetime_text(event.committed_at),
                date_text(event.effective_on),
                event.offence_class,
                event.points,
                event.label,
                event.place,
                None,
            )
        return number, (
            event.id,
            "stage",
            None,
            None,
            None,
            None,
            "",
            event.place,
            date_text(event.completed_on),  # type: ignore[union-attr]
        )

    latest, events = _merged(batch, event_row)
    holders = []
    licences = []
    categories = []
    for number, record in latest.items():
        holders.append((record.last_name, record.first_names, date_text(record.birth_date), number))
        licences.append(
            (
                number,
                record.format,
                date_text(record.issued_on),
                record.early_training,
                record.probationary,
                datetime_text(record.updated_at),
            )
        )
        for category in record.categories:
            categories.append((number, (category.category, date_text(category.obtained_on))))
    return holders, licences, categories, events


def _merged(
    batch: list[FeedLicence], event_row: Callable[[str, Event], T]
) -> tuple[dict[str, FeedLicence], list[T]]:
    """The latest record of each licence number, and the rows of every event, the later line winning
    for an event id sent twice."""
    latest: dict[str, FeedLicence] = {}
    events: dict[tuple[str, str], T] = {}
    for record in batch:
        number = record.licence_number
        latest[number] = record
        for event in record.events:
            events[number, event.id] = event_row(number, event)
    return latest, list(events.values())


# --- PostgreSQL: the rows of a batch as COPY text, ready for the staging tables -------------------


@dataclass(frozen=True)
class CopyBatch:
    """One batch in COPY's text format, one payload per staging table (services/bulk_pg.py).

    Formatted where the lines are parsed (a worker process for a large feed), so that the writing
    process only hands bytes to the database.
    """

    numbers: list[str]
    licences: bytes
    categories: bytes
    events: bytes


# COPY's text format: a backslash, a tab, a newline or a carriage return inside a value is escaped.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_COPY_BOOLEAN = {True: "t", False: "f", None: "\\N"}


def _text(value: str) -> str:
    """A free text of the feed as a COPY field (most need nothing: checked in C first)."""
    if value.isprintable() and "\\" not in value:
        return value
    return value.translate(_COPY_ESCAPES)


def _copy_event(number: str, event: Event) -> str:
    if type(event) is Infraction:
        return (
            f"{number}\t{_text(event.id)}\tinfraction\t{event.committed_at}\t{event.effective_on}"
            f"\t{_text(event.offence_class)}\t{event.points}\t{_text(event.label)}\t{_text(event.place)}\t\\N\n"
        )
    return (
        f"{number}\t{_text(event.id)}\tstage\t\\N\t\\N\t\\N\t\\N\t\t{_text(event.place)}"
        f"\t{event.completed_on}\n"  # type: ignore[union-attr]
    )


def copy_batch(batch: list[FeedLicence]) -> CopyBatch:
    """The COPY payloads of one batch, a licence sent twice merged as batch_rows does.

    Formatted straight from the records (about twice as fast as formatting batch_rows' tuples):
    dates and timestamps as str() writes them (ISO 8601), booleans t/f, NULL as \\N, free texts
    escaped. Staging columns: import_licence (licence_number, format, issued_on, early_training,
    probationary, updated_at, last_name, first_names, birth_date), import_category
    (licence_number, category, obtained_on), import_event (licence_number, event_id, kind,
    committed_at, effective_on, offence_class, points, label, place, completed_on).
    """
    latest, events = _merged(batch, _copy_event)
    licences = []
    categories = []
    for number, record in latest.items():
        licences.append(
            f"{number}\t{record.format}\t{record.issued_on}\t{_COPY_BOOLEAN[record.early_training]}"
            f"\t{_COPY_BOOLEAN[record.probationary]}\t{record.updated_at}\t{_text(record.last_name)}"
            f"\t{_text(record.first_names)}\t{record.birth_date}\n"
        )
        for category in record.categories:
            categories.append(f"{number}\t{_text(category.category)}\t{category.obtained_on}\n")
    return CopyBatch(
        numbers=list(latest),
        licences="".join(licences).encode(),
        categories="".join(categories).encode(),
        events="".join(events).encode(),
    )


def parse_lines_for_copy(lines: list[tuple[int, bytes]]) -> tuple[CopyBatch, list[Rejection], int]:
    """parse_lines for PostgreSQL's COPY path: the valid lines as a CopyBatch."""
    valid, rejections = _parse(lines)
    return copy_batch(valid), rejections, len(valid)
