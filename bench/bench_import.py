"""Import benchmark (make bench): the national-file feed into SQLite, against raw sqlite3.

    .venv/bin/python -m bench.bench_import [--licences 100000] [--events 3] [--batch-size N] [--workers N]

1. writes a deterministic feed (bench/feedgen.py) into a temporary directory;
2. imports it with mespoints.services.national_file.import_feed (validation included) into a fresh,
   migrated SQLite file, and measures licences per second and the import's peak memory, every
   process counted: this process's resident-set high-water mark (resource.getrusage ru_maxrss, taken
   right after the import, before the baseline below loads its rows in memory) plus the sum of the
   high-water marks of its child processes (the import's workers and multiprocessing's resource
   tracker), read from /proc/PID/status (VmHWM) every 50 ms during the import: an upper bound of
   what they held together. (RUSAGE_CHILDREN is no use here: a child started with vfork inherits its
   parent's high-water mark at exec.);
3. inserts the very same rows with raw sqlite3 executemany (no validation, no upsert, ids known in
   advance, one commit per batch like the import) into another fresh, migrated file with the same
   connection settings, and prints the ratio import time / raw time.

Exits 1 when a goal of the issue is missed: at least 10,000 licences/s, within 5x of raw sqlite3,
peak memory under 300 MB.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import resource
import secrets
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench import feedgen

# The database layer is imported inside the functions: the import's worker processes are started
# with "spawn", which re-imports the main module in each of them, and `python -m mespoints
# import-feed`'s workers load only the feed parser (a main module named __main__ is not re-imported).
# A heavy main module here would make the workers' memory and start-up look worse than they are.

GOAL_LICENCES_PER_SECOND = 10_000
GOAL_RATIO_TO_RAW = 5.0
GOAL_PEAK_MB = 300
# PostgreSQL (issue 12): the whole import, parsing included, against a raw COPY of the same rows.
GOAL_PG_LICENCES_PER_SECOND = 30_000
GOAL_PG_RATIO_TO_RAW = 3.0
# The database the PostgreSQL half uses (two private schemas, dropped afterwards).
POSTGRES_URL_VARIABLE = "MESPOINTS_BENCH_POSTGRES_URL"

_TABLES = ("holder", "licence", "licence_category", "licence_event")


def peak_rss_mb() -> float:
    """This process's resident-set high-water mark (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class ChildrenPeakMemory(threading.Thread):
    """Samples the high-water mark (VmHWM) of every child process of this one until stopped."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peaks_kib: dict[int, int] = {}
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(0.05):
            self.sample()

    def sample(self) -> None:
        me = str(os.getpid())
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = stat.read().rpartition(")")[2].split()[1]
                if parent != me:
                    continue
                with open(f"/proc/{entry}/status") as status:
                    for line in status:
                        if line.startswith("VmHWM:"):
                            peak = int(line.split()[1])
                            self.peaks_kib[int(entry)] = max(peak, self.peaks_kib.get(int(entry), 0))
            except (OSError, IndexError, ValueError):
                continue  # the process ended meanwhile

    def stop(self) -> float:
        """The sum of the children's high-water marks, in MB."""
        self.stopping.set()
        self.join()
        return sum(self.peaks_kib.values()) / 1024


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def migrated_sqlite(path: Path) -> None:
    from mespoints.db import migrate
    from mespoints.db.engine import make_engine

    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()


def counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as connection:
        return {table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in _TABLES}


def _stored_datetime(value: str) -> str:
    """A feed timestamp as SQLAlchemy stores it on SQLite (naive UTC for aware values)."""
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment.isoformat(" ", "microseconds")


def raw_rows(licences: int, events_per_licence: int) -> dict[str, list[tuple[Any, ...]]]:
    """The rows the import writes, as tuples ready for executemany, ids assigned in advance."""
    rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in _TABLES}
    for index, record in enumerate(feedgen.records(licences, events_per_licence=events_per_licence), 1):
        number = record["licence_number"]
        rows["holder"].append(
            (index, number, record["last_name"], record["first_names"], record["birth_date"])
        )
        rows["licence"].append(
            (
                index,
                number,
                record["format"],
                index,
                record["issued_on"],
                record["early_training"],
                record.get("probationary"),
                _stored_datetime(record["updated_at"]),
            )
        )
        for category in record["categories"]:
            rows["licence_category"].append((index, category["category"], category["obtained_on"]))
        for event in record["events"]:
            if event["kind"] == "infraction":
                rows["licence_event"].append(
                    (
                        index,
                        event["id"],
                        "infraction",
                        _stored_datetime(event["committed_at"]),
                        event["effective_on"],
                        event["offence_class"],
                        event["points"],
                        event["label"],
                        event["place"],
                        None,
                    )
                )
            else:
                rows["licence_event"].append(
                    (
                        index,
                        event["id"],
                        "stage",
                        None,
                        None,
                        None,
                        None,
                        "",
                        event["place"],
                        event["completed_on"],
                    )
                )
    return rows


_RAW_INSERTS = {
    "holder": "INSERT INTO holder (id, source_licence_number, last_name, first_names, birth_date)"
    " VALUES (?, ?, ?, ?, ?)",
    "licence": "INSERT INTO licence (id, licence_number, format, holder_id, issued_on, early_training,"
    " probationary, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "licence_category": "INSERT INTO licence_category (licence_id, category, obtained_on) VALUES (?, ?, ?)",
    "licence_event": "INSERT INTO licence_event (licence_id, event_id, kind, committed_at, effective_on,"
    " offence_class, points, label, place, completed_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
}


def _batches(
    rows: dict[str, list[tuple[Any, ...]]], batch_size: int
) -> Iterator[dict[str, list[tuple[Any, ...]]]]:
    """The rows split on the same licence boundaries as the import's batches (ids count from 1)."""
    total = len(rows["licence"])
    starts = dict.fromkeys(_TABLES, 0)
    for first in range(0, total, batch_size):
        last_id = min(first + batch_size, total)
        batch = {}
        for table in _TABLES:
            table_rows = rows[table]
            start = end = starts[table]
            while end < len(table_rows) and table_rows[end][0] <= last_id:
                end += 1
            batch[table] = table_rows[start:end]
            starts[table] = end
        yield batch


def raw_insert(path: Path, rows: dict[str, list[tuple[Any, ...]]], batch_size: int) -> float:
    """Seconds to executemany every row, one transaction per batch of licences; same pragmas."""
    connection = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "busy_timeout=5000", "foreign_keys=ON", "synchronous=NORMAL"):
        connection.execute(f"PRAGMA {pragma}")
    started = time.perf_counter()
    for batch in _batches(rows, batch_size):
        connection.execute("BEGIN IMMEDIATE")
        for table in _TABLES:
            connection.executemany(_RAW_INSERTS[table], batch[table])
        connection.execute("COMMIT")
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


_RAW_COPIES = {
    "holder": "COPY holder (id, source_licence_number, last_name, first_names, birth_date) FROM STDIN",
    "licence": "COPY licence (id, licence_number, format, holder_id, issued_on, early_training,"
    " probationary, updated_at) FROM STDIN",
    "licence_category": "COPY licence_category (licence_id, category, obtained_on) FROM STDIN",
    "licence_event": "COPY licence_event (licence_id, event_id, kind, committed_at, effective_on,"
    " offence_class, points, label, place, completed_on) FROM STDIN",
}


def raw_copy(url: str, rows: dict[str, list[tuple[Any, ...]]], batch_size: int) -> float:
    """Seconds to COPY every row into the (empty, migrated) tables, one transaction per batch."""
    import psycopg

    with psycopg.connect(_libpq_url(url)) as connection:
        started = time.perf_counter()
        for batch in _batches(rows, batch_size):
            with connection.cursor() as cursor:
                for table in _TABLES:
                    with cursor.copy(_RAW_COPIES[table]) as copy:
                        for row in batch[table]:
                            copy.write_row(row)
            connection.commit()
        return time.perf_counter() - started


def _libpq_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _pg_counts(url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(_libpq_url(url)) as connection:
        return {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]
            for table in _TABLES
        }


@contextlib.contextmanager
def private_schemas(url: str, count: int) -> Iterator[list[str]]:
    """count migrated, private schemas of the PostgreSQL database at url, as URLs; dropped after."""
    from sqlalchemy import text

    from mespoints.db import migrate
    from mespoints.db.engine import make_engine

    admin = make_engine(url)
    names = [f"bench_{secrets.token_hex(6)}" for _ in range(count)]
    separator = "&" if "?" in url else "?"
    urls = [f"{url}{separator}options=-csearch_path%3D{name}" for name in names]
    try:
        for name, schema_url in zip(names, urls, strict=True):
            with admin.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{name}"'))
            engine = make_engine(schema_url)
            migrate.upgrade(engine)
            engine.dispose()
        yield urls
    finally:
        with admin.begin() as connection:
            for name in names:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        admin.dispose()


def main(argv: list[str] | None = None) -> int:
    from mespoints.services.national_file import DEFAULT_BATCH_SIZE

    parser = argparse.ArgumentParser(prog="python -m bench.bench_import", description=__doc__.splitlines()[0])
    parser.add_argument("--licences", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=3, help="events per licence")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    parser.add_argument(
        "--workers", type=int, default=None, help="worker processes (default: the import's own choice)"
    )
    parser.add_argument("--only", choices=("sqlite", "postgresql"), help="one database only")
    args = parser.parse_args(argv)

    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="mespoints-bench-") as directory:
        workdir = Path(directory)
        feed = feedgen.write_feed(workdir / "feed.jsonl", args.licences, events_per_licence=args.events)
        print(
            f"feed: {args.licences} licences, {args.events} events each, {feed.stat().st_size / 1e6:.1f} MB"
        )
        if args.only != "postgresql":
            failures += bench_sqlite(args, feed, workdir)
        if args.only != "sqlite":
            failures += bench_postgresql(args, feed)
    for failure in failures:
        print(f"GOAL MISSED: {failure}", file=sys.stderr)
    if not failures:
        print("all goals met")
    return 1 if failures else 0


def bench_sqlite(args: argparse.Namespace, feed: Path, workdir: Path) -> list[str]:
    """SQLite: the import against raw sqlite3 executemany, and the import's peak memory."""
    from mespoints.db.engine import make_engine
    from mespoints.services.national_file import import_feed

    print("--- SQLite")
    imported_db = workdir / "import.sqlite"
    migrated_sqlite(imported_db)
    engine = make_engine(f"sqlite:///{imported_db}")
    children_cpu_started = children_cpu_seconds()
    children_memory = ChildrenPeakMemory()
    children_memory.start()
    started, cpu_started = time.perf_counter(), time.process_time()
    report = import_feed(engine=engine, path=feed, batch_size=args.batch_size, workers=args.workers)
    import_seconds = time.perf_counter() - started
    import_cpu_seconds = time.process_time() - cpu_started
    workers_cpu_seconds = children_cpu_seconds() - children_cpu_started
    children_peak_mb = children_memory.stop()
    children_count = len(children_memory.peaks_kib)
    engine.dispose()
    main_peak_mb = peak_rss_mb()
    peak_mb = main_peak_mb + children_peak_mb
    rate = args.licences / import_seconds
    imported_counts = counts(imported_db)

    rows = raw_rows(args.licences, args.events)
    raw_db = workdir / "raw.sqlite"
    migrated_sqlite(raw_db)
    raw_seconds = raw_insert(raw_db, rows, args.batch_size)
    raw_counts = counts(raw_db)
    del rows
    ratio = import_seconds / raw_seconds

    print(
        f"import (with validation): {import_seconds:.2f} s, {rate:,.0f} licences/s, batch {args.batch_size}"
    )
    _print_cpu(import_cpu_seconds, workers_cpu_seconds, report.workers)
    print(f"  lines {report.lines}, imported {report.imported}, rejected {report.rejected}")
    print(f"  rows: {imported_counts}")
    print(
        f"peak memory of the import, every process (RSS high-water, ru_maxrss): {peak_mb:.0f} MB"
        f" = this process {main_peak_mb:.0f} MB"
        f" + {children_count} child process(es) {children_peak_mb:.0f} MB"
    )
    print(f"raw sqlite3 executemany of the same rows: {raw_seconds:.2f} s; rows: {raw_counts}")
    print(f"ratio import / raw: {ratio:.2f}x (goal <= {GOAL_RATIO_TO_RAW}x)")

    same = not report.rejected and imported_counts == raw_counts
    failures = _missed("SQLite", same, rate, GOAL_LICENCES_PER_SECOND, ratio, GOAL_RATIO_TO_RAW)
    if peak_mb >= GOAL_PEAK_MB:
        failures.append(f"SQLite: peak memory {peak_mb:.0f} MB >= {GOAL_PEAK_MB} MB")
    return failures


def bench_postgresql(args: argparse.Namespace, feed: Path) -> list[str]:
    """PostgreSQL: the import (COPY path) against a raw COPY of the same rows, in the same run."""
    from mespoints.db.engine import make_engine
    from mespoints.services.national_file import import_feed

    print(f"--- PostgreSQL ({POSTGRES_URL_VARIABLE}={_postgres_url()})")
    try:
        schemas = private_schemas(_postgres_url(), 2)
        import_url, raw_url = schemas.__enter__()
    except Exception as error:  # noqa: BLE001 (any connection failure means "not here")
        message = f"PostgreSQL does not answer ({error.__class__.__name__}): skipped"
        print(message)
        return [message] if os.environ.get("CI") == "true" else []
    try:
        engine = make_engine(import_url)
        children_cpu_started = children_cpu_seconds()
        started, cpu_started = time.perf_counter(), time.process_time()
        report = import_feed(engine=engine, path=feed, batch_size=args.batch_size, workers=args.workers)
        import_seconds = time.perf_counter() - started
        import_cpu_seconds = time.process_time() - cpu_started
        workers_cpu_seconds = children_cpu_seconds() - children_cpu_started
        engine.dispose()
        imported_counts = _pg_counts(import_url)

        rows = raw_rows(args.licences, args.events)
        raw_seconds = raw_copy(raw_url, rows, args.batch_size)
        raw_counts = _pg_counts(raw_url)
        del rows
    finally:
        schemas.__exit__(None, None, None)
    rate = args.licences / import_seconds
    raw_rate = args.licences / raw_seconds
    ratio = import_seconds / raw_seconds
    print(
        f"import (with validation, COPY + upserts): {import_seconds:.2f} s, {rate:,.0f} licences/s"
        f" (goal >= {GOAL_PG_LICENCES_PER_SECOND:,}), batch {args.batch_size}"
    )
    _print_cpu(import_cpu_seconds, workers_cpu_seconds, report.workers)
    print(f"  lines {report.lines}, imported {report.imported}, rejected {report.rejected}")
    print(f"  rows: {imported_counts}")
    print(f"raw COPY of the same rows: {raw_seconds:.2f} s, {raw_rate:,.0f} licences/s; rows: {raw_counts}")
    print(f"ratio import / raw COPY: {ratio:.2f}x (goal <= {GOAL_PG_RATIO_TO_RAW}x)")

    same = not report.rejected and imported_counts == raw_counts
    return _missed("PostgreSQL", same, rate, GOAL_PG_LICENCES_PER_SECOND, ratio, GOAL_PG_RATIO_TO_RAW)


def _missed(
    database: str, same_rows: bool, rate: float, goal_rate: int, ratio: float, goal_ratio: float
) -> list[str]:
    """The goals missed, each in one line."""
    failures = []
    if not same_rows:
        failures.append(f"{database}: the import did not store the same rows as the raw insert")
    if rate < goal_rate:
        failures.append(f"{database}: rate {rate:,.0f} licences/s < {goal_rate:,}")
    if ratio > goal_ratio:
        failures.append(f"{database}: ratio {ratio:.2f}x > {goal_ratio}x")
    return failures


def _postgres_url() -> str:
    return os.environ.get(POSTGRES_URL_VARIABLE, "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _print_cpu(import_cpu_seconds: float, workers_cpu_seconds: float, workers: int) -> None:
    # CPU time well above the wall time / CPUs means other processes shared them: figures are pessimistic.
    print(
        f"  CPU time: {import_cpu_seconds:.2f} s in this process, {workers_cpu_seconds:.2f} s in"
        f" {workers} worker processes; {len(os.sched_getaffinity(0))} CPUs,"
        f" load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
