"""The national licence file: importing its feed, and reading licences back.

The import streams the feed (interfaces.md section 4) in batches: each batch of lines is validated
(mespoints.domain.feed) and turned into rows (mespoints.services.national_file_rows), then written in
one transaction. SQLite: a few upserts built with SQLAlchemy Core (INSERT ... ON CONFLICT DO UPDATE),
run with executemany (_BatchWriter). PostgreSQL: the rows, formatted as COPY text where they were
parsed, are copied into staging tables and written by set-based upserts (services/bulk_pg.py), one
import at a time (an advisory lock).

A large file (PARALLEL_FROM_BYTES and more, on a machine with several CPUs) is parsed and validated
by worker processes while this process writes: it reads chunks of raw lines with their numbers, hands
them to the workers, and writes their rows and reports their rejections in the order of the file,
with a bounded number of chunks in flight. The workers are started with "spawn", never forked: the
importer may run inside a server holding database connections and threads. Memory depends on the
batch size, never on the file size (bench/bench_import.py measures every process).

What an import does to what is already stored:
- a licence and its holder are upserted by licence number: the feed's values replace the stored ones;
- categories mirror the latest line of a licence (a category the line no longer lists is removed);
- events are upserted by (licence, event id): a re-sent event replaces the stored one, and an event
  a later feed omits is kept (never deleted);
- a licence number appearing on several lines of one file: the later line wins for the licence, its
  holder and its categories, and the events of every line are kept (the later line wins for an event
  id sent twice), exactly as if the lines had come in successive files.
Importing the same file twice therefore changes nothing.

After each batch is committed, `on_written(licence numbers)` is called when given: the command line
hands the alerts service (services/alerts.py) the licences it just wrote, which alerts each new
change of their history once (a batch written again alerts nothing twice).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, bindparam, delete, exists, func
from sqlalchemy import select as core_select
from sqlalchemy.dialects import sqlite
from sqlmodel import Session, select

from mespoints.db.national_file import Holder, Licence, LicenceCategory, LicenceEvent
from mespoints.domain.feed import FeedLicence, parse_feed_line
from mespoints.domain.licence_number import normalize_licence_number, normalize_name
from mespoints.services.national_file_rows import (
    BatchRows,
    Rejection,
    Row,
    batch_rows,
    parse_lines,
    reason_of,
    stored_forms,
)

DEFAULT_BATCH_SIZE = 2_000
# Smaller files are imported in-process: starting a worker costs about 0.3 s of CPU.
PARALLEL_FROM_BYTES = 4_000_000
MAX_WORKERS = 2
# Chunks handed to the workers and not yet written, per worker: enough to keep them busy while this
# process writes, few enough that memory stays flat whatever the file size.
CHUNKS_AHEAD_PER_WORKER = 2
# The report keeps the first rejections; on_rejected sees every one (the CLI prints them all).
MAX_REPORTED_ERRORS = 1_000

_SQLITE = sqlite.dialect(paramstyle="qmark")
_holder = Holder.__table__  # type: ignore[attr-defined]
_licence = Licence.__table__  # type: ignore[attr-defined]
_category = LicenceCategory.__table__  # type: ignore[attr-defined]
_event = LicenceEvent.__table__  # type: ignore[attr-defined]

# Columns in each table's own order, which is the order of the compiled statements' parameters.
_HOLDER_COLUMNS = ("last_name", "first_names", "birth_date", "source_licence_number")
_LICENCE_COLUMNS = (
    "licence_number",
    "format",
    "issued_on",
    "early_training",
    "probationary",
    "updated_at",
    "holder_id",
)
_CATEGORY_COLUMNS = ("licence_id", "category", "obtained_on")
_EVENT_COLUMNS = (
    "licence_id",
    "event_id",
    "kind",
    "committed_at",
    "effective_on",
    "offence_class",
    "points",
    "label",
    "place",
    "completed_on",
)


@dataclass
class ImportReport:
    """What one import did. lines counts non-blank lines; imported + rejected == lines."""

    lines: int = 0
    imported: int = 0
    rejected: int = 0
    # (line number, reason), the first MAX_REPORTED_ERRORS rejections.
    errors: list[tuple[int, str]] = field(default_factory=list)
    # Processes that parsed and validated the lines while this one wrote; 0 when all ran in-process.
    workers: int = 0

    @property
    def all_valid(self) -> bool:
        return self.rejected == 0


def read_feed(path: str | os.PathLike[str]) -> Iterator[tuple[int, bytes]]:
    """(line number, raw line) for every non-blank line of the file, one at a time."""
    with open(path, "rb") as feed:
        for line_number, raw in enumerate(feed, start=1):
            if line_number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]  # a UTF-8 byte order mark
            if raw.strip():
                yield line_number, raw


def import_feed(
    *,
    engine: Engine,
    path: str | os.PathLike[str],
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_rejected: Callable[[int, str], None] | None = None,
    workers: int | None = None,
    on_written: Callable[[list[str]], object] | None = None,
) -> ImportReport:
    """Imports the feed at path: valid lines are saved, invalid ones reported and skipped.

    on_rejected(line_number, reason) is called for every rejected line, in the order of the file.
    workers: processes parsing the lines while this one writes; None chooses from the file's size
    and the CPUs (automatic_workers), 0 does everything in-process. on_written(licence numbers) is
    called after each batch is committed. Raises OSError when the file cannot be read; batches
    already written stay written.
    """
    if workers is None:
        workers = automatic_workers(path)
    report = ImportReport()
    writer = _writer(engine, on_written)
    try:
        if workers > 0:
            _import_in_workers(report, writer, read_feed(path), batch_size, on_rejected, workers)
        else:
            _import_in_process(report, writer, read_feed(path), batch_size, on_rejected)
    finally:
        writer.close()
    return report


def _import_in_process(
    report: ImportReport,
    writer: _Writer,
    lines: Iterator[tuple[int, bytes]],
    batch_size: int,
    on_rejected: Callable[[int, str], None] | None,
) -> None:
    batch: list[FeedLicence] = []
    for line_number, raw in lines:
        report.lines += 1
        result = parse_feed_line(raw)
        if isinstance(result, FeedLicence):
            batch.append(result)
            if len(batch) >= batch_size:
                writer.write(batch)
                report.imported += len(batch)
                batch = []
        else:
            _reject(report, on_rejected, line_number, reason_of(result))
    if batch:
        writer.write(batch)
        report.imported += len(batch)


class _Writer(Protocol):
    """What import_feed writes with: _BatchWriter (SQLite), bulk_pg.CopyWriter (PostgreSQL)."""

    def parser(self) -> Callable[[list[tuple[int, bytes]]], tuple[Any, list[Rejection], int]]:
        """What a worker process runs on a chunk of (line number, raw line): rows, rejections, valid."""
        ...

    def write(self, batch: list[FeedLicence]) -> None: ...

    def write_rows(self, rows: Any) -> None: ...

    def close(self) -> None: ...


def _writer(engine: Engine, on_written: Callable[[list[str]], object] | None) -> _Writer:
    if engine.dialect.name == "postgresql":
        from mespoints.services.bulk_pg import CopyWriter

        return CopyWriter(engine, on_written)
    return _BatchWriter(engine, on_written)


def automatic_workers(path: str | os.PathLike[str]) -> int:
    """How many worker processes import_feed uses for that file by default (0: in-process)."""
    try:
        size = os.stat(path).st_size
    except OSError:
        return 0  # read_feed raises the error
    if size < PARALLEL_FROM_BYTES:
        return 0
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return 0 if cpus < 2 else min(cpus, MAX_WORKERS)


def _reject(
    report: ImportReport, on_rejected: Callable[[int, str], None] | None, line_number: int, reason: str
) -> None:
    report.rejected += 1
    if len(report.errors) < MAX_REPORTED_ERRORS:
        report.errors.append((line_number, reason))
    if on_rejected is not None:
        on_rejected(line_number, reason)


def _chunks(lines: Iterator[tuple[int, bytes]], size: int) -> Iterator[list[tuple[int, bytes]]]:
    chunk: list[tuple[int, bytes]] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _import_in_workers(
    report: ImportReport,
    writer: _Writer,
    lines: Iterator[tuple[int, bytes]],
    batch_size: int,
    on_rejected: Callable[[int, str], None] | None,
    workers: int,
) -> None:
    """Workers parse and validate chunks of lines; this process writes their rows in file order."""
    report.workers = workers
    pending: deque[Future[tuple[Any, list[Rejection], int]]] = deque()

    def write_oldest() -> None:
        rows, rejections, valid = pending.popleft().result()
        for line_number, reason in rejections:
            _reject(report, on_rejected, line_number, reason)
        writer.write_rows(rows)
        report.imported += valid

    parse = writer.parser()
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    try:
        for chunk in _chunks(lines, batch_size):
            report.lines += len(chunk)
            pending.append(pool.submit(parse, chunk))
            if len(pending) >= workers * CHUNKS_AHEAD_PER_WORKER:
                write_oldest()
        while pending:
            write_oldest()
    finally:
        # On an error, chunks not started are dropped; the workers always exit before we return.
        pool.shutdown(wait=True, cancel_futures=True)


def import_records(
    *,
    engine: Engine,
    records: Iterable[FeedLicence],
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_written: Callable[[list[str]], object] | None = None,
) -> int:
    """Saves already validated records (demo data, tests); returns how many."""
    writer = _writer(engine, on_written)
    batch: list[FeedLicence] = []
    count = 0
    try:
        for record in records:
            batch.append(record)
            if len(batch) >= batch_size:
                writer.write(batch)
                count += len(batch)
                batch = []
        if batch:
            writer.write(batch)
            count += len(batch)
    finally:
        writer.close()
    return count


class _Upsert:
    """One INSERT ... ON CONFLICT DO UPDATE on SQLite, compiled once, run with executemany per batch.

    Rows are tuples in the order of columns.
    """

    def __init__(self, table: Any, columns: tuple[str, ...], conflict: tuple[str, ...] = ()) -> None:
        statement: Any = sqlite.insert(table)
        if conflict:
            statement = statement.on_conflict_do_update(
                index_elements=list(conflict),
                set_={column: statement.excluded[column] for column in columns if column not in conflict},
            )
        compiled = statement.compile(dialect=_SQLITE, column_keys=list(columns), for_executemany=True)
        if list(compiled.positiontup or ()) != list(columns):
            raise RuntimeError(f"{table.name}: parameters {compiled.positiontup} are not in order {columns}")
        self.sql = str(compiled)

    def run(self, connection: Connection, rows: list[Row]) -> None:
        if rows:
            connection.exec_driver_sql(self.sql, rows)  # type: ignore[arg-type]


class _BatchWriter:
    """Writes batches of feed records with a few statements built with SQLAlchemy Core.

    The statements are compiled once and run with exec_driver_sql on positional tuples:
    SQLAlchemy's per-row parameter processing cost three times the database's own work (measured
    with bench/bench_import.py). Values are therefore handed over in their stored form: on SQLite,
    dates and timestamps as the text SQLAlchemy's Date and DateTime types write, so they read them
    back.
    """

    def __init__(self, engine: Engine, on_written: Callable[[list[str]], object] | None = None) -> None:
        self.engine = engine
        self.on_written = on_written
        name = self.dialect_name = engine.dialect.name
        self.date_text, self.datetime_text = stored_forms(name)
        self.upsert_holders = _Upsert(_holder, _HOLDER_COLUMNS, ("source_licence_number",))
        self.upsert_licences = _Upsert(_licence, _LICENCE_COLUMNS, ("licence_number",))
        self.insert_categories = _Upsert(_category, _CATEGORY_COLUMNS)
        self.upsert_events = _Upsert(_event, _EVENT_COLUMNS, ("licence_id", "event_id"))

        # Whole batches of keys in one parameter, a JSON array.
        def one_of(column: Any) -> Any:
            return column.in_(core_select(func.json_each(bindparam("keys")).table_valued("value").c.value))

        def text_of(statement: Any) -> str:
            return str(statement.compile(dialect=_SQLITE))

        self.holder_ids = text_of(
            core_select(_holder.c.source_licence_number, _holder.c.id).where(
                one_of(_holder.c.source_licence_number)
            )
        )
        self.licence_ids = text_of(
            core_select(_licence.c.licence_number, _licence.c.id).where(one_of(_licence.c.licence_number))
        )
        self.delete_categories = text_of(delete(_category).where(one_of(_category.c.licence_id)))
        self.keys: Callable[[list[Any]], Any] = lambda keys: (json.dumps(keys),)

    def write(self, batch: list[FeedLicence]) -> None:
        """Writes one batch of records in one transaction."""
        self.write_rows(batch_rows(batch, self.date_text, self.datetime_text))

    def write_rows(self, rows: BatchRows) -> None:
        """Writes the rows of one batch in one transaction; ids are looked up once per batch."""
        holders, licences, categories, events = rows
        if not licences:
            return
        numbers = [licence[0] for licence in licences]
        keys = self.keys(numbers)
        with self.engine.begin() as connection:
            self.upsert_holders.run(connection, holders)
            holder_ids = _id_map(connection, self.holder_ids, keys)
            self.upsert_licences.run(connection, [(*row, holder_ids[row[0]]) for row in licences])
            licence_ids = _id_map(connection, self.licence_ids, keys)
            connection.exec_driver_sql(self.delete_categories, self.keys(list(licence_ids.values())))
            # Categories and events come as (licence number, the rest of the row).
            self.insert_categories.run(connection, [(licence_ids[n], *rest) for n, rest in categories])
            self.upsert_events.run(connection, [(licence_ids[n], *rest) for n, rest in events])
        if self.on_written is not None:
            self.on_written(numbers)

    def parser(self) -> Callable[[list[tuple[int, bytes]]], tuple[BatchRows, list[Rejection], int]]:
        """What the worker processes run on each chunk of lines."""
        return functools.partial(parse_lines, dialect_name=self.dialect_name)

    def close(self) -> None:
        """Nothing to free: each batch used a connection of the pool."""


def _id_map(connection: Connection, sql: str, keys: Any) -> dict[Any, int]:
    """{key: id} for the rows that query finds."""
    return {key: row_id for key, row_id in connection.exec_driver_sql(sql, keys).all()}


def is_empty(engine: Engine) -> bool:
    """True while no licence has been imported."""
    with engine.connect() as connection:
        return not connection.execute(core_select(exists().select_from(_licence))).scalar()


def _find(session: Session, licence_number: str) -> tuple[Licence, Holder] | None:
    number = normalize_licence_number(licence_number)
    if number is None:
        return None
    row = session.exec(
        select(Licence, Holder)
        .join(Holder, Licence.holder_id == Holder.id)  # type: ignore[arg-type]
        .where(Licence.licence_number == number)  # type: ignore[arg-type]
    ).first()
    return None if row is None else (row[0], row[1])


def find_licence_for_identity(
    session: Session,
    *,
    licence_number: str,
    licence_format: str | None,
    last_name: str,
    birth_date: dt.date,
    given_names: str | None = None,
) -> str | None:
    """The stored licence number when that licence, of that format, belongs to that person, else None.

    The last name is compared with normalize_name (case, accents, hyphens, apostrophes, extra spaces
    ignored); the birth date must be the same. `licence_format` None: any format. With
    `given_names` (an identity vouched for by FranceConnect), its first given name must also be one
    of the holder's first names (twins and namesakes born the same day are told apart).
    """
    found = _find(session, licence_number)
    if found is None:
        return None
    licence, holder = found
    if (licence_format is not None and licence.format != licence_format) or holder.birth_date != birth_date:
        return None
    if normalize_name(holder.last_name) != normalize_name(last_name):
        return None
    if given_names is not None:
        first_given = (normalize_name(given_names).split() or [""])[0]
        if first_given not in normalize_name(holder.first_names).split():
            return None
    return licence.licence_number
