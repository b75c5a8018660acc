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
import datetime as dt
import os
import resource
import sqlite3
import sys
import tempfile
import threading
import time
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


def raw_insert(path: Path, rows: dict[str, list[tuple[Any, ...]]], batch_size: int) -> float:
    """Seconds to executemany every row, one transaction per batch of licences; same pragmas."""
    connection = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "busy_timeout=5000", "foreign_keys=ON", "synchronous=NORMAL"):
        connection.execute(f"PRAGMA {pragma}")
    total = len(rows["licence"])
    # Split the child rows on the same licence boundaries as the import's batches.
    starts = {table: 0 for table in _TABLES}
    started = time.perf_counter()
    for first in range(0, total, batch_size):
        last_id = min(first + batch_size, total)
        connection.execute("BEGIN IMMEDIATE")
        for table in _TABLES:
            table_rows = rows[table]
            start = starts[table]
            end = start
            while end < len(table_rows) and table_rows[end][0] <= last_id:
                end += 1
            connection.executemany(_RAW_INSERTS[table], table_rows[start:end])
            starts[table] = end
        connection.execute("COMMIT")
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def main(argv: list[str] | None = None) -> int:
    from mespoints.db.engine import make_engine
    from mespoints.services.national_file import DEFAULT_BATCH_SIZE, import_feed

    parser = argparse.ArgumentParser(prog="python -m bench.bench_import", description=__doc__.splitlines()[0])
    parser.add_argument("--licences", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=3, help="events per licence")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    parser.add_argument(
        "--workers", type=int, default=None, help="worker processes (default: the import's own choice)"
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="mespoints-bench-") as directory:
        workdir = Path(directory)
        feed = feedgen.write_feed(workdir / "feed.jsonl", args.licences, events_per_licence=args.events)
        size_mb = feed.stat().st_size / 1e6

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

    print(f"feed: {args.licences} licences, {args.events} events each, {size_mb:.1f} MB")
    print(
        f"import (with validation): {import_seconds:.2f} s, {rate:,.0f} licences/s, batch {args.batch_size}"
    )
    # CPU time well above the wall time / CPUs means other processes shared them: figures are pessimistic.
    print(
        f"  CPU time: {import_cpu_seconds:.2f} s in this process, {workers_cpu_seconds:.2f} s in"
        f" {report.workers} worker processes; {len(os.sched_getaffinity(0))} CPUs,"
        f" load average {os.getloadavg()[0]:.1f}"
    )
    print(f"  lines {report.lines}, imported {report.imported}, rejected {report.rejected}")
    print(f"  rows: {imported_counts}")
    print(
        f"peak memory of the import, every process (RSS high-water, ru_maxrss): {peak_mb:.0f} MB"
        f" = this process {main_peak_mb:.0f} MB"
        f" + {children_count} child process(es) {children_peak_mb:.0f} MB"
    )
    print(f"raw sqlite3 executemany of the same rows: {raw_seconds:.2f} s; rows: {raw_counts}")
    print(f"ratio import / raw: {ratio:.2f}x")

    failures = []
    if report.rejected or imported_counts != raw_counts:
        failures.append("the import did not store the same rows as the raw insert")
    if rate < GOAL_LICENCES_PER_SECOND:
        failures.append(f"rate {rate:,.0f} licences/s < {GOAL_LICENCES_PER_SECOND:,}")
    if ratio > GOAL_RATIO_TO_RAW:
        failures.append(f"ratio {ratio:.2f}x > {GOAL_RATIO_TO_RAW}x")
    if peak_mb >= GOAL_PEAK_MB:
        failures.append(f"peak memory {peak_mb:.0f} MB >= {GOAL_PEAK_MB} MB")
    for failure in failures:
        print(f"GOAL MISSED: {failure}", file=sys.stderr)
    if not failures:
        print("all goals met")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
