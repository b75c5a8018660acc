"""Demo national file and accounts, as `make run` loads them."""

from sqlmodel import select

from mespoints.db.accounts import Account
from mespoints.db.engine import session_scope
from mespoints.services import accounts
from mespoints.services.clock import utcnow
from mespoints.services.demo import DEMO_ACCOUNTS, demo_accounts_text, load_demo_data


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
