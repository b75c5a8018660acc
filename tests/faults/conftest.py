"""The faults suite (`make faults`): a production portal whose dependencies the tests stop and start.

Each dependency is a private instance on a free port, so stopping it never touches the machine's
own services: a Redis server, a PostgreSQL cluster (initdb + pg_ctl, as the `postgres` user when
run as root, since PostgreSQL refuses root) and an aiosmtpd server. The portal is the production
build started by `python -m mespoints serve` with two workers, as `make run` does with Redis.
Missing binaries fail under CI=true and skip elsewhere, with the reason.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from aiosmtpd.controller import Controller

from tests.conftest import _unavailable as unavailable
from tests.e2e.conftest import (  # noqa: F401 (fixtures shared with the browser tests)
    ARTIFACTS,
    Mailbox,
    Portal,
    browser,
    free_port,
    pytest_runtest_makereport,  # rep_call on each test, for the screenshots on failure
    running_portal,
)

REDIS_SERVER = "/usr/bin/redis-server"
POSTGRES_BIN = Path(os.environ.get("MESPOINTS_TEST_POSTGRES_BIN", "/usr/local/bin"))


def wait_until(condition, timeout: float, what: str, interval: float = 0.25):  # type: ignore[no-untyped-def]
    """Polls `condition` until it returns a true value (returned) or fails after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(interval)


def answers(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class RedisServer:
    """A private redis-server without persistence: a restart loses every key, the worst case."""

    workdir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        log = (self.workdir / "redis.log").open("a")
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            cwd=self.workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_until(lambda: answers(self.port), 10, "the private Redis answers")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        wait_until(lambda: not answers(self.port), 10, "the private Redis stopped")


@dataclass
class PostgresCluster:
    """A private PostgreSQL cluster (trust authentication on 127.0.0.1) that tests can stop."""

    datadir: Path
    port: int = field(default_factory=free_port)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        result = subprocess.run([*as_postgres, *command], capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}\n{result.stderr}"

    def init(self) -> None:
        self._run(
            str(POSTGRES_BIN / "initdb"), "-D", str(self.datadir / "data"), "-A", "trust", "-U", "postgres"
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.datadir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(POSTGRES_BIN / "pg_ctl"), "-D", str(self.datadir / "data"), "-o", options,
            "-l", str(self.datadir / "postgres.log"), "-w", "start",
        )  # fmt: skip

    def stop(self) -> None:
        self._run(str(POSTGRES_BIN / "pg_ctl"), "-D", str(self.datadir / "data"), "-m", "fast", "-w", "stop")


@dataclass
class SmtpServer:
    """An aiosmtpd server that tests stop and start again on the same port; one mailbox throughout."""

    mailbox: Mailbox = field(default_factory=Mailbox)
    port: int = field(default_factory=free_port)
    controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
        wait_until(lambda: not answers(self.port), 10, "the SMTP server stopped")


@dataclass
class FaultyPortal:
    portal: Portal
    redis: RedisServer
    postgres: PostgresCluster
    smtp: SmtpServer


def _require(path: Path | str, what: str) -> None:
    if not Path(path).exists():
        unavailable(what, FileNotFoundError(str(path)))


@pytest.fixture(scope="session")
def faulty_portal(tmp_path_factory) -> Iterator[FaultyPortal]:
    _require(REDIS_SERVER, "redis-server")
    _require(POSTGRES_BIN / "pg_ctl", "PostgreSQL's pg_ctl")
    workdir = tmp_path_factory.mktemp("faults")
    # PostgreSQL runs as `postgres`: its directory must not sit inside root's private temp folder.
    pgdir = Path(tempfile.mkdtemp(prefix="mespoints-faults-pg-"))
    if os.geteuid() == 0:
        shutil.chown(pgdir, "postgres", "postgres")
    redis = RedisServer(workdir)
    postgres = PostgresCluster(pgdir)
    smtp = SmtpServer()
    with contextlib.ExitStack() as stack:
        stack.callback(shutil.rmtree, pgdir, ignore_errors=True)
        postgres.init()
        postgres.start()
        stack.callback(_quietly, postgres.stop)
        redis.start()
        stack.callback(_quietly, redis.stop)
        smtp.start()
        stack.callback(_quietly, smtp.stop)
        portal = stack.enter_context(
            running_portal(
                workdir,
                (smtp.mailbox, smtp.port),
                "faults-portal",
                MESPOINTS_DATABASE_URL=postgres.url,
                REFLEX_REDIS_URL=redis.url,
                GRANIAN_WORKERS="2",
            )
        )
        yield FaultyPortal(portal=portal, redis=redis, postgres=postgres, smtp=smtp)


def _quietly(stop) -> None:  # type: ignore[no-untyped-def]
    with contextlib.suppress(Exception):
        stop()


def health(portal: Portal) -> int:
    try:
        return httpx.get(f"{portal.url}/health", timeout=10).status_code
    except httpx.HTTPError:
        return 0


@pytest.fixture
def context_factory(browser, faulty_portal, request):  # noqa: F811 (the imported fixture)
    """New browser contexts on the faulty portal, closed (and screenshotted on failure) after the test."""
    contexts = []

    def new_context():  # type: ignore[no-untyped-def]
        context = browser.new_context(base_url=faulty_portal.portal.url, locale="fr-FR")
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context.new_page()

    yield new_context
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for number, context in enumerate(contexts):
        if failed:
            ARTIFACTS.mkdir(exist_ok=True)
            for page in context.pages:
                page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{number}.png"), full_page=True)
        context.close()
