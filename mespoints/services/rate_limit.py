"""Throttling kept in the database, so it holds across several workers.

Two tools:
- `Limit`: at most `max_events` counted events per key in a sliding `window`
  (licence checks, mails sent on request, failed logins per IP).
- login back-off (`begin_login_attempt`, `clear_login_failures`): after LOGIN_FREE_FAILURES
  consecutive failures for one email address, each failure blocks that address for
  15 s × 2^(n − 5), at most 15 minutes. It is keyed by the email address, not the account,
  so an unknown address behaves exactly like a known one.

Both hold under concurrency: an attempt is counted BEFORE the password is verified, by one
conditional upsert (login back-off) or under a per-key lock (`take`), and taken back once it
succeeded (`clear_login_failures`, `release`). So parallel attempts cannot all pass the check
while the first ones are still being verified.

Keys (IP, email, browser key, licence number) are stored as SHA-256 only. Every function works in
the caller's session (transaction) and takes `now` (naive UTC).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import ipaddress
import math

from sqlalchemy import delete, func, or_, text, update
from sqlmodel import Session, col, select

from mespoints.db.accounts import LoginThrottle, RateLimitEvent
from mespoints.db.engine import dialect_insert
from mespoints.services.security import hash_token


@dataclasses.dataclass(frozen=True)
class Limit:
    """At most `max_events` events per key within any `window`."""

    bucket: str
    max_events: int
    window: dt.timedelta


# Wizard step 5 and sign-up: 5 failed licence checks an hour per browser and per licence number.
LICENCE_CHECK_PER_BROWSER = Limit("licence-check-browser", 5, dt.timedelta(hours=1))
LICENCE_CHECK_PER_LICENCE = Limit("licence-check-licence", 5, dt.timedelta(hours=1))
# …and 20 an hour per client network (`ip_key`): a browser key is the client's to change at will.
LICENCE_CHECK_PER_IP = Limit("licence-check-ip", 20, dt.timedelta(hours=1))
# A FranceConnect first login: 5 failed licence checks an hour per vouched identity (its `sub`),
# which the person cannot change; the per-licence count is left out (a squatter could use it to
# lock the real holder out of taking the licence back).
LICENCE_CHECK_PER_IDENTITY = Limit("licence-check-fc", 5, dt.timedelta(hours=1))
# Mails a stranger can trigger towards one address (activation resend, password reset).
ACTIVATION_RESEND_PER_EMAIL = Limit("activation-resend", 3, dt.timedelta(hours=1))
PASSWORD_RESET_PER_EMAIL = Limit("password-reset", 3, dt.timedelta(hours=1))
# Sign-up mails (activation or "you already have an account") to one address.
SIGNUP_MAIL_PER_EMAIL = Limit("signup-mail", 5, dt.timedelta(hours=1))
EMAIL_CHANGE_PER_ACCOUNT = Limit("email-change", 3, dt.timedelta(hours=1))
# Failed logins from one IP address, whatever the account.
LOGIN_FAILURES_PER_IP = Limit("login-ip", 30, dt.timedelta(minutes=15))

LOGIN_FREE_FAILURES = 5
LOGIN_BASE_DELAY = dt.timedelta(seconds=15)
LOGIN_MAX_DELAY = dt.timedelta(minutes=15)

# Purge horizon: longer than every window above.
_LONGEST_WINDOW = dt.timedelta(hours=1)


def ip_key(ip: str) -> str:
    """The key of a client address for per-IP limits: an IPv4 address as it is, an IPv6 address by
    its /64 network (one subscriber usually holds a whole /64, and can pick any address in it).
    An IPv4-mapped IPv6 address counts as its IPv4 address; anything unreadable as itself."""
    try:
        address = ipaddress.ip_address(ip.strip().split("%", 1)[0])
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def _key_hash(limit_or_bucket: str, key: str) -> str:
    return hash_token(f"{limit_or_bucket}:{key}")


def _seconds(delta: dt.timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds()))


def retry_after(session: Session, *, limit: Limit, key: str, now: dt.datetime) -> int | None:
    """Seconds until one more event is allowed for `key`, or None when allowed now."""
    key_hash = _key_hash(limit.bucket, key)
    times = list(
        session.exec(
            select(RateLimitEvent.occurred_at)
            .where(
                col(RateLimitEvent.bucket) == limit.bucket,
                col(RateLimitEvent.key_hash) == key_hash,
                col(RateLimitEvent.occurred_at) > now - limit.window,
            )
            .order_by(col(RateLimitEvent.occurred_at))
        )
    )
    if len(times) < limit.max_events:
        return None
    # Allowed again once enough of the oldest events have left the window.
    freeing = times[len(times) - limit.max_events]
    return _seconds(freeing + limit.window - now)


def record(session: Session, *, limit: Limit, key: str, now: dt.datetime) -> int:
    """Count one event for `key`; returns its id (for `release`)."""
    event = RateLimitEvent(bucket=limit.bucket, key_hash=_key_hash(limit.bucket, key), occurred_at=now)
    session.add(event)
    session.flush()
    assert event.id is not None
    return event.id


def _lock_key(session: Session, key_hash: str) -> None:
    """Serialize check-then-count for one key until the transaction ends.

    SQLite transactions already run one at a time (BEGIN IMMEDIATE); PostgreSQL takes a
    transaction-scoped advisory lock on 64 bits of the key's hash.
    """
    if session.get_bind().dialect.name == "postgresql":
        lock_id = int.from_bytes(bytes.fromhex(key_hash[:16]), "big", signed=True)
        session.connection().execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": lock_id})


def take(session: Session, *, limit: Limit, key: str, now: dt.datetime) -> tuple[int | None, int | None]:
    """Count one event if allowed: (None, its id); else (seconds to wait, None), nothing counted.

    Atomic per key: concurrent callers for one key never exceed `limit.max_events`.
    """
    _lock_key(session, _key_hash(limit.bucket, key))
    wait = retry_after(session, limit=limit, key=key, now=now)
    if wait is not None:
        return wait, None
    return None, record(session, limit=limit, key=key, now=now)


def hit(session: Session, *, limit: Limit, key: str, now: dt.datetime) -> int | None:
    """Count one event if allowed and return None; else return the seconds to wait (nothing counted)."""
    wait, _ = take(session, limit=limit, key=key, now=now)
    return wait


def release(session: Session, *, event_id: int) -> None:
    """Take back an event counted by `take` (the attempt it stood for turned out not to count)."""
    session.exec(delete(RateLimitEvent).where(col(RateLimitEvent.id) == event_id))


def minutes_text(seconds: int) -> str:
    """« 1 minute », « 12 minutes » (rounded up) for French messages."""
    minutes = max(1, math.ceil(seconds / 60))
    return f"{minutes} minute" if minutes == 1 else f"{minutes} minutes"


# Login back-off, keyed by normalized email address.


def login_delay(failures: int) -> dt.timedelta | None:
    """The block after `failures` consecutive failures: none before 5, then 15 s × 2^(n−5) ≤ 15 min."""
    if failures < LOGIN_FREE_FAILURES:
        return None
    exponent = min(failures - LOGIN_FREE_FAILURES, 16)  # 2^16 × 15 s is far past the cap
    return min(LOGIN_BASE_DELAY * (2**exponent), LOGIN_MAX_DELAY)


def _login_key(email: str) -> str:
    return _key_hash("login-email", email)


def login_blocked_for(session: Session, *, email: str, now: dt.datetime) -> int | None:
    """Seconds this address must wait before the next login attempt, or None."""
    blocked_until = session.exec(
        select(LoginThrottle.blocked_until).where(col(LoginThrottle.key_hash) == _login_key(email))
    ).one_or_none()
    if blocked_until is None or blocked_until <= now:
        return None
    return _seconds(blocked_until - now)


def begin_login_attempt(session: Session, *, email: str, now: dt.datetime) -> int | None:
    """Count a login attempt for this address as a failure before its password is verified.

    Returns None when counted (the caller verifies the password, then calls
    `clear_login_failures` if it was right; a wrong one stays counted), or the seconds to wait
    when the address is blocked (nothing counted, no password should be verified). One
    conditional upsert does the check and the count, so of N simultaneous attempts on a fresh
    address only LOGIN_FREE_FAILURES get through before the block.
    """
    key_hash = _login_key(email)
    # One statement, atomic on both databases: a new address gets its record, a known one not
    # blocked is counted, a blocked one is left as it is (no row comes back).
    insert = dialect_insert(session, LoginThrottle)
    stored = LoginThrottle.__table__.c  # type: ignore[attr-defined]
    failures = session.execute(
        insert.values(key_hash=key_hash, failures=1, last_failure_at=now)
        .on_conflict_do_update(
            index_elements=[stored.key_hash],
            set_={"failures": stored.failures + 1, "last_failure_at": now},
            where=or_(stored.blocked_until.is_(None), stored.blocked_until <= now),
        )
        .returning(stored.failures)
    ).scalar_one_or_none()
    if failures is None:
        return login_blocked_for(session, email=email, now=now) or 1
    _block_after(session, key_hash=key_hash, failures=int(failures), now=now)
    return None


def _block_after(session: Session, *, key_hash: str, failures: int, now: dt.datetime) -> None:
    delay = login_delay(failures)
    if delay is not None:
        # Same transaction as the increment: the row stays locked until the block is visible.
        session.exec(
            update(LoginThrottle)
            .where(col(LoginThrottle.key_hash) == key_hash)
            .values(blocked_until=now + delay)
        )


def clear_login_failures(session: Session, *, email: str) -> None:
    """Forget failures and any block for this address (successful login, password reset)."""
    session.exec(delete(LoginThrottle).where(col(LoginThrottle.key_hash) == _login_key(email)))


def purge(session: Session, *, now: dt.datetime) -> int:
    """Delete events and login records too old to matter; returns the number of rows removed."""
    removed = session.exec(
        delete(RateLimitEvent).where(col(RateLimitEvent.occurred_at) <= now - _LONGEST_WINDOW)
    ).rowcount
    # A login record is kept a day after its last failure, then the count starts afresh.
    removed += session.exec(
        delete(LoginThrottle).where(
            col(LoginThrottle.last_failure_at) <= now - dt.timedelta(days=1),
            (col(LoginThrottle.blocked_until).is_(None)) | (col(LoginThrottle.blocked_until) <= now),
        )
    ).rowcount
    return int(removed or 0)


def count(session: Session, *, limit: Limit, key: str, now: dt.datetime) -> int:
    """Events counted for `key` in the current window (tests, diagnostics)."""
    return int(
        session.exec(
            select(func.count())
            .select_from(RateLimitEvent)
            .where(
                col(RateLimitEvent.bucket) == limit.bucket,
                col(RateLimitEvent.key_hash) == _key_hash(limit.bucket, key),
                col(RateLimitEvent.occurred_at) > now - limit.window,
            )
        ).one()
    )
