"""Dashboard benchmark: the server-side work of opening the dashboard, with 100,000 licences.

    .venv/bin/python -m bench.bench_dashboard [--licences 100000] [--samples 1000] [--sqlite-only]

For SQLite (a fresh file) and PostgreSQL (a private schema at MESPOINTS_TEST_POSTGRES_URL, default
postgresql+psycopg://postgres@127.0.0.1:5432/test, dropped afterwards; skipped with a clear message
when it does not answer):

1. imports a deterministic feed (bench/feedgen.py) with mespoints.services.national_file.import_feed;
2. creates one activated account and one open session per licence directly in the tables (a dummy
   password hash: hashing is not what is measured);
3. times, for `samples` sessions taken at random, exactly what DashboardState.on_load does on the
   server: resolve the session (services.sessions.resolve_session), then load the dashboard
   (services.dashboard.load_dashboard: licence and events read, points engine, French formatting).
   Two cases: "after login" (session last seen 30 s ago: resolve_session only reads, the usual
   case since login lands on the dashboard) and "idle 5 min" (resolve_session also writes
   last_seen_at and commits: the worse case).

Prints p50/p95/p99/max per database and case. Exits 1 when a p95 is 20 ms or more.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import Engine, insert, select, text

from bench import feedgen
from mespoints.db import migrate
from mespoints.db.accounts import Account, AccountSession
from mespoints.db.engine import make_engine
from mespoints.db.national_file import Holder, Licence
from mespoints.services.dashboard import load_dashboard
from mespoints.services.national_file import import_feed
from mespoints.services.security import hash_token
from mespoints.services.sessions import resolve_session

GOAL_P95_SECONDS = 0.020
POSTGRES_URL = os.environ.get(
    "MESPOINTS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
NOW = dt.datetime(2024, 11, 10, 9, 0, 0)  # naive UTC, as stored
AS_OF = dt.date(2024, 11, 10)
BATCH = 5_000


def load(engine: Engine, feed: Path) -> float:
    migrate.upgrade(engine)
    started = time.perf_counter()
    report = import_feed(engine=engine, path=feed)
    assert report.all_valid, report.errors[:3]
    return time.perf_counter() - started


def create_sessions(engine: Engine, seed: int, *, last_seen_ago: dt.timedelta) -> list[str]:
    """One activated account and one open session per licence; returns the raw session ids."""
    rng = random.Random(seed)
    account = Account.__table__  # type: ignore[attr-defined]
    session = AccountSession.__table__  # type: ignore[attr-defined]
    with engine.connect() as connection:
        rows = connection.execute(
            select(Licence.licence_number, Holder.last_name, Holder.first_names, Holder.birth_date).join(  # type: ignore[call-overload]
                Holder, Holder.id == Licence.holder_id
            )
        ).all()
    raw_ids: list[str] = []
    with engine.begin() as connection:
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            connection.execute(
                insert(account),
                [
                    {
                        "email": f"conducteur{start + index}@exemple.fr",
                        "password_hash": "$argon2id$dummy",
                        "last_name": last_name,
                        "first_names": first_names,
                        "birth_date": birth_date,
                        "licence_number": number,
                        "created_at": NOW - dt.timedelta(days=30),
                        "activated_at": NOW - dt.timedelta(days=30),
                    }
                    for index, (number, last_name, first_names, birth_date) in enumerate(chunk)
                ],
            )
        account_ids = [row[0] for row in connection.execute(select(account.c.id).order_by(account.c.id))]
        for start in range(0, len(account_ids), BATCH):
            values = []
            for account_id in account_ids[start : start + BATCH]:
                raw = secrets.token_urlsafe(32)
                raw_ids.append(raw)
                values.append(
                    {
                        "session_hash": hash_token(raw),
                        "account_id": account_id,
                        "created_at": NOW - dt.timedelta(minutes=20),
                        "last_seen_at": NOW - last_seen_ago,
                    }
                )
            connection.execute(insert(session), values)
    rng.shuffle(raw_ids)
    return raw_ids


def open_dashboard(engine: Engine, session_id: str) -> int:
    """What DashboardState.on_load does on the server; returns the balance shown."""
    info = resolve_session(engine=engine, session_id=session_id, now=NOW)
    assert info is not None
    data = load_dashboard(engine=engine, licence_number=info.licence_number, as_of=AS_OF)
    assert data is not None
    return data.balance


def measure(engine: Engine, session_ids: list[str], samples: int) -> list[float]:
    for session_id in session_ids[samples : samples + 50]:  # warm the pool and caches
        open_dashboard(engine, session_id)
    times = []
    for session_id in session_ids[:samples]:
        started = time.perf_counter()
        open_dashboard(engine, session_id)
        times.append(time.perf_counter() - started)
    return times


def report(name: str, times: list[float]) -> bool:
    ordered = sorted(times)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

    p95 = pct(0.95)
    ok = p95 < GOAL_P95_SECONDS * 1000
    print(
        f"{name:<28} {len(times)} dashboard opens: "
        f"p50 {statistics.median(times) * 1000:.2f} ms, p95 {p95:.2f} ms, p99 {pct(0.99):.2f} ms, "
        f"max {ordered[-1] * 1000:.2f} ms (goal p95 < {GOAL_P95_SECONDS * 1000:g} ms): "
        f"{'OK' if ok else 'TOO SLOW'}"
    )
    return ok


def run(name: str, engine: Engine, feed: Path, licences: int, samples: int) -> bool:
    load_seconds = load(engine, feed)
    print(f"{name}: {licences:,} licences imported in {load_seconds:.1f} s")
    fresh = create_sessions(engine, seed=7, last_seen_ago=dt.timedelta(seconds=30))
    ok = report(f"{name}, after login", measure(engine, fresh, samples))
    with engine.begin() as connection:  # the same sessions, now idle for 5 minutes
        connection.execute(
            AccountSession.__table__.update().values(last_seen_at=NOW - dt.timedelta(minutes=5))  # type: ignore[attr-defined]
        )
    return report(f"{name}, idle 5 min", measure(engine, fresh[::-1], samples)) and ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--licences", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=1_000)
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args(argv)
    ok = True
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as directory:
        feed = feedgen.write_feed(Path(directory) / "feed.jsonl", args.licences)
        engine = make_engine(f"sqlite:///{Path(directory) / 'bench.db'}")
        try:
            ok &= run("SQLite", engine, feed, args.licences, args.samples)
        finally:
            engine.dispose()
        if args.sqlite_only:
            print("PostgreSQL skipped (--sqlite-only).")
        else:
            ok &= run_postgres(feed, args.licences, args.samples)
    return 0 if ok else 1


def run_postgres(feed: Path, licences: int, samples: int) -> bool:
    schema = f"bench_{secrets.token_hex(6)}"
    admin = make_engine(POSTGRES_URL)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:  # noqa: BLE001 (any connection failure means "not here")
        admin.dispose()
        print(f"PostgreSQL SKIPPED: {POSTGRES_URL} does not answer ({error.__class__.__name__}: {error}).")
        return True
    separator = "&" if "?" in POSTGRES_URL else "?"
    engine = make_engine(f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}")
    try:
        return run("PostgreSQL", engine, feed, licences, samples)
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    sys.exit(main())
