"""The PostgreSQL import (services/bulk_pg.py): same rows as SQLite, killed and resumed, two at once.

The resumed and concurrent imports run the real command line (`python -m mespoints import-feed`) in
subprocesses against a private PostgreSQL schema (MESPOINTS_DATABASE_URL with a search_path), and are
compared with a clean import of the same files, run the same way, into SQLite.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select, text
from sqlmodel import Session

from bench import feedgen
from mespoints.db import migrate
from mespoints.db.accounts import Account
from mespoints.db.alerts import AlertKey, Notification
from mespoints.db.engine import make_engine, read_only_connection
from mespoints.db.mail import OutboxMail
from mespoints.db.national_file import Holder, Licence, LicenceCategory, LicenceEvent
from mespoints.services import alerts, bulk_pg
from mespoints.services.national_file import import_feed
from mespoints.settings import PROJECT_ROOT
from tests.services.test_alerts import NOW, account
from tests.services.test_national_file import _peak_memory_of_import


def natural_rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the national file's tables, surrogate ids replaced by the natural keys they stand for."""
    holder, licence = Holder.__table__, Licence.__table__  # type: ignore[attr-defined]
    category, event = LicenceCategory.__table__, LicenceEvent.__table__  # type: ignore[attr-defined]
    queries = {
        "holder": select(
            holder.c.source_licence_number, holder.c.last_name, holder.c.first_names, holder.c.birth_date
        ),
        "licence": select(
            *(licence.c[name] for name in ("licence_number", "format", "issued_on", "early_training")),
            licence.c.probationary,
            licence.c.updated_at,
            holder.c.source_licence_number,
        ).join(holder, holder.c.id == licence.c.holder_id),
        "licence_category": select(
            licence.c.licence_number, category.c.category, category.c.obtained_on
        ).join(licence, licence.c.id == category.c.licence_id),
        "licence_event": select(
            licence.c.licence_number,
            *(column for column in event.c if column.name not in ("id", "licence_id")),
        ).join(licence, licence.c.id == event.c.licence_id),
    }
    with engine.connect() as connection:
        return {name: sorted(connection.execute(query).all(), key=repr) for name, query in queries.items()}


def alerts_told(engine: Engine) -> dict[str, collections.Counter[tuple[Any, ...]]]:
    """Alert keys, notifications and queued mails, each counted (a duplicate counts twice)."""
    account = Account.__table__  # type: ignore[attr-defined]
    key, notification = AlertKey.__table__, Notification.__table__  # type: ignore[attr-defined]
    outbox = OutboxMail.__table__  # type: ignore[attr-defined]
    queries = {
        "alert_key": select(
            account.c.email, key.c.licence_number, key.c.event_id, key.c.rule, key.c.day, key.c.alerted
        ).join(account, account.c.id == key.c.account_id),
        "notification": select(account.c.email, notification.c.title, notification.c.body).join(
            account, account.c.id == notification.c.account_id
        ),
        "mail_outbox": select(outbox.c.recipient, outbox.c.subject, outbox.c.kind),
    }
    with engine.connect() as connection:
        return {
            name: collections.Counter(tuple(row) for row in connection.execute(query))
            for name, query in queries.items()
        }


def write_records(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), "utf-8")
    return path


def activate_accounts(engine: Engine, numbers: list[str]) -> None:
    """An activated account on each licence, its alerts started on what is stored now (the baseline)."""
    for index, number in enumerate(numbers):
        account_id = account(engine, number, f"titulaire{index}@exemple.fr")
        with Session(engine) as session:
            alerts.start_alerts(
                session, account_id=account_id, licence_number=number, as_of=dt.date.today(), now=NOW
            )
            session.commit()


def cli(database_url: str, feed: Path) -> subprocess.Popen[str]:
    """`python -m mespoints import-feed FEED` on that database, started (not waited for)."""
    python = PROJECT_ROOT / ".venv" / "bin" / "python"
    return subprocess.Popen(
        [str(python if python.exists() else sys.executable), "-m", "mespoints", "import-feed", str(feed)],
        cwd=PROJECT_ROOT,
        env={**os.environ, "MESPOINTS_DATABASE_URL": database_url},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished(process: subprocess.Popen[str]) -> str:
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, err
    return out


def count_licences(engine: Engine) -> int:
    # A read never waits for the importer's write lock (SQLite: a deferred transaction).
    with read_only_connection(engine) as connection:
        return int(connection.execute(select(func.count()).select_from(Licence)).scalar_one())


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


# --- The same rows as SQLite ------------------------------------------------------------------------


def tricky_records() -> list[dict[str, Any]]:
    """Generated licences, then values COPY's text format must escape, a licence sent twice, and a
    line that corrects an earlier one (name, categories, an event), as successive files would."""
    records = list(feedgen.records(40))
    first = records[0]
    escaped = {
        **first,
        "last_name": "D'ARTAGNAN\\DE\tBATZ",
        "first_names": "Charles \\N Ogier",
        "events": [
            {**first["events"][0], "label": "Ligne\ncontinue\r\\ franchie\t(\\N)", "place": "\\."},
            *first["events"][1:],
        ],
    }
    corrected = {
        **records[5],
        "last_name": "NOUVEAU",
        "categories": records[5]["categories"][:1],
        "events": [{**records[5]["events"][0], "place": "Bron (69)"}],
    }
    return [*records[1:], escaped, corrected, records[7], "[]"]  # type: ignore[list-item]


def test_postgresql_stores_every_row_the_sqlite_import_stores(
    sqlite_engine, postgres_engine, tmp_path
) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        "".join(
            (json.dumps(record, ensure_ascii=False) if isinstance(record, dict) else record) + "\n"
            for record in tricky_records()
        ),
        "utf-8",
    )
    first = write_records(tmp_path / "first.jsonl", list(feedgen.records(40)))
    stored = {}
    # Batches of 7 lines: a licence sent twice lands in two batches; of 1,000: in the same one.
    for batch_size in (7, 1_000):
        reports = {}
        for name, engine in (("sqlite", sqlite_engine), ("postgresql", postgres_engine)):
            import_feed(engine=engine, path=first, batch_size=9, workers=0)
            reports[name] = import_feed(engine=engine, path=feed, batch_size=batch_size, workers=0)
        assert reports["sqlite"] == reports["postgresql"]
        assert reports["postgresql"].rejected == 1
        stored[batch_size] = natural_rows(postgres_engine)
        assert stored[batch_size] == natural_rows(sqlite_engine)
        for engine in (sqlite_engine, postgres_engine):  # the next round starts from empty tables
            with engine.begin() as connection:
                for table in ("licence_event", "licence_category", "licence", "holder"):
                    connection.execute(text(f"DELETE FROM {table}"))
    assert stored[7] == stored[1_000]
    rows = stored[7]
    assert ("D'ARTAGNAN\\DE\tBATZ",) in {row[1:2] for row in rows["holder"]}
    assert any(row[7] == "Ligne\ncontinue\r\\ franchie\t(\\N)" for row in rows["licence_event"])
    # Worker processes (the COPY text is then formatted in them), and a second run, change nothing.
    for _ in range(2):
        import_feed(engine=postgres_engine, path=first, batch_size=5, workers=2)
        import_feed(engine=postgres_engine, path=feed, batch_size=5, workers=2)
        assert natural_rows(postgres_engine) == rows


# --- Killed with SIGKILL, run again ---------------------------------------------------------------

BIG = 30_000  # licences: 15 batches, several seconds of import
WATCHED = 24  # licences with an activated account, spread over the whole file


def alerting_feeds(tmp_path: Path, count: int) -> tuple[Path, Path, list[str]]:
    """A first file of the watched licences without their last event, then the whole big file: the
    last event of each watched licence is new there, and changes its history (alerts)."""
    records = list(feedgen.records(count, events_per_licence=3))
    watched = [records[index] for index in range(0, count, count // WATCHED)]
    first = write_records(
        tmp_path / "first.jsonl", [{**record, "events": record["events"][:-1]} for record in watched]
    )
    big = write_records(tmp_path / "big.jsonl", records)
    return first, big, [record["licence_number"] for record in watched]


def prepared(engine: Engine, first: Path, watched: list[str]) -> None:
    import_feed(engine=engine, path=first, workers=0)
    activate_accounts(engine, watched)


def test_an_import_killed_halfway_and_run_again_stores_and_alerts_what_a_clean_import_does(
    engine, tmp_path
) -> None:
    """On PostgreSQL (COPY) and on SQLite; the clean import runs into another SQLite file."""
    first, big, watched = alerting_feeds(tmp_path, BIG)
    clean = make_engine(f"sqlite:///{tmp_path / 'clean.db'}")
    migrate.upgrade(clean)
    for database in (clean, engine):
        prepared(database, first, watched)
    finished(cli(url_of(clean), big))

    killed = cli(url_of(engine), big)
    deadline = time.monotonic() + 300
    # The import runs in 10 ms slices and is counted while stopped (SIGSTOP), so it is killed
    # halfway however fast the machine is (a quiet one imported the whole file between two polls).
    while True:
        time.sleep(0.01)
        killed.send_signal(signal.SIGSTOP)
        if count_licences(engine) >= len(watched) + 4_000 or time.monotonic() > deadline:
            break
        assert killed.poll() is None, killed.communicate()
        killed.send_signal(signal.SIGCONT)
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=60)
    assert killed.returncode == -signal.SIGKILL
    halfway = count_licences(engine)
    assert 4_000 <= halfway < BIG, halfway  # killed after some batches, before the end

    assert "30000 enregistrée(s), 0 rejetée(s)" in finished(cli(url_of(engine), big))
    assert natural_rows(engine) == natural_rows(clean)
    told = alerts_told(engine)
    assert told == alerts_told(clean)
    clean.dispose()
    # Each change once: keys are unique, and mails and notifications (several may read alike) are
    # as many as the clean import's.
    assert set(told["alert_key"].values()) == {1}
    alerted = sum(1 for key in told["alert_key"] if key[-1])
    assert alerted >= len(watched)  # every watched licence's new event changed its history


# --- Two imports at once ------------------------------------------------------------------------


def waited_for_the_import_lock(engine: Engine, processes: list[subprocess.Popen[str]]) -> bool:
    """True once an import waits for this schema's import lock; False if every process ended first."""
    waiting = text(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        " AND classid = :class AND objid::int = hashtext(current_schema())"
    )
    while any(process.poll() is None for process in processes):
        with engine.connect() as connection:
            if connection.execute(waiting, {"class": bulk_pg.IMPORT_LOCK_CLASS}).scalar_one():
                return True
        time.sleep(0.02)
    return False


def test_two_imports_at_once_of_overlapping_files_both_finish_with_each_alert_once(
    sqlite_engine, postgres_engine, tmp_path
) -> None:
    first, big, watched = alerting_feeds(tmp_path, 12_000)
    lines = big.read_text("utf-8").splitlines(keepends=True)
    halves = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    halves[0].write_text("".join(lines[:8_000]), "utf-8")
    halves[1].write_text("".join(lines[4_000:]), "utf-8")
    for engine in (sqlite_engine, postgres_engine):
        prepared(engine, first, watched)
    for half in halves:  # the clean imports, one after the other
        finished(cli(url_of(sqlite_engine), half))

    both = [cli(url_of(postgres_engine), half) for half in halves]
    # They did run at once: one waited for the other's lock (then wrote after it).
    assert waited_for_the_import_lock(postgres_engine, both)
    outputs = [finished(process) for process in both]
    assert all("0 rejetée(s)" in output for output in outputs)
    assert natural_rows(postgres_engine) == natural_rows(sqlite_engine)
    told = alerts_told(postgres_engine)
    assert told == alerts_told(sqlite_engine)
    assert set(told["alert_key"].values()) == {1}
    assert sum(1 for key in told["alert_key"] if key[-1]) >= len(watched)


def test_the_postgresql_import_memory_does_not_grow_with_the_size_of_the_file(
    postgres_engine, tmp_path
) -> None:
    small = feedgen.write_feed(tmp_path / "small.jsonl", 600, events_per_licence=1, seed=1)
    large = feedgen.write_feed(tmp_path / "large.jsonl", 3000, events_per_licence=1, seed=2)
    import_feed(engine=postgres_engine, path=write_records(tmp_path / "warm.jsonl", list(feedgen.records(1))))
    peaks = [_peak_memory_of_import(postgres_engine, feed) for feed in (small, large)]
    # Five times the lines, yet the same peak within noise: nothing kept per line.
    assert peaks[1] < peaks[0] * 1.5, peaks


def test_a_text_with_a_nul_character_is_rejected_on_every_database_and_the_other_lines_saved(
    engine, tmp_path
) -> None:
    records = list(feedgen.records(3))
    records[1] = {**records[1], "events": [{**records[1]["events"][0], "label": "feu\u0000rouge"}]}
    report = import_feed(engine=engine, path=write_records(tmp_path / "nul.jsonl", records), workers=0)
    assert report.errors == [
        (2, "un texte contient le caractère nul (\\u0000), que la base de données refuse")
    ]
    assert count_licences(engine) == 2
