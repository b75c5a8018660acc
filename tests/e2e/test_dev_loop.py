"""`make dev` as a designer's loop: a token or a component edited reaches the open page, no reload loop.

The project is copied to a temporary directory (tracked files, with the existing .venv and
tools/js/node_modules linked, not installed again) and `make dev` runs there on free ports with its
own data directory, as a designer starts it. The copy's styles.py and home page are edited in place.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, ROOT, free_port

START_DEADLINE = 240  # seconds: the dev build, bun install from cache, first compile (≈45 s seen)
CHANGE_DEADLINE = 60  # seconds: the goal is 5 s; generous for a loaded 2-core machine
QUIET_PERIOD = 10  # seconds without any edit: the server must not recompile on its own
# One line per compilation of the app (at start, then once per hot reload).
RELOAD_LINE = re.compile(r"^Compiling:", re.MULTILINE)
H1_COLOUR = "() => getComputedStyle(document.querySelector('h1')).color"


@dataclass
class DevServer:
    copy: Path
    url: str
    backend_port: int
    log: Path

    def reloads(self) -> int:
        return len(RELOAD_LINE.findall(self.log.read_text(errors="replace")))


def copy_project(destination: Path) -> None:
    """The tracked files as they are in the worktree, plus links to the installed tools."""
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split("\0")
    for name in filter(None, tracked):
        source = ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            # copy2 keeps the times: make then sees .venv/.installed newer than requirements.txt.
            shutil.copy2(source, target)
    (destination / ".venv").symlink_to(ROOT / ".venv")
    (destination / "tools" / "js" / "node_modules").symlink_to(ROOT / "tools" / "js" / "node_modules")


@pytest.fixture
def dev_server(tmp_path) -> Iterator[DevServer]:
    installed = (ROOT / ".venv" / "bin" / "reflex", ROOT / "tools" / "js" / "node_modules")
    if not all(path.exists() for path in installed):
        pytest.fail("run `make deps` first: the copy links the project's .venv and tools/js")
    copy = tmp_path / "project"
    copy_project(copy)
    port, backend_port = free_port(), free_port()
    # The environment of a designer's shell: nothing of the test run's portal or make.
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MESPOINTS_", "REFLEX_", "MAKE", "MFLAGS", "VIRTUAL_ENV"))
    }
    env["PYTHONUNBUFFERED"] = "1"
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / "dev-loop.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            ["make", "dev", f"PORT={port}", f"BACKEND_PORT={backend_port}"],
            cwd=copy,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://localhost:{port}"
    try:
        started = time.monotonic()
        while True:
            if process.poll() is not None:
                pytest.fail(f"`make dev` stopped during start-up:\n{log.read_text()[-4000:]}")
            try:
                if (
                    httpx.get(f"http://localhost:{backend_port}/health", timeout=2).status_code == 200
                    and httpx.get(url, timeout=2).status_code == 200
                ):
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() - started > START_DEADLINE:
                pytest.fail(f"`make dev` silent after {START_DEADLINE} s:\n{log.read_text()[-4000:]}")
            time.sleep(1)
        print(f"\n`make dev` answered after {time.monotonic() - started:.0f} s")
        yield DevServer(copy=copy, url=url, backend_port=backend_port, log=log)
    finally:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)


def test_a_token_or_a_component_edited_reaches_the_open_page_without_a_reload_loop(browser, dev_server):
    context = browser.new_context(base_url=dev_server.url, locale="fr-FR")
    context.set_default_timeout(60_000)
    tab = context.new_page()
    sockets: list[str] = []
    tab.on("websocket", lambda socket: sockets.append(socket.url))
    try:
        tab.goto("/")
        expect(tab.get_by_role("heading", level=1)).to_contain_text("solde de points")
        before = tab.evaluate(H1_COLOUR)
        assert before == "rgb(27, 31, 36)", before  # LIGHT = Palette(ink="#1b1f24", …)
        # The page talks to the back end on the port chosen with BACKEND_PORT.
        backend = f":{dev_server.backend_port}/"
        deadline = time.monotonic() + 30
        while not any(backend in url for url in sockets) and time.monotonic() < deadline:
            tab.wait_for_timeout(250)
        assert any(backend in url for url in sockets), sockets

        # Started alone, the server settles: no recompilation without an edit (data/ is not watched).
        settled = dev_server.reloads()
        tab.wait_for_timeout(QUIET_PERIOD * 1000)
        assert dev_server.reloads() == settled, "`make dev` recompiles with nothing edited (reload loop)"

        styles = dev_server.copy / "mespoints" / "styles.py"
        text = styles.read_text()
        assert 'ink="#1b1f24"' in text
        styles.write_text(text.replace('ink="#1b1f24"', 'ink="#123456"'))
        edited = time.monotonic()
        while (colour := tab.evaluate(H1_COLOUR)) != "rgb(18, 52, 86)":
            if time.monotonic() - edited > CHANGE_DEADLINE:
                pytest.fail(f"the token change missed the page for {CHANGE_DEADLINE} s (still {colour})")
            tab.wait_for_timeout(100)
        delay = time.monotonic() - edited
        print(f"token change visible in the open page after {delay:.1f} s (goal: 5 s)")

        # A component: the home page's heading, edited in its page module.
        home = dev_server.copy / "mespoints" / "pages" / "home.py"
        text = home.read_text()
        assert "Consultez le solde de points" in text
        home.write_text(text.replace("Consultez le solde de points", "Consultez le nombre de points"))
        edited = time.monotonic()
        expect(tab.get_by_role("heading", level=1)).to_contain_text(
            "nombre de points", timeout=CHANGE_DEADLINE * 1000
        )
        print(f"component change visible in the open page after {time.monotonic() - edited:.1f} s")

        # Two edits, a bounded number of recompilations, then quiet again.
        tab.wait_for_timeout(QUIET_PERIOD * 1000)
        after_edit = dev_server.reloads()
        assert 2 <= after_edit - settled <= 4, f"{after_edit - settled} recompilations for two edits"
        tab.wait_for_timeout(QUIET_PERIOD * 1000)
        assert dev_server.reloads() == after_edit, "`make dev` keeps recompiling after an edit"
    finally:
        context.close()
