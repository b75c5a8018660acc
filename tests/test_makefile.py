"""`make dev`: the designer's loop (ports chosen, strict hot reload, only the sources watched)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def dev_command(*variables: str) -> str:
    """What `make dev` would run (dry run: nothing starts, nothing is installed)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MAKE", "MFLAGS"))}
    result = subprocess.run(
        ["make", "--always-make", "-n", "dev", *variables], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.replace("\\\n", " ")


def test_make_dev_defaults_to_ports_3000_and_8000_and_the_settings_follow():
    command = dev_command()
    assert "--frontend-port 3000 --backend-port 8000" in command
    assert "MESPOINTS_PORT=3000 MESPOINTS_BACKEND_PORT=8000" in command


def test_make_dev_ports_can_be_chosen():
    command = dev_command("PORT=3100", "BACKEND_PORT=8100")
    assert "--frontend-port 3100 --backend-port 8100" in command
    assert "MESPOINTS_PORT=3100 MESPOINTS_BACKEND_PORT=8100" in command


def test_make_dev_reloads_tokens_and_watches_only_the_sources():
    command = dev_command()
    # rxconfig imports mespoints.styles in the supervisor: only strict reload re-imports it.
    assert "REFLEX_STRICT_HOT_RELOAD=1" in command
    # data/ (SQLite -wal/-shm), tools/ and tests/ would otherwise trigger reloads.
    assert "REFLEX_HOT_RELOAD_OVERRIDE_PATHS=mespoints:assets" in command
