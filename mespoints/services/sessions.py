"""Server-side sessions and the one-time login tickets that open them.

Flow: a successful login (services.accounts.authenticate) → `create_login_ticket` → the browser
goes to an HTTP route with the ticket → `redeem_login_ticket` returns a NEW session id, set by
that route in an HttpOnly cookie (`session_cookie_name`) → every request calls `resolve_session`.

A session id is 256 bits from `secrets.token_urlsafe(32)`; only its SHA-256 is stored. A session
ends on logout (`end_session`), on password change or reset (`end_all_sessions`), after
IDLE_TIMEOUT without activity, or ABSOLUTE_TIMEOUT after login, whichever comes first.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum

from sqlalchemy import ColumnElement, Engine, delete, or_, update
from sqlmodel import Session, col, select

from mespoints.db.accounts import Account, AccountSession, AccountToken
from mespoints.db.engine import session_scope
from mespoints.domain import account_policy
from mespoints.services.security import hash_token, new_token

SESSION_COOKIE = "mpp_session"
# On https: only this very host may set it, Secure and Path=/ (no subdomain can plant a session).
SECURE_SESSION_COOKIE = "__Host-mpp_session"
# The windows themselves live in the domain (pages tell them too).
IDLE_TIMEOUT = account_policy.SESSION_IDLE_TIMEOUT
ABSOLUTE_TIMEOUT = account_policy.SESSION_ABSOLUTE_TIMEOUT
TICKET_VALIDITY = account_policy.LOGIN_TICKET_VALIDITY
# last_seen_at is written at most this often, so most requests only read.
LAST_SEEN_RESOLUTION = dt.timedelta(minutes=1)

LOGIN_TICKET = "login_ticket"


def cookie_name(base: str, *, https: bool) -> str:
    """`__Host-` + base on https (only this very host may set it, Secure, Path=/: no subdomain can
    plant it); the plain name on a local http portal, where browsers refuse the prefix."""
    return f"__Host-{base}" if https else base


def session_cookie_name(*, https: bool) -> str:
    """The session cookie's name: __Host- prefixed on https; plain on http (local development),
    where browsers refuse the prefix since the cookie cannot be Secure."""
    return SECURE_SESSION_COOKIE if https else SESSION_COOKIE


class AuthMethod(enum.StrEnum):
    """How a session was opened (stored on it: the documents rely on it)."""

    PASSWORD = "password"
    FRANCECONNECT = "franceconnect"


@dataclasses.dataclass(frozen=True)
class SessionInfo:
    """Who is signed in (what pages need to greet them and find their licence)."""

    account_id: int
    email: str
    first_names: str
    last_name: str
    # None when the licence's holder took it back through FranceConnect (licence_claimed).
    licence_number: str | None
    auth_method: AuthMethod = AuthMethod.PASSWORD
    licence_claimed: bool = False
    opened_at: dt.datetime | None = None  # naive UTC
    has_password: bool = True

    def proves_identity_since(self, moment: dt.datetime) -> bool:
        """Opened through FranceConnect at or after `moment`: a fresh, strong proof of identity
        (what confirms the account page's actions when the account has no password)."""
        return (
            self.auth_method is AuthMethod.FRANCECONNECT
            and self.opened_at is not None
            and self.opened_at >= moment
        )


@dataclasses.dataclass(frozen=True)
class EndedSession:
    """What logout needs of the session it ended (FranceConnect's logout wants the ID token)."""

    auth_method: AuthMethod
    id_token_encrypted: str | None


def create_login_ticket(*, engine: Engine, account_id: int, now: dt.datetime) -> str:
    """A raw one-time ticket for this account, valid TICKET_VALIDITY; only its hash is stored."""
    with session_scope(engine) as session:
        return add_login_ticket(session, account_id=account_id, now=now)


def add_login_ticket(session: Session, *, account_id: int, now: dt.datetime) -> str:
    """`create_login_ticket` in the caller's transaction (login hands it out in the transaction
    that checked the password is still the one verified)."""
    raw, token_hash = new_token()
    session.add(
        AccountToken(
            account_id=account_id,
            purpose=LOGIN_TICKET,
            token_hash=token_hash,
            created_at=now,
            expires_at=now + TICKET_VALIDITY,
        )
    )
    session.flush()
    return raw


def redeem_login_ticket(*, engine: Engine, ticket: str, now: dt.datetime) -> str | None:
    """Consume the ticket (once) and open a new session: returns its raw id, or None.

    None when the ticket is unknown, already used, expired, or its account is gone or not activated.
    """
    if not ticket:
        return None
    raw_session_id, session_hash = new_token()
    with session_scope(engine) as session:
        consumed = session.exec(
            update(AccountToken)
            .where(
                col(AccountToken.token_hash) == hash_token(ticket),
                col(AccountToken.purpose) == LOGIN_TICKET,
                col(AccountToken.used_at).is_(None),
                col(AccountToken.expires_at) > now,
            )
            .values(used_at=now)
            .returning(col(AccountToken.account_id))
        ).scalar_one_or_none()
        if consumed is None:
            return None
        account = session.get(Account, consumed)
        if account is None or account.id is None or account.activated_at is None:
            return None
        _purge_account(session, account_id=account.id, now=now)
        session.add(
            AccountSession(session_hash=session_hash, account_id=account.id, created_at=now, last_seen_at=now)
        )
    return raw_session_id


def open_session_in(
    session: Session,
    *,
    account_id: int,
    now: dt.datetime,
    auth_method: AuthMethod,
    id_token_encrypted: str | None = None,
) -> str:
    """A new session for an account whose holder was just identified (FranceConnect); its raw id."""
    raw_session_id, session_hash = new_token()
    _purge_account(session, account_id=account_id, now=now)
    session.add(
        AccountSession(
            session_hash=session_hash,
            account_id=account_id,
            created_at=now,
            last_seen_at=now,
            auth_method=auth_method.value,
            id_token_encrypted=id_token_encrypted,
        )
    )
    return raw_session_id


def _is_alive(row: AccountSession, now: dt.datetime) -> bool:
    return (
        row.ended_at is None
        and now - row.last_seen_at <= IDLE_TIMEOUT
        and now - row.created_at <= ABSOLUTE_TIMEOUT
    )


def resolve_session(*, engine: Engine, session_id: str | None, now: dt.datetime) -> SessionInfo | None:
    """The signed-in account for this raw session id, or None (unknown, ended, idle, too old).

    Marks the session as seen, at most once a minute (LAST_SEEN_RESOLUTION), so idleness is
    measured to within a minute.
    """
    if not session_id:
        return None
    with session_scope(engine) as session:
        found = session.exec(
            select(AccountSession, Account)
            .join(Account, col(Account.id) == AccountSession.account_id)
            .where(col(AccountSession.session_hash) == hash_token(session_id))
        ).one_or_none()
        if found is None:
            return None
        row, account = found
        if not _is_alive(row, now) or account.id is None:
            return None
        if now - row.last_seen_at >= LAST_SEEN_RESOLUTION:
            session.exec(
                update(AccountSession)
                .where(col(AccountSession.id) == row.id, col(AccountSession.ended_at).is_(None))
                .values(last_seen_at=now)
            )
        return SessionInfo(
            account_id=account.id,
            email=account.email,
            first_names=account.first_names,
            last_name=account.last_name,
            licence_number=account.licence_number,
            auth_method=AuthMethod(row.auth_method),
            licence_claimed=account.licence_claimed_at is not None and account.licence_number is None,
            opened_at=row.created_at,
            has_password=account.password_hash is not None,
        )


def end_session(*, engine: Engine, session_id: str | None, now: dt.datetime) -> EndedSession | None:
    """Log out: the session ends server-side (its cookie no longer opens anything). Returns how
    it had been opened, or None when it was unknown or already over."""
    if not session_id:
        return None
    with session_scope(engine) as session:
        ended = session.exec(
            update(AccountSession)
            .where(
                col(AccountSession.session_hash) == hash_token(session_id),
                col(AccountSession.ended_at).is_(None),
            )
            .values(ended_at=now)
            .returning(col(AccountSession.auth_method), col(AccountSession.id_token_encrypted))
        ).one_or_none()
    if ended is None:
        return None
    return EndedSession(auth_method=AuthMethod(ended[0]), id_token_encrypted=ended[1])


def end_all_sessions(
    *, engine: Engine, account_id: int, now: dt.datetime, except_session_id: str | None = None
) -> int:
    """End every open session of the account but `except_session_id`; returns how many ended."""
    with session_scope(engine) as session:
        return end_all_sessions_in(
            session, account_id=account_id, now=now, except_session_id=except_session_id
        )


def end_all_sessions_in(
    session: Session, *, account_id: int, now: dt.datetime, except_session_id: str | None = None
) -> int:
    """`end_all_sessions` inside the caller's transaction (password change and reset)."""
    statement = update(AccountSession).where(
        col(AccountSession.account_id) == account_id, col(AccountSession.ended_at).is_(None)
    )
    if except_session_id:
        statement = statement.where(col(AccountSession.session_hash) != hash_token(except_session_id))
    return int(session.exec(statement.values(ended_at=now)).rowcount or 0)


def _expired_sessions(now: dt.datetime) -> ColumnElement[bool]:
    return or_(
        col(AccountSession.ended_at).is_not(None),
        col(AccountSession.last_seen_at) < now - IDLE_TIMEOUT,
        col(AccountSession.created_at) < now - ABSOLUTE_TIMEOUT,
    )


def _purge_account(session: Session, *, account_id: int, now: dt.datetime) -> None:
    # Dead sessions and used or expired tickets of this account are of no further use.
    session.exec(
        delete(AccountSession).where(col(AccountSession.account_id) == account_id, _expired_sessions(now))
    )
    session.exec(
        delete(AccountToken).where(
            col(AccountToken.account_id) == account_id,
            col(AccountToken.purpose) == LOGIN_TICKET,
            col(AccountToken.expires_at) <= now,
        )
    )


def purge_expired(*, engine: Engine, now: dt.datetime) -> int:
    """Delete every dead session and expired login ticket; returns rows removed (accounts.housekeeping)."""
    with session_scope(engine) as session:
        removed = session.exec(delete(AccountSession).where(_expired_sessions(now))).rowcount or 0
        removed += (
            session.exec(
                delete(AccountToken).where(
                    col(AccountToken.purpose) == LOGIN_TICKET, col(AccountToken.expires_at) <= now
                )
            ).rowcount
            or 0
        )
    return int(removed)
