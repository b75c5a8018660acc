"""Demo national file and accounts, as `make run` loads them."""

import pytest
from sqlmodel import select

from mespoints.db.accounts import Account
from mespoints.db.engine import session_scope
from mespoints.services import accounts
from mespoints.services.clock import utcnow
from mespoints.services.demo import (
    DEMO_ACCOUNTS,
    DEMO_ACCOUNTS_REFUSED,
    create_demo_accounts,
    demo_accounts_text,
    load_demo_data,
)
from mespoints.settings import get_settings


def test_demo_accounts_are_printed_only_once_they_exist(sqlite_engine):
    assert "Aucun compte de démonstration" in demo_accounts_text(sqlite_engine)
    report = load_demo_data(sqlite_engine)
    assert report.rejected == 0 and report.imported >= 30
    text = demo_accounts_text(sqlite_engine)
    for person in DEMO_ACCOUNTS:
        assert f"{person.email} / {person.password}" in text


def test_demo_accounts_log_in_at_once_and_loading_twice_changes_nothing(sqlite_engine):
    load_demo_data(sqlite_engine)
    load_demo_data(sqlite_engine)
    with session_scope(sqlite_engine) as session:
        rows = session.exec(select(Account)).all()
    assert len(rows) == len(DEMO_ACCOUNTS)
    for person in DEMO_ACCOUNTS:
        result = accounts.authenticate(
            engine=sqlite_engine, email=person.email, password=person.password, ip="127.0.0.1", now=utcnow()
        )
        assert result.status == accounts.Status.DONE, person.email


@pytest.fixture
def portal_in_service(monkeypatch):
    monkeypatch.setenv("MESPOINTS_BASE_URL", "https://points.example.fr")
    monkeypatch.setenv("MESPOINTS_SECRET_KEY", "b2K5n0kqkz3n0Jw8fQe0Jm6cJtQy4xq1m2p3r4s5t6U=")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_demo_accounts_with_published_passwords_are_never_created_on_a_portal_in_service(
    sqlite_engine, portal_in_service
):
    assert create_demo_accounts(sqlite_engine) == []
    load_demo_data(sqlite_engine)
    with session_scope(sqlite_engine) as session:
        assert session.exec(select(Account)).all() == []
    text = demo_accounts_text(sqlite_engine)
    assert text == DEMO_ACCOUNTS_REFUSED and "\n" not in text
    assert all(person.password not in text for person in DEMO_ACCOUNTS)


@pytest.mark.parametrize("command", [["demo-data"], ["prepare"], ["demo-accounts"]])
def test_the_commands_say_in_one_french_line_why_there_are_no_demo_accounts(
    tmp_path, monkeypatch, capsys, portal_in_service, command
):
    from mespoints.cli import main
    from mespoints.db.engine import get_engine

    monkeypatch.setenv("MESPOINTS_DATABASE_URL", f"sqlite:///{tmp_path / 'service.db'}")
    get_settings.cache_clear()
    get_engine.cache_clear()
    try:
        assert main(command) == 0
        with session_scope(get_engine()) as session:
            assert session.exec(select(Account)).all() == []
        get_engine().dispose()
    finally:
        get_engine.cache_clear()
    output = capsys.readouterr().out
    assert output.count(DEMO_ACCOUNTS_REFUSED) == 1
    assert all(person.password not in output for person in DEMO_ACCOUNTS)
