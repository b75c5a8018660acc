"""The national-file import's writer on PostgreSQL: COPY into staging tables, then set-based upserts.

Each batch is one transaction: its rows, already in COPY's text format (national_file_rows.copy_batch,
formatted by the worker that parsed them), are copied into three temporary staging tables, then five
statements write them: holders and licences upserted by licence number, the categories a line no
longer lists deleted and the others upserted, events upserted by (licence, event id). An upsert only
rewrites a row whose values changed, so importing a file again (after a crash, say) writes nothing.
The stored rows are those of the SQLite path (services/national_file.py documents the rules;
tests/services/test_bulk_pg.py compares every row of both).

Imports run one at a time: the writer holds a session-level advisory lock for the whole import, so a
second `import-feed` started meanwhile (same or another file) waits for the first to finish, and
overlapping feeds end as if imported one after the other (only the writing waits, not the parsing).
A killed import's connection closes, which rolls back its batch in progress and frees the lock.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Engine

from mespoints.domain.feed import FeedLicence
from mespoints.services.national_file_rows import CopyBatch, Rejection, copy_batch, parse_lines_for_copy

if TYPE_CHECKING:
    import psycopg

# pg_advisory_lock(IMPORT_LOCK_CLASS, hashtext(current_schema())): imports into one schema (one
# portal's tables) wait for each other, never for an import into another schema of the database.
# "mesp" in ASCII, a constant no other lock of the portal uses.
IMPORT_LOCK_CLASS = 0x6D657370

_STAGING = """
CREATE TEMPORARY TABLE IF NOT EXISTS import_licence (
    licence_number text NOT NULL,
    format text NOT NULL,
    issued_on date NOT NULL,
    early_training boolean NOT NULL,
    probationary boolean,
    updated_at timestamp NOT NULL,
    last_name text NOT NULL,
    first_names text NOT NULL,
    birth_date date NOT NULL
) ON COMMIT DELETE ROWS;
CREATE TEMPORARY TABLE IF NOT EXISTS import_category (
    licence_number text NOT NULL,
    category text NOT NULL,
    obtained_on date NOT NULL,
    PRIMARY KEY (licence_number, category)
) ON COMMIT DELETE ROWS;
CREATE TEMPORARY TABLE IF NOT EXISTS import_event (
    licence_number text NOT NULL,
    event_id text NOT NULL,
    kind text NOT NULL,
    committed_at timestamp,
    effective_on date,
    offence_class text,
    points integer,
    label text NOT NULL,
    place text NOT NULL,
    completed_on date
) ON COMMIT DELETE ROWS;
"""

_COPY_LICENCES = (
    "COPY pg_temp.import_licence (licence_number, format, issued_on, early_training, probationary,"
    " updated_at, last_name, first_names, birth_date) FROM STDIN"
)
_COPY_CATEGORIES = "COPY pg_temp.import_category (licence_number, category, obtained_on) FROM STDIN"
_COPY_EVENTS = (
    "COPY pg_temp.import_event (licence_number, event_id, kind, committed_at, effective_on,"
    " offence_class, points, label, place, completed_on) FROM STDIN"
)

# One round trip: the five statements of a batch, in the order the foreign keys need. A batch joins
# a few thousand staging rows to tables of millions by their unique keys: index lookups, never a scan
# of a whole table per batch (which the planner picks while those tables are small or without
# statistics, and which made an import slower with every batch).
_UPSERTS = """
SET LOCAL enable_hashjoin = off;
SET LOCAL enable_mergejoin = off;

INSERT INTO holder (last_name, first_names, birth_date, source_licence_number)
SELECT last_name, first_names, birth_date, licence_number FROM pg_temp.import_licence
ON CONFLICT (source_licence_number) DO UPDATE
SET last_name = excluded.last_name, first_names = excluded.first_names, birth_date = excluded.birth_date
WHERE (holder.last_name, holder.first_names, holder.birth_date)
    IS DISTINCT FROM (excluded.last_name, excluded.first_names, excluded.birth_date);

INSERT INTO licence (licence_number, format, issued_on, early_training, probationary, updated_at, holder_id)
SELECT s.licence_number, s.format, s.issued_on, s.early_training, s.probationary, s.updated_at, h.id
FROM pg_temp.import_licence s JOIN holder h ON h.source_licence_number = s.licence_number
ON CONFLICT (licence_number) DO UPDATE
SET format = excluded.format, issued_on = excluded.issued_on, early_training = excluded.early_training,
    probationary = excluded.probationary, updated_at = excluded.updated_at, holder_id = excluded.holder_id
WHERE (licence.format, licence.issued_on, licence.early_training, licence.probationary,
       licence.updated_at, licence.holder_id)
    IS DISTINCT FROM (excluded.format, excluded.issued_on, excluded.early_training, excluded.probationary,
                      excluded.updated_at, excluded.holder_id);

DELETE FROM licence_category c
USING pg_temp.import_licence s JOIN licence l ON l.licence_number = s.licence_number
WHERE c.licence_id = l.id
  AND NOT EXISTS (
      SELECT FROM pg_temp.import_category n
      WHERE n.licence_number = s.licence_number AND n.category = c.category
  );

INSERT INTO licence_category (licence_id, category, obtained_on)
SELECT l.id, n.category, n.obtained_on
FROM pg_temp.import_category n JOIN licence l ON l.licence_number = n.licence_number
ON CONFLICT (licence_id, category) DO UPDATE
SET obtained_on = excluded.obtained_on
WHERE licence_category.obtained_on IS DISTINCT FROM excluded.obtained_on;

INSERT INTO licence_event (licence_id, event_id, kind, committed_at, effective_on, offence_class, points,
                           label, place, completed_on)
SELECT l.id, e.event_id, e.kind, e.committed_at, e.effective_on, e.offence_class, e.points, e.label,
       e.place, e.completed_on
FROM pg_temp.import_event e JOIN licence l ON l.licence_number = e.licence_number
ON CONFLICT (licence_id, event_id) DO UPDATE
SET kind = excluded.kind, committed_at = excluded.committed_at, effective_on = excluded.effective_on,
    offence_class = excluded.offence_class, points = excluded.points, label = excluded.label,
    place = excluded.place, completed_on = excluded.completed_on
WHERE (licence_event.kind, licence_event.committed_at, licence_event.effective_on,
       licence_event.offence_class, licence_event.points, licence_event.label, licence_event.place,
       licence_event.completed_on)
    IS DISTINCT FROM (excluded.kind, excluded.committed_at, excluded.effective_on, excluded.offence_class,
                      excluded.points, excluded.label, excluded.place, excluded.completed_on);
"""


class CopyWriter:
    """Writes batches through COPY on one connection of its own, holding the import lock until close()."""

    dialect_name = "postgresql"

    def __init__(self, engine: Engine, on_written: Callable[[list[str]], object] | None = None) -> None:
        self.on_written = on_written
        # A connection of its own, outside the pool: it holds the lock and the staging tables, and
        # close() ends it, which frees both whatever happened.
        self._pooled = engine.raw_connection()
        self._connection = cast("psycopg.Connection[Any]", self._pooled.driver_connection)
        self._pooled.detach()
        try:
            with self._connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_lock(%s, hashtext(current_schema()))", (IMPORT_LOCK_CLASS,)
                )
                cursor.execute(_STAGING)
            self._connection.commit()
        except BaseException:
            self.close()
            raise

    def parser(self) -> Callable[[list[tuple[int, bytes]]], tuple[CopyBatch, list[Rejection], int]]:
        """What the worker processes run on each chunk of lines: the batch comes back as COPY text."""
        return parse_lines_for_copy

    def write(self, batch: list[FeedLicence]) -> None:
        """Writes one batch of records in one transaction."""
        self.write_rows(copy_batch(batch))

    def write_rows(self, rows: CopyBatch) -> None:
        """Writes one batch, already in COPY's format, in one transaction."""
        if not rows.numbers:
            return
        connection = self._connection
        try:
            with connection.cursor() as cursor:
                for statement, payload in (
                    (_COPY_LICENCES, rows.licences),
                    (_COPY_CATEGORIES, rows.categories),
                    (_COPY_EVENTS, rows.events),
                ):
                    if payload:
                        with cursor.copy(statement) as copy:
                            copy.write(payload)
                cursor.execute(_UPSERTS)
            connection.commit()
        except BaseException:
            with contextlib.suppress(Exception):  # a broken connection: the error above says why
                connection.rollback()
            raise
        if self.on_written is not None:
            self.on_written(rows.numbers)

    def close(self) -> None:
        """Ends the connection: the lock is freed, the staging tables dropped."""
        self._pooled.close()
