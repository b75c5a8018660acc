"""What the load generator runs against: a fresh PostgreSQL schema with generated drivers, a
private Redis, and the portal's production back end with 1 or 2 workers.

`portal_command` is the one place that says how the portal is started: switch it to another
launcher (e.g. one with granian's worker respawn) without touching the scenario.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
from sqlalchemy import Engine, insert, select, text

from bench import feedgen
from mespoints.db import migrate
from mespoints.db.accounts import Account
from mespoints.db.engine import make_engine
from mespoints.db.national_file import Holder, Licence
from mespoints.services.clock import today
from mespoints.services.national_file import import_feed

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_URL = os.environ.get(
    "MESPOINTS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
ACCOUNTS_CREATED_AT = dt.datetime(2024, 10, 1, 8, 0, 0)  # naive UTC, as stored
BATCH = 5_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def insert_accounts(engine: Engine, *, password_hash: str, limit: int | None = None) -> list[str]:
    """One activated account per imported licence already issued (the first `limit` ones; the
    generated feed has some issued in the future, whose simulator accepts no day), all with the same
    password hash; returns their email addresses, in licence order."""
    account = Account.__table__  # type: ignore[attr-defined]
    query = (
        select(Licence.licence_number, Holder.last_name, Holder.first_names, Holder.birth_date)  # type: ignore[call-overload]
        .join(Holder, Holder.id == Licence.holder_id)
        .where(Licence.issued_on <= today())
        .order_by(Licence.id)
        .limit(limit)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    emails = [f"conducteur{index}@exemple.fr" for index in range(len(rows))]
    with engine.begin() as connection:
        for start in range(0, len(rows), BATCH):
            connection.execute(
                insert(account),
                [
                    {
                        "email": emails[start + index],
                        "password_hash": password_hash,
                        "last_name": last_name,
                        "first_names": first_names,
                        "birth_date": birth_date,
                        "licence_number": number,
                        "created_at": ACCOUNTS_CREATED_AT,
                        "activated_at": ACCOUNTS_CREATED_AT,
                    }
                    for index, (number, last_name, first_names, birth_date) in enumerate(
                        rows[start : start + BATCH]
                    )
                ],
            )
    return emails


@dataclass
class Database:
    url: str  # the portal's MESPOINTS_DATABASE_URL (search_path set to the private schema)
    engine: Engine
    emails: list[str]


@contextlib.contextmanager
def drivers_database(*, licences: int, accounts: int, password_hash: str) -> Iterator[Database]:
    """A private schema in PostgreSQL: migrations, a generated national file, activated accounts.
    Dropped afterwards."""
    schema = f"load_{secrets.token_hex(6)}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    url = f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
        with tempfile.TemporaryDirectory(prefix="load-feed-") as directory:
            feed = feedgen.write_feed(Path(directory) / "feed.jsonl", licences)
            report = import_feed(engine=engine, path=feed)
            assert report.all_valid, report.errors[:3]
        emails = insert_accounts(engine, password_hash=password_hash, limit=accounts)
        yield Database(url=url, engine=engine, emails=emails)
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@dataclass
class RedisTarget:
    url: str
    process: psutil.Process | None  # our own redis-server, None when it is the system's

    def cpu_seconds(self) -> float:
        if self.process is None:
            return 0.0
        times = self.process.cpu_times()
        return times.user + times.system


@contextlib.contextmanager
def private_redis() -> Iterator[RedisTarget]:
    """A Redis of our own on a free port (no persistence): its counters count only our traffic,
    and nobody else's keys are touched. Falls back to the system Redis (MESPOINTS_TEST_REDIS_URL)
    when redis-server is not installed."""
    server = shutil.which("redis-server")
    if server is None:
        yield RedisTarget(os.environ.get("MESPOINTS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"), None)
        return
    port = free_port()
    process = psutil.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        import redis

        client = redis.Redis.from_url(url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        client.close()
        yield RedisTarget(url, process)
    finally:
        process.terminate()
        process.wait(timeout=10)


def portal_command(port: int) -> list[str]:
    """How the portal is started: its production back end (bench/load_server.py)."""
    return [sys.executable, "-m", "bench.load_server", str(port)]


@dataclass
class Portal:
    url: str
    process: psutil.Popen
    log: Path

    def workers(self) -> list[psutil.Process]:
        """The processes serving requests: the launcher's descendants (granian's workers)."""
        return self.process.children(recursive=True)

    def workers_rss(self) -> int:
        return sum(worker.memory_info().rss for worker in self.workers())

    def cpu_seconds(self) -> float:
        """CPU time of the launcher and every process under it (workers and their threads)."""
        total = 0.0
        for process in [self.process, *self.workers()]:
            with contextlib.suppress(psutil.NoSuchProcess):
                times = process.cpu_times()
                total += times.user + times.system
        return total


@contextlib.contextmanager
def running_portal(*, workers: int, database_url: str, redis_url: str, log: Path) -> Iterator[Portal]:
    """The portal with `workers` granian workers, state in Redis, until the block ends."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    workdir = Path(tempfile.mkdtemp(prefix="load-portal-"))
    env = {
        **os.environ,
        "MESPOINTS_DATABASE_URL": database_url,
        "REFLEX_REDIS_URL": redis_url,
        "GRANIAN_WORKERS": str(workers),
        "MESPOINTS_BASE_URL": url,
        "MESPOINTS_PORT": str(port),
        # Behind one reverse proxy, as in production: each simulated driver has its own address.
        "MESPOINTS_TRUSTED_PROXY_HOPS": "1",
        "MESPOINTS_SECRET_KEY": "b2K5n0kqkz3n0Jw8fQe0Jm6cJtQy4xq1m2p3r4s5t6U=",
        "MESPOINTS_ATTESTATION_KEYS": "load:Ya9fMShjPR7CXdOuWRUJ1P//ckeMxYjk+O/AM0UgO0g=",
        "REFLEX_WEB_WORKDIR": str(workdir / "web"),
        "PYTHONUNBUFFERED": "1",
    }
    with log.open("w") as out:
        process = psutil.Popen(
            portal_command(port),
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the portal stopped during start-up:\n{log.read_text()[-3000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"the portal did not answer within 120 s:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        # Every worker up (each one answers /health once it has imported the app).
        while len(process.children(recursive=True)) < workers and time.monotonic() < deadline:
            time.sleep(0.2)
        yield Portal(url=url, process=process, log=log)
    finally:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=20)
        except psutil.TimeoutExpired:
            os.killpg(process.pid, 9)
        shutil.rmtree(workdir, ignore_errors=True)
