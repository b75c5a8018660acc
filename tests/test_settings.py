"""Configuration from the environment, validated once."""

import subprocess
import sys

import pytest

from mespoints.settings import Settings, get_settings


def test_defaults_follow_the_interfaces_document(monkeypatch):
    for name in ("MESPOINTS_DATABASE_URL", "MESPOINTS_BASE_URL", "MESPOINTS_SMTP_HOST", "MESPOINTS_TODAY"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.database_url.startswith("sqlite:///") and settings.database_url.endswith(
        "data/mespoints.db"
    )
    assert settings.base_url == "http://localhost:3000"
    assert settings.mail_from == "Mes Points Permis <ne-pas-repondre@localhost>"
    assert settings.smtp_host is None and settings.today is None


def test_a_bad_value_stops_start_up_with_one_line_naming_the_variable():
    result = subprocess.run(
        [sys.executable, "-c", "from mespoints.settings import get_settings; get_settings()"],
        env={"MESPOINTS_SMTP_PORT": "soixante", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "MESPOINTS_SMTP_PORT" in lines[0]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("MESPOINTS_TODAY", "2026-13-01"),
        ("MESPOINTS_BASE_URL", "localhost:3000"),
        ("MESPOINTS_DATABASE_URL", "x"),
    ],
)
def test_each_malformed_variable_is_refused(monkeypatch, capsys, variable, value):
    monkeypatch.setenv(variable, value)
    get_settings.cache_clear()
    with pytest.raises(SystemExit):
        get_settings()
    assert variable in capsys.readouterr().err
    get_settings.cache_clear()


def test_the_development_mailbox_exists_only_without_smtp_on_a_local_address():
    assert Settings(base_url="http://localhost:3000").mailbox_enabled
    assert not Settings(base_url="https://points.example.fr").mailbox_enabled
    assert not Settings(base_url="http://localhost:3000", smtp_host="127.0.0.1").mailbox_enabled
