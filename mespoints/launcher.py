"""The production launcher (`python -m mespoints serve`, what `make run` starts).

Reflex 0.10.1's `reflex run --env prod` builds the front end and serves it with the back end on one
port through granian, but it starts granian without `respawn_failed_workers`: a worker that dies
(`kill -9`, out of memory) stops every other one, and the whole portal with them. This launcher runs
Reflex's own production start-up (same build, same single-port mount, same workers forked from a
preloaded app) and swaps only the last step, the granian server, for one that replaces a dead worker
while the others keep serving, and lets the browsers of the dead worker reconnect elsewhere with their
page state (mespoints.worker_liveness). A worker that dies again within 5.5 s trips granian's
crash-loop guard, which stops every worker: the launcher then starts them all again, without
rebuilding, a few seconds later; only an app whose workers keep failing makes it exit 1, for the
service manager (systemd `Restart=on-failure`).
"""

from __future__ import annotations

import os
import signal
import sys
import time
from typing import Any

from reflex_base.constants.base import LogLevel

_GRACEFUL_STOP_SECONDS = 30
# After granian's crash-loop guard stops the workers, they start again after this pause, unless
# that already happened MAX_QUICK_RESTARTS times in a row, each within STABLE_SECONDS of serving
# (an app that cannot start at all): then the launcher exits 1 for the service manager.
CRASH_LOOP_PAUSE_SECONDS = 3
STABLE_SECONDS = 60
MAX_QUICK_RESTARTS = 3


def default_workers() -> int:
    """GRANIAN_WORKERS when set; one per core with Redis (shared state); one without."""
    if configured := os.environ.get("GRANIAN_WORKERS"):
        return int(configured)
    if os.environ.get("REFLEX_REDIS_URL"):
        return max(2, os.cpu_count() or 1)
    return 1


def granian_options(workers: int) -> dict[str, Any]:
    """What our granian server adds to Reflex's: respawn dead workers, bounded graceful stop."""
    return {
        "workers": workers,
        "respawn_failed_workers": True,
        # A worker that ignores SIGTERM (a stuck request) is killed after this delay.
        "workers_kill_timeout": _GRACEFUL_STOP_SECONDS,
    }


def _serve_with_respawn(
    host: str, port: int, loglevel: LogLevel = LogLevel.ERROR, mount_frontend_compiled_app: bool = False
) -> None:
    """Drop-in for `reflex.utils.exec.run_backend_prod`: granian with failed workers respawned."""
    import multiprocessing

    from granian.constants import Interfaces
    from granian.log import LogLevels
    from granian.server import Server as Granian
    from reflex.utils import exec as reflex_exec
    from reflex_base.environment import environment

    from mespoints import worker_liveness

    environment.REFLEX_MOUNT_FRONTEND_COMPILED_APP.set(mount_frontend_compiled_app)
    # A browser whose worker was killed reconnects to another one with its page state.
    worker_liveness.install()
    # As Reflex does: fork the workers from a supervisor that has imported the app, so a respawned
    # worker starts in a fraction of a second and shares the supervisor's memory pages.
    if (start_method := reflex_exec._backend_start_method()) is not None:
        multiprocessing.set_start_method(start_method, force=True)
        if start_method == "fork" and not reflex_exec._preload_for_fork(None):
            multiprocessing.set_start_method("spawn", force=True)
    _close_inherited_connections()
    quick_restarts = 0
    while True:
        server = Granian(
            target=reflex_exec.get_app_instance_from_file(),
            factory=True,
            address=host,
            port=port,
            interface=Interfaces.ASGI,
            log_level=LogLevels(os.getenv("GRANIAN_LOG_LEVEL", loglevel.value)),
            log_dictconfig=reflex_exec._granian_log_dictconfig(),
            **granian_options(int(os.environ["GRANIAN_WORKERS"])),
        )
        started = time.monotonic()
        try:
            server.serve()
            return
        except SystemExit as stopped:
            # Stopped by a signal, or nothing failed: this is the end. Else a worker crash loop.
            if server.interrupt_signal or not stopped.code:
                raise
            quick_restarts = quick_restarts + 1 if time.monotonic() - started < STABLE_SECONDS else 1
            if quick_restarts > MAX_QUICK_RESTARTS:
                print("Les workers s'arrêtent sans cesse : arrêt du portail.", file=sys.stderr, flush=True)
                raise
        _pause_before_restart()


def _pause_before_restart() -> None:
    """Granian gave up on a worker that died twice within 5.5 s: start every worker again, soon.

    Granian's signal handlers belong to the server that stopped: until the next one starts,
    SIGTERM and Ctrl-C must stop the launcher as usual.
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    print("Un worker s'est arrêté deux fois de suite : redémarrage des workers.", file=sys.stderr, flush=True)
    time.sleep(CRASH_LOOP_PAUSE_SECONDS)


def _close_inherited_connections() -> None:
    """A forked worker must never share the supervisor's database sockets: close them first."""
    from mespoints.db.engine import get_engine

    get_engine().dispose()


def serve(port: int, workers: int) -> int:
    """Builds the production front end and serves the portal on `port`; returns the exit code."""
    import click
    from reflex.reflex import cli
    from reflex.utils import exec as reflex_exec

    os.environ["GRANIAN_WORKERS"] = str(workers)
    reflex_exec.run_backend_prod = _serve_with_respawn
    port_text = str(port)
    try:
        cli.main(
            ["run", "--env", "prod", "--frontend-port", port_text, "--backend-port", port_text],
            prog_name="reflex",
            standalone_mode=False,
        )
    except click.exceptions.Exit as stopped:
        return int(stopped.exit_code)
    except SystemExit as stopped:
        return stopped.code if isinstance(stopped.code, int) else 1
    return 0
