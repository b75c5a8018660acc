"""The production launcher, `python -m mespoints serve` (what `make run` starts).

Whether a killed worker is really replaced is proven by `make faults` (tests/faults); here, what
the launcher asks of granian and Reflex, without building or serving anything.
"""

from __future__ import annotations

import inspect
import os
import signal
import subprocess
from pathlib import Path

import pytest
from reflex.utils import exec as reflex_exec

from mespoints import launcher
from mespoints.cli import main
from mespoints.db.engine import get_engine
from mespoints.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def database(tmp_path, monkeypatch):
    monkeypatch.setenv("MESPOINTS_DATABASE_URL", f"sqlite:///{tmp_path / 'serve.db'}")
    get_settings.cache_clear()
    get_engine.cache_clear()
    yield
    get_engine().dispose()
    get_settings.cache_clear()
    get_engine.cache_clear()


def test_granian_respawns_failed_workers_and_bounds_a_graceful_stop():
    options = launcher.granian_options(3)
    assert options["workers"] == 3
    assert options["respawn_failed_workers"] is True
    assert options["workers_kill_timeout"] > 0


def test_the_launcher_replaces_exactly_reflexs_production_server_step():
    # The launcher swaps `run_backend_prod` and calls Reflex helpers by name: a Reflex upgrade
    # that renames or reshapes them must fail here, not in production.
    ours = inspect.signature(launcher._serve_with_respawn)
    theirs = inspect.signature(reflex_exec.run_backend_prod)
    assert list(ours.parameters) == list(theirs.parameters)
    for helper in ("_backend_start_method", "_preload_for_fork", "get_app_instance_from_file"):
        assert callable(getattr(reflex_exec, helper)), helper
    from granian.server import Server

    granian_parameters = inspect.signature(Server).parameters
    assert {"respawn_failed_workers", "workers_kill_timeout"} <= set(granian_parameters)


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, 1),
        ({"REFLEX_REDIS_URL": "redis://127.0.0.1:6379/0"}, max(2, os.cpu_count() or 1)),
        ({"REFLEX_REDIS_URL": "redis://127.0.0.1:6379/0", "GRANIAN_WORKERS": "3"}, 3),
    ],
    ids=["one-without-redis", "one-per-core-with-redis", "granian-workers-wins"],
)
def test_default_workers(monkeypatch, environment, expected):
    monkeypatch.delenv("REFLEX_REDIS_URL", raising=False)
    monkeypatch.delenv("GRANIAN_WORKERS", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert launcher.default_workers() == expected


def test_serve_refuses_several_workers_without_redis_in_french(database, monkeypatch, capsys):
    monkeypatch.delenv("REFLEX_REDIS_URL", raising=False)
    monkeypatch.setattr(launcher, "serve", lambda **_: pytest.fail("nothing may start"))
    assert main(["serve", "--workers", "2"]) == 2
    assert "REFLEX_REDIS_URL" in capsys.readouterr().err


def test_serve_passes_the_port_and_worker_count_to_the_launcher(database, monkeypatch):
    monkeypatch.setenv("REFLEX_REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("MESPOINTS_PORT", "3456")
    get_settings.cache_clear()
    started = {}
    monkeypatch.setattr(launcher, "serve", lambda **options: started.update(options) or 0)
    assert main(["serve", "--workers", "2"]) == 0
    assert started == {"port": 3456, "workers": 2}


def test_serve_rejects_a_worker_count_below_one(database):
    with pytest.raises(SystemExit) as stopped:
        main(["serve", "--workers", "0"])
    assert stopped.value.code == 2


def test_make_run_starts_the_launcher():
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MAKE", "MFLAGS"))}
    result = subprocess.run(
        ["make", "--always-make", "-n", "run", "PORT=3210"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "-m mespoints serve" in result.stdout
    assert "reflex run" not in result.stdout


class FakeGranian:
    """Stands for granian's server: each serve() plays the next outcome of `outcomes`."""

    outcomes: list[str] = []
    served = 0

    def __init__(self, **options):
        self.options = options
        self.interrupt_signal = False

    def serve(self) -> None:
        FakeGranian.served += 1
        outcome = FakeGranian.outcomes.pop(0)
        if outcome == "crash-loop":
            raise SystemExit(1)
        if outcome == "signal":
            self.interrupt_signal = True
            raise SystemExit(0)


@pytest.fixture
def fake_granian(monkeypatch, database):
    import granian.server

    from mespoints import worker_liveness

    monkeypatch.setattr(granian.server, "Server", FakeGranian)
    monkeypatch.setattr(reflex_exec, "_backend_start_method", lambda: None)
    monkeypatch.setattr(reflex_exec, "get_app_instance_from_file", lambda: "mespoints.mespoints:app")
    monkeypatch.setattr(launcher, "CRASH_LOOP_PAUSE_SECONDS", 0)
    monkeypatch.setattr(worker_liveness, "install", lambda: None)
    monkeypatch.setenv("GRANIAN_WORKERS", "2")
    monkeypatch.delenv("REFLEX_MOUNT_FRONTEND_COMPILED_APP", raising=False)  # restored afterwards
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    FakeGranian.served = 0
    yield FakeGranian
    for number, handler in handlers.items():
        signal.signal(number, handler)


def test_after_a_crash_loop_the_launcher_starts_the_workers_again(fake_granian):
    fake_granian.outcomes = ["crash-loop", "served-until-stopped"]
    launcher._serve_with_respawn("0.0.0.0", 3000)
    assert fake_granian.served == 2


def test_a_signal_stops_the_launcher_without_restarting(fake_granian):
    fake_granian.outcomes = ["signal"]
    with pytest.raises(SystemExit):
        launcher._serve_with_respawn("0.0.0.0", 3000)
    assert fake_granian.served == 1


def test_workers_that_keep_failing_at_once_stop_the_launcher_with_code_1(fake_granian, capsys):
    fake_granian.outcomes = ["crash-loop"] * (launcher.MAX_QUICK_RESTARTS + 1)
    with pytest.raises(SystemExit) as stopped:
        launcher._serve_with_respawn("0.0.0.0", 3000)
    assert stopped.value.code == 1
    assert fake_granian.served == launcher.MAX_QUICK_RESTARTS + 1
    assert "arrêt du portail" in capsys.readouterr().err
