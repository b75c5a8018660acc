"""Sliding-window limits and the login back-off, kept in the database."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import text

from mespoints.db.engine import session_scope
from mespoints.services import rate_limit

NOW = dt.datetime(2025, 3, 3, 8, 0, 0)
LIMIT = rate_limit.Limit("test", 3, dt.timedelta(minutes=10))


def hit(engine, key: str = "k", now: dt.datetime = NOW) -> int | None:
    with session_scope(engine) as session:
        return rate_limit.hit(session, limit=LIMIT, key=key, now=now)


def test_a_limit_allows_max_events_per_key_within_the_window(sqlite_engine):
    minute = dt.timedelta(minutes=1)
    assert [hit(sqlite_engine, now=NOW + i * minute) for i in range(3)] == [None, None, None]

    # The oldest event leaves the window 10 minutes after it happened.
    assert hit(sqlite_engine, now=NOW + 4 * minute) == 6 * 60
    assert hit(sqlite_engine, key="other", now=NOW + 4 * minute) is None
    assert hit(sqlite_engine, now=NOW + 10 * minute) is None
    assert hit(sqlite_engine, now=NOW + 10 * minute) == 60


def test_a_refused_event_is_not_counted(sqlite_engine):
    for _ in range(5):
        hit(sqlite_engine)
    with session_scope(sqlite_engine) as session:
        assert rate_limit.count(session, limit=LIMIT, key="k", now=NOW) == 3


def test_keys_are_stored_hashed(sqlite_engine):
    hit(sqlite_engine, key="203.0.113.7")
    with sqlite_engine.connect() as connection:
        stored = connection.execute(text("SELECT bucket, key_hash FROM rate_limit_event")).one()
    assert stored[0] == "test" and "203.0.113.7" not in stored[1] and len(stored[1]) == 64


def test_login_delay_starts_at_the_fifth_failure_doubles_and_stops_at_15_minutes():
    delays = [rate_limit.login_delay(n) for n in range(1, 14)]
    seconds = [None if d is None else int(d.total_seconds()) for d in delays]
    assert seconds == [None, None, None, None, 15, 30, 60, 120, 240, 480, 900, 900, 900]
    assert rate_limit.login_delay(10_000) == dt.timedelta(minutes=15)


def test_login_failures_block_the_address_and_clearing_forgets_them(sqlite_engine):
    email = "julie.martin@exemple.fr"
    with session_scope(sqlite_engine) as session:
        for _ in range(5):
            assert rate_limit.begin_login_attempt(session, email=email, now=NOW) is None
        assert rate_limit.login_blocked_for(session, email=email, now=NOW) == 15
        assert rate_limit.login_blocked_for(session, email=email, now=NOW + dt.timedelta(seconds=15)) is None
        assert rate_limit.login_blocked_for(session, email="autre@exemple.fr", now=NOW) is None
        rate_limit.clear_login_failures(session, email=email)
        assert rate_limit.login_blocked_for(session, email=email, now=NOW) is None
        assert rate_limit.begin_login_attempt(session, email=email, now=NOW) is None
        assert rate_limit.login_blocked_for(session, email=email, now=NOW) is None


def in_threads(count: int, action) -> list:  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(count)
    results: list = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(action())
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


def test_a_login_attempt_counts_before_verification_and_none_is_counted_while_blocked(sqlite_engine):
    email = "julie.martin@exemple.fr"
    with session_scope(sqlite_engine) as session:
        assert [rate_limit.begin_login_attempt(session, email=email, now=NOW) for _ in range(6)] == [
            None,
            None,
            None,
            None,
            None,
            15,
        ]
        # The refused sixth attempt counted nothing: the next failure is the 6th (30 s block).
        later = NOW + dt.timedelta(seconds=15)
        assert rate_limit.begin_login_attempt(session, email=email, now=later) is None
        assert rate_limit.login_blocked_for(session, email=email, now=later) == 30
        rate_limit.clear_login_failures(session, email=email)  # the password was right after all
        assert rate_limit.begin_login_attempt(session, email=email, now=later) is None


def test_simultaneous_login_attempts_on_a_fresh_address_let_only_five_through(engine):
    def attempt() -> int | None:
        with session_scope(engine) as session:
            return rate_limit.begin_login_attempt(session, email="cible@exemple.fr", now=NOW)

    waits = in_threads(20, attempt)

    assert waits.count(None) == 5
    assert sorted(w for w in waits if w is not None) == [15] * 15


def test_simultaneous_takes_never_exceed_the_limit(engine):
    def take() -> tuple[int | None, int | None]:
        with session_scope(engine) as session:
            return rate_limit.take(session, limit=LIMIT, key="k", now=NOW)

    taken = in_threads(10, take)

    assert sum(event_id is not None for _, event_id in taken) == 3
    assert sorted(wait for wait, _ in taken if wait is not None) == [600] * 7


def test_a_released_event_no_longer_counts(sqlite_engine):
    with session_scope(sqlite_engine) as session:
        ids = [rate_limit.take(session, limit=LIMIT, key="k", now=NOW)[1] for _ in range(3)]
        assert rate_limit.take(session, limit=LIMIT, key="k", now=NOW) == (600, None)
        assert ids[0] is not None
        rate_limit.release(session, event_id=ids[0])
        assert rate_limit.count(session, limit=LIMIT, key="k", now=NOW) == 2
        wait, event_id = rate_limit.take(session, limit=LIMIT, key="k", now=NOW)
        assert wait is None and event_id is not None


def test_purge_removes_old_events_and_forgotten_login_records(sqlite_engine):
    hit(sqlite_engine)
    with session_scope(sqlite_engine) as session:
        rate_limit.begin_login_attempt(session, email="a@exemple.fr", now=NOW)
    with session_scope(sqlite_engine) as session:
        assert rate_limit.purge(session, now=NOW + dt.timedelta(minutes=30)) == 0
        assert rate_limit.purge(session, now=NOW + dt.timedelta(days=2)) == 2


def test_minutes_are_rounded_up_in_french():
    assert rate_limit.minutes_text(1) == "1 minute"
    assert rate_limit.minutes_text(60) == "1 minute"
    assert rate_limit.minutes_text(61) == "2 minutes"
    assert rate_limit.minutes_text(3000) == "50 minutes"
