"""Login tickets and server-side sessions: single use, new id at each login, timeouts, logout."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from sqlalchemy import Engine, select

from mespoints.db.accounts import Account, AccountSession
from mespoints.db.engine import session_scope
from mespoints.domain.feed import FeedLicence, parse_feed_line
from mespoints.services import national_file, security, sessions
from mespoints.services.sessions import SessionInfo

# Plain logic: once on SQLite is enough (the engine fixture otherwise runs both databases).
SQLITE_ONLY = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
NOW = dt.datetime(2025, 3, 3, 8, 0, 0)
SECOND = dt.timedelta(seconds=1)
MINUTE = dt.timedelta(minutes=1)


@pytest.fixture(autouse=True)
def cheap_hashing():
    previous = security.use_argon2_cost(security.TEST_COST)
    yield
    security.use_argon2_cost(previous)


def make_account(
    engine: Engine,
    *,
    number: str = "120575100123",
    email: str = "julie.martin@exemple.fr",
    activated: bool = True,
) -> int:
    line = {
        "licence_number": number,
        "format": "card",
        "last_name": "MARTIN",
        "first_names": "Julie Anne",
        "birth_date": "1990-05-17",
        "issued_on": "2009-06-02",
        "early_training": False,
        "categories": [],
        "events": [],
        "updated_at": "2024-11-02T03:00:00+00:00",
    }
    record = parse_feed_line(json.dumps(line))
    assert isinstance(record, FeedLicence), record
    national_file.import_records(engine=engine, records=[record])
    with session_scope(engine) as session:
        account = Account(
            email=email,
            password_hash=security.hash_password("cheval-Rouge-tambour-93"),
            last_name="Martin",
            first_names="Julie Anne",
            birth_date=dt.date(1990, 5, 17),
            licence_number=number,
            created_at=NOW,
            activated_at=NOW if activated else None,
        )
        session.add(account)
        session.flush()
        assert account.id is not None
        return account.id


def log_in(engine: Engine, account_id: int, now: dt.datetime = NOW) -> str:
    ticket = sessions.create_login_ticket(engine=engine, account_id=account_id, now=now)
    session_id = sessions.redeem_login_ticket(engine=engine, ticket=ticket, now=now)
    assert session_id is not None
    return session_id


def resolve(engine: Engine, session_id: str | None, now: dt.datetime) -> SessionInfo | None:
    return sessions.resolve_session(engine=engine, session_id=session_id, now=now)


def test_a_redeemed_ticket_opens_a_session_for_its_account(engine):
    account_id = make_account(engine)
    session_id = log_in(engine, account_id)

    assert resolve(engine, session_id, NOW) == SessionInfo(
        account_id=account_id,
        email="julie.martin@exemple.fr",
        first_names="Julie Anne",
        last_name="Martin",
        licence_number="120575100123",
        opened_at=NOW,
    )
    assert len(session_id) >= 43  # 256 bits


def test_a_login_ticket_works_once_and_for_60_seconds(engine):
    account_id = make_account(engine)
    ticket = sessions.create_login_ticket(engine=engine, account_id=account_id, now=NOW)
    late = sessions.create_login_ticket(engine=engine, account_id=account_id, now=NOW)

    assert sessions.redeem_login_ticket(engine=engine, ticket=late, now=NOW + 60 * SECOND) is None
    assert sessions.redeem_login_ticket(engine=engine, ticket=ticket, now=NOW + 59 * SECOND) is not None
    assert sessions.redeem_login_ticket(engine=engine, ticket=ticket, now=NOW + 59 * SECOND) is None
    assert sessions.redeem_login_ticket(engine=engine, ticket="inconnu", now=NOW) is None
    assert sessions.redeem_login_ticket(engine=engine, ticket="", now=NOW) is None


@SQLITE_ONLY
def test_a_ticket_for_an_account_not_activated_opens_nothing(engine):
    account_id = make_account(engine, activated=False)
    ticket = sessions.create_login_ticket(engine=engine, account_id=account_id, now=NOW)
    assert sessions.redeem_login_ticket(engine=engine, ticket=ticket, now=NOW) is None


def test_each_login_gets_a_new_session_id(engine):
    account_id = make_account(engine)
    ids = {log_in(engine, account_id) for _ in range(3)}
    assert len(ids) == 3
    assert all(resolve(engine, session_id, NOW) is not None for session_id in ids)


def test_a_session_ends_after_30_minutes_without_activity(engine):
    account_id = make_account(engine)
    idle, active = log_in(engine, account_id), log_in(engine, account_id)

    # The active one is seen every 20 minutes; each visit pushes its idle deadline back.
    for minutes in (20, 40, 60):
        assert resolve(engine, active, NOW + minutes * MINUTE) is not None

    thirty_minutes = dt.timedelta(minutes=30)  # the contract, not the constant
    assert resolve(engine, idle, NOW + thirty_minutes) is not None
    idle_again = log_in(engine, account_id)
    assert resolve(engine, idle_again, NOW + thirty_minutes + SECOND) is None
    assert resolve(engine, idle, NOW + 61 * MINUTE) is None


def test_a_session_ends_12_hours_after_login_however_active(engine):
    account_id = make_account(engine)
    session_id = log_in(engine, account_id)
    twelve_hours = NOW + dt.timedelta(hours=12)  # the contract, not the constant
    moment = NOW
    while moment + 20 * MINUTE <= twelve_hours:
        moment += 20 * MINUTE
        assert resolve(engine, session_id, moment) is not None
    assert moment == twelve_hours

    assert resolve(engine, session_id, twelve_hours + SECOND) is None


@SQLITE_ONLY
def test_last_seen_is_written_at_most_once_a_minute(engine):
    account_id = make_account(engine)
    session_id = log_in(engine, account_id)

    def last_seen() -> dt.datetime:
        with session_scope(engine) as session:
            return session.exec(select(AccountSession.last_seen_at)).one()[0]

    resolve(engine, session_id, NOW + 59 * SECOND)
    assert last_seen() == NOW
    resolve(engine, session_id, NOW + MINUTE)
    assert last_seen() == NOW + MINUTE


def test_logout_ends_the_session_on_the_server(engine):
    account_id = make_account(engine)
    session_id = log_in(engine, account_id)
    other = log_in(engine, account_id)

    sessions.end_session(engine=engine, session_id=session_id, now=NOW)

    assert resolve(engine, session_id, NOW) is None
    assert resolve(engine, other, NOW) is not None
    sessions.end_session(engine=engine, session_id=None, now=NOW)  # no cookie: nothing to do


def test_ending_all_sessions_can_spare_the_current_one(engine):
    account_id = make_account(engine)
    here, elsewhere, third = (log_in(engine, account_id) for _ in range(3))

    assert (
        sessions.end_all_sessions(engine=engine, account_id=account_id, now=NOW, except_session_id=here) == 2
    )

    assert resolve(engine, here, NOW) is not None
    assert resolve(engine, elsewhere, NOW) is None and resolve(engine, third, NOW) is None
    assert sessions.end_all_sessions(engine=engine, account_id=account_id, now=NOW) == 1
    assert resolve(engine, here, NOW) is None


@SQLITE_ONLY
def test_unknown_or_missing_session_ids_resolve_to_nobody(engine):
    make_account(engine)
    assert resolve(engine, None, NOW) is None
    assert resolve(engine, "", NOW) is None
    assert resolve(engine, "inconnu", NOW) is None


@SQLITE_ONLY
def test_only_the_hash_of_a_session_id_is_stored(engine):
    account_id = make_account(engine)
    session_id = log_in(engine, account_id)
    with session_scope(engine) as session:
        stored = session.exec(select(AccountSession.session_hash)).one()[0]
    assert stored == security.hash_token(session_id) and stored != session_id


@SQLITE_ONLY
def test_dead_sessions_and_expired_tickets_can_be_purged(engine):
    account_id = make_account(engine)
    alive = log_in(engine, account_id)
    ended = log_in(engine, account_id)
    sessions.end_session(engine=engine, session_id=ended, now=NOW)

    removed = sessions.purge_expired(engine=engine, now=NOW + 10 * MINUTE)

    assert removed == 3  # the ended session and the two used, expired tickets
    assert resolve(engine, alive, NOW + 10 * MINUTE) is not None


def test_a_ticket_redeemed_ten_times_at_once_opens_one_session(engine):
    account_id = make_account(engine)
    ticket = sessions.create_login_ticket(engine=engine, account_id=account_id, now=NOW)
    barrier = threading.Barrier(10)
    results: list[str | None] = []

    def redeem() -> None:
        barrier.wait()
        results.append(sessions.redeem_login_ticket(engine=engine, ticket=ticket, now=NOW))

    threads = [threading.Thread(target=redeem) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(results) == 10 and sum(result is not None for result in results) == 1
