"""Configuration from the environment, validated once."""

import subprocess
import sys

import pytest

from mespoints.settings import Settings, get_settings, parse_attestation_keys

KEYS = "k2:" + "A" * 43 + ",k1:" + "B" * 43


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
    assert not Settings(base_url="https://points.example.fr", attestation_keys=KEYS).mailbox_enabled
    assert not Settings(base_url="http://localhost:3000", smtp_host="127.0.0.1").mailbox_enabled


def test_attestation_keys_are_required_on_a_public_address_and_refused_when_malformed(monkeypatch):
    assert Settings(base_url="http://localhost:3000").attestation_keys is None  # generated under data/
    with pytest.raises(ValueError, match="MESPOINTS_ATTESTATION_KEYS : obligatoire"):
        Settings(base_url="https://points.example.fr")
    for bad, reason in [
        ("sans-deux-points", "identifiant:clé en base64"),
        ("k1:pas du base64 !", "n'est pas du base64 valide"),
        ("k1:" + "A" * 20, "doit faire 32 octets"),
        (f"k1:{'A' * 43},k1:{'B' * 43}", "donné deux fois"),
    ]:
        with pytest.raises(ValueError, match=reason):
            Settings(base_url="https://points.example.fr", attestation_keys=bad)
    assert [kid for kid, _ in parse_attestation_keys(KEYS)] == ["k2", "k1"]  # the first signs


def test_a_public_address_without_attestation_keys_stops_start_up_with_one_french_line():
    result = subprocess.run(
        [sys.executable, "-c", "from mespoints.settings import get_settings; get_settings()"],
        env={"MESPOINTS_BASE_URL": "https://points.example.fr", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Configuration invalide : MESPOINTS_ATTESTATION_KEYS : obligatoire")
