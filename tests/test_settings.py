"""Configuration from the environment, validated once."""

import subprocess
import sys

import pytest

from mespoints import settings as settings_module
from mespoints.settings import Settings, get_settings, parse_attestation_keys

KEYS = "k2:" + "A" * 43 + ",k1:" + "B" * 43

KEY = "b2K5n0kqkz3n0Jw8fQe0Jm6cJtQy4xq1m2p3r4s5t6U="
MESPOINTS_VARIABLES = (
    "MESPOINTS_BASE_URL",
    "MESPOINTS_SECRET_KEY",
    "MESPOINTS_SMTP_HOST",
    "MESPOINTS_SMTP_STARTTLS",
    "MESPOINTS_SMTP_SSL",
    "MESPOINTS_SMTP_USER",
    "MESPOINTS_SMTP_PASSWORD",
)


def start_up(**env: str) -> subprocess.CompletedProcess[str]:
    """Reads the settings in a fresh process, as the portal and the command line do at start-up."""
    return subprocess.run(
        [sys.executable, "-c", "from mespoints.settings import get_settings; get_settings()"],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
    )


def test_the_default_base_url_follows_the_port_served(monkeypatch):
    monkeypatch.delenv("MESPOINTS_BASE_URL", raising=False)
    monkeypatch.setenv("MESPOINTS_PORT", "3400")
    assert Settings().base_url == "http://localhost:3400"
    monkeypatch.setenv("MESPOINTS_BASE_URL", "http://127.0.0.1:3000/")
    assert Settings().base_url == "http://127.0.0.1:3000"


def test_defaults_follow_the_interfaces_document(monkeypatch):
    monkeypatch.delenv("MESPOINTS_PORT", raising=False)
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
    assert not Settings(
        base_url="https://points.example.fr", attestation_keys=KEYS, secret_key=KEY
    ).mailbox_enabled
    assert not Settings(base_url="http://localhost:3000", smtp_host="127.0.0.1").mailbox_enabled


# --- a portal in service fails closed (issue 7, item 7) ----------------------------------------


@pytest.fixture
def clean_environment(monkeypatch):
    for name in MESPOINTS_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    ("env", "variable", "words"),
    [
        (
            {"MESPOINTS_BASE_URL": "http://points.example.fr", "MESPOINTS_SECRET_KEY": KEY},
            "MESPOINTS_BASE_URL",
            "https://",
        ),
        (
            {"MESPOINTS_BASE_URL": "http://192.168.1.20:3000", "MESPOINTS_SECRET_KEY": KEY},
            "MESPOINTS_BASE_URL",
            "https://",
        ),
        ({"MESPOINTS_BASE_URL": "http://localhost.example.fr"}, "MESPOINTS_BASE_URL", "https://"),
        ({"MESPOINTS_BASE_URL": "https://points.example.fr"}, "MESPOINTS_SECRET_KEY", "obligatoire"),
        (
            {"MESPOINTS_BASE_URL": "https://points.example.fr", "MESPOINTS_SECRET_KEY": " "},
            "MESPOINTS_SECRET_KEY",
            "obligatoire",
        ),
        (
            {"MESPOINTS_SMTP_HOST": "smtp.example.fr", "MESPOINTS_SMTP_USER": "portail"},
            "MESPOINTS_SMTP_USER",
            "chiffré",
        ),
        (
            {"MESPOINTS_SMTP_HOST": "smtp.example.fr", "MESPOINTS_SMTP_PASSWORD": "s3cr3t"},
            "MESPOINTS_SMTP_PASSWORD",
            "chiffré",
        ),
        ({"MESPOINTS_SMTP_STARTTLS": "1", "MESPOINTS_SMTP_SSL": "1"}, "MESPOINTS_SMTP_SSL", "pas les deux"),
    ],
)
def test_an_unsafe_setting_stops_start_up_with_one_french_line_naming_the_variable(env, variable, words):
    result = start_up(**env)
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"Configuration invalide : {variable} : ")
    assert words in line


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"MESPOINTS_BASE_URL": "http://127.0.0.1:3000"},
        {"MESPOINTS_BASE_URL": "http://[::1]:3000"},
        {
            "MESPOINTS_BASE_URL": "https://points.example.fr",
            "MESPOINTS_SECRET_KEY": KEY,
            "MESPOINTS_ATTESTATION_KEYS": KEYS,
        },
        {
            "MESPOINTS_BASE_URL": "https://points.example.fr",
            "MESPOINTS_SECRET_KEY": "une longue phrase secrète",
            "MESPOINTS_ATTESTATION_KEYS": KEYS,
        },
        {
            "MESPOINTS_SMTP_HOST": "smtp.example.fr",
            "MESPOINTS_SMTP_USER": "u",
            "MESPOINTS_SMTP_STARTTLS": "1",
        },
        {"MESPOINTS_SMTP_HOST": "smtp.example.fr", "MESPOINTS_SMTP_USER": "u", "MESPOINTS_SMTP_SSL": "1"},
    ],
)
def test_safe_settings_start(env):
    result = start_up(**env)
    assert result.returncode == 0, result.stderr


def test_make_run_default_is_local_plain_http_without_a_secret_key(clean_environment):
    settings = Settings()
    assert settings.base_url == "http://localhost:3000" and settings.base_url_is_local
    assert not settings.uses_https and settings.secret_key is None and not settings.smtp_ssl


def test_only_this_machine_is_local():
    assert Settings(base_url="http://localhost:3000").base_url_is_local
    assert Settings(base_url="http://[::1]:8000").base_url_is_local
    for public in ("https://points.example.fr", "https://localhost.example.fr", "https://127.0.0.2"):
        assert not Settings(base_url=public, secret_key=KEY, attestation_keys=KEYS).base_url_is_local, public


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o660, 0o602], ids=lambda mode: f"{mode:04o}")
def test_a_key_file_other_users_can_reach_stops_start_up(
    clean_environment, monkeypatch, tmp_path, capsys, mode
):
    key_file = tmp_path / "secret.key"
    key_file.write_text(KEY + "\n")
    key_file.chmod(mode)
    monkeypatch.setattr(settings_module, "SECRET_KEY_FILE", key_file)
    get_settings.cache_clear()
    try:
        with pytest.raises(SystemExit):
            get_settings()
    finally:
        get_settings.cache_clear()
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("Configuration invalide : MESPOINTS_SECRET_KEY : ")
    assert str(key_file) in line and f"{mode:04o}" in line and "chmod 600" in line
    # A private file, or a key given in the variable, is fine.
    key_file.chmod(0o600)
    assert Settings().secret_key is None
    key_file.chmod(0o644)
    assert Settings(secret_key=KEY).secret_key == KEY


def test_attestation_keys_are_required_on_a_public_address_and_refused_when_malformed(monkeypatch):
    assert Settings(base_url="http://localhost:3000").attestation_keys is None  # generated under data/
    with pytest.raises(ValueError, match="MESPOINTS_ATTESTATION_KEYS : obligatoire"):
        Settings(base_url="https://points.example.fr", secret_key=KEY)
    for bad, reason in [
        ("sans-deux-points", "identifiant:clé en base64"),
        ("k1:pas du base64 !", "n'est pas du base64 valide"),
        ("k1:" + "A" * 20, "doit faire 32 octets"),
        (f"k1:{'A' * 43},k1:{'B' * 43}", "donné deux fois"),
    ]:
        with pytest.raises(ValueError, match=reason):
            Settings(base_url="https://points.example.fr", secret_key=KEY, attestation_keys=bad)
    assert [kid for kid, _ in parse_attestation_keys(KEYS)] == ["k2", "k1"]  # the first signs


def test_a_public_address_without_attestation_keys_stops_start_up_with_one_french_line():
    result = subprocess.run(
        [sys.executable, "-c", "from mespoints.settings import get_settings; get_settings()"],
        env={
            "MESPOINTS_BASE_URL": "https://points.example.fr",
            "MESPOINTS_SECRET_KEY": KEY,
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Configuration invalide : MESPOINTS_ATTESTATION_KEYS : obligatoire")


def test_a_portal_in_service_talks_to_its_identity_provider_over_https_only():
    public = {"base_url": "https://points.example.fr", "secret_key": KEY, "attestation_keys": KEYS}
    with pytest.raises(ValueError, match="MESPOINTS_FRANCECONNECT_ISSUER"):
        Settings(**public, franceconnect_issuer="http://fc.example.fr")
    assert Settings(**public, franceconnect_issuer="https://fc.example.fr").franceconnect_issuer
    assert Settings(base_url="http://localhost:3000", franceconnect_issuer="http://127.0.0.1:9000/fc")
