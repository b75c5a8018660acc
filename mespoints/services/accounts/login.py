"""Login by email and password, and the password confirmations of the account page.

- Never tells whether an address has an account: an unknown email and a wrong password give the
  same message, and a dummy hash is verified for unknown emails (same time).
- Failures are counted per email address (known or not, services.rate_limit) and per client
  network (IPv6 by /64), BEFORE the password is verified, and taken back once it proves right, so
  parallel attempts cannot outrun the count. A lockout never blocks a password reset.
- A sign-up not yet activated answers like an unknown address, even with the right password: a
  login must not tell a pending sign-up (which anyone can start for any address) from no account.
- The login ticket is handed out in the transaction that checks, with the account row locked,
  that the password is still the one verified: a reset or change committed meanwhile wins.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, update
from sqlmodel import col, select

from mespoints.db.accounts import Account
from mespoints.db.engine import session_scope
from mespoints.domain import password_policy
from mespoints.services import rate_limit, security, sessions
from mespoints.services.accounts.common import as_password, lenient_email
from mespoints.services.accounts.outcome import (
    MSG_FRANCECONNECT_AGAIN,
    MSG_INVALID_LOGIN,
    Outcome,
    Status,
    rate_limited,
)

# Beyond this length nothing is hashed as typed (a password is at most MAX_LENGTH code points).
_HASHED_PREFIX = 4 * password_policy.MAX_LENGTH


class _Refused(Exception):
    """Raised inside a transaction to roll back what it counted, and answer RATE_LIMITED."""

    def __init__(self, wait: int) -> None:
        super().__init__(wait)
        self.wait = wait


def authenticate(*, engine: Engine, email: str, password: str, ip: str | None, now: dt.datetime) -> Outcome:
    """Check an email and password.

    - RATE_LIMITED (retry_after seconds, « Trop de tentatives. Réessayez dans N minutes. »): this
      address failed 5 times in a row (then 15 s, 30 s, 1 min … at most 15 min between tries), or
      this network failed 30 times within 15 minutes. The password is not even checked then.
    - INVALID (MSG_INVALID_LOGIN): unknown email, wrong password, or an account not activated
      yet, indistinguishable (each counted as a failure).
    - DONE (account_id, ticket): the ticket opens the session (auth route). Resets the failure
      count and upgrades a hash made with older parameters.

    `ip` None or empty (client address unknown): only the per-address back-off applies.
    CPU-heavy (argon2): callers on the event loop run it in a thread.
    """
    address = lenient_email(email)
    password = as_password(password)
    ip_event: int | None = None
    try:
        with session_scope(engine) as session:
            if ip:
                ip_wait, ip_event = rate_limit.take(
                    session, limit=rate_limit.LOGIN_FAILURES_PER_IP, key=rate_limit.ip_key(ip), now=now
                )
                if ip_wait is not None:
                    email_wait = rate_limit.login_blocked_for(session, email=address, now=now)
                    return rate_limited(max(ip_wait, email_wait or 0))
            wait = rate_limit.begin_login_attempt(session, email=address, now=now)
            if wait is not None:
                raise _Refused(wait)  # the IP event counted above is rolled back
            found = session.exec(select(Account).where(col(Account.email) == address)).one_or_none()
    except _Refused as refused:
        return rate_limited(refused.wait)

    # Hash outside any transaction: SQLite holds its write lock for the whole transaction.
    # An account opened through FranceConnect has no password: nothing typed can match it.
    if found is None or found.password_hash is None or len(password) > _HASHED_PREFIX:
        security.verify_dummy(password[:_HASHED_PREFIX])
        matches, new_hash = False, None
    else:
        matches, new_hash = security.verify_password(password, found.password_hash)

    if not matches or found is None or found.id is None or found.activated_at is None:
        return Outcome(Status.INVALID, message=MSG_INVALID_LOGIN)  # counted beforehand
    with session_scope(engine) as session:
        current_hash = session.exec(
            select(Account.password_hash).where(col(Account.id) == found.id).with_for_update()
        ).one_or_none()
        if current_hash != found.password_hash:  # changed while it was being verified
            return Outcome(Status.INVALID, message=MSG_INVALID_LOGIN)
        rate_limit.clear_login_failures(session, email=address)
        if ip_event is not None:
            rate_limit.release(session, event_id=ip_event)
        if new_hash:
            session.exec(update(Account).where(col(Account.id) == found.id).values(password_hash=new_hash))
        ticket = sessions.add_login_ticket(session, account_id=found.id, now=now)
    return Outcome(Status.DONE, account_id=found.id, ticket=ticket)


def confirm_password(
    engine: Engine, *, account: Account, password: object, now: dt.datetime
) -> tuple[bool, int | None]:
    """(matches, seconds to wait): the account page's password confirmations share the login
    back-off, counted before verifying; a right password clears the count."""
    with session_scope(engine) as session:
        wait = rate_limit.begin_login_attempt(session, email=account.email, now=now)
    if wait is not None:
        return False, wait
    if account.password_hash is None:  # opened through FranceConnect: no password to confirm
        security.verify_dummy(as_password(password)[:_HASHED_PREFIX])
        matches, new_hash = False, None
    else:
        matches, new_hash = security.verify_password(as_password(password), account.password_hash)
    if matches:
        with session_scope(engine) as session:
            rate_limit.clear_login_failures(session, email=account.email)
            if new_hash:
                session.exec(
                    update(Account).where(col(Account.id) == account.id).values(password_hash=new_hash)
                )
    return matches, None


def load_account(engine: Engine, account_id: int) -> Account | None:
    with session_scope(engine) as session:
        return session.get(Account, account_id)


def confirmed_account(
    engine: Engine,
    *,
    account_id: int,
    password: object,
    field: str,
    wrong: str,
    now: dt.datetime,
    fresh_franceconnect: bool = False,
) -> Account | Outcome:
    """The account, once `password` proved to be its password; else the refusal to answer
    (FIELD_ERRORS on `field` with the message `wrong`, or RATE_LIMITED).

    An account without password (opened through FranceConnect) is confirmed instead by a
    FranceConnect login less than FRANCECONNECT_CONFIRMATION_WINDOW old (`fresh_franceconnect`,
    told by the caller from the session); else FIELD_ERRORS with MSG_FRANCECONNECT_AGAIN."""
    account = load_account(engine, account_id)
    if account is None:
        return Outcome(Status.FIELD_ERRORS, errors={field: [wrong]})
    if account.password_hash is None:
        if fresh_franceconnect:
            return account
        return Outcome(Status.FIELD_ERRORS, errors={field: [MSG_FRANCECONNECT_AGAIN]})
    matches, wait = confirm_password(engine, account=account, password=password, now=now)
    if wait is not None:
        return rate_limited(wait)
    if not matches:
        return Outcome(Status.FIELD_ERRORS, errors={field: [wrong]})
    return account
