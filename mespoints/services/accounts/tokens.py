"""Mailed links: issue one (retiring the older ones of its kind), consume it once, tell why not.

A link carries a 256-bit token (`secrets.token_urlsafe(32)`); only its SHA-256 is stored. A token
is consumed by ONE conditional UPDATE (`used_at IS NULL AND expires_at > now`), so it works once,
even under races.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import update
from sqlmodel import Session, col, select

from mespoints.db.accounts import Account, AccountToken
from mespoints.services import security
from mespoints.services.accounts.outcome import Status
from mespoints.services.sessions import LOGIN_TICKET

# AccountToken.purpose values.
ACTIVATION = "activation"
PASSWORD_RESET = "password_reset"
EMAIL_CHANGE = "email_change"
# « Ce n'était pas moi », mailed to the old address; `new_email` holds the address to keep.
EMAIL_CHANGE_CANCEL = "email_change_undo"

__all__ = ["LOGIN_TICKET"]


def retire(session: Session, *, account_id: int, purposes: tuple[str, ...], now: dt.datetime) -> None:
    """Unused links of these kinds stop working."""
    session.exec(
        update(AccountToken)
        .where(
            col(AccountToken.account_id) == account_id,
            col(AccountToken.purpose).in_(purposes),
            col(AccountToken.used_at).is_(None),
        )
        .values(used_at=now)
    )


def issue(
    session: Session,
    *,
    account_id: int,
    purpose: str,
    now: dt.datetime,
    validity: dt.timedelta,
    new_email: str | None = None,
    changed_email: str | None = None,
    retire_older: bool = True,
) -> str:
    """A new link's raw token (to mail); older unused links of this kind are retired first, so
    only the newest mailed link works."""
    if retire_older:
        retire(session, account_id=account_id, purposes=(purpose,), now=now)
    raw, token_hash = security.new_token()
    session.add(
        AccountToken(
            account_id=account_id,
            purpose=purpose,
            token_hash=token_hash,
            created_at=now,
            expires_at=now + validity,
            new_email=new_email,
            changed_email=changed_email,
        )
    )
    session.flush()
    return raw


@dataclasses.dataclass(frozen=True)
class Consumed:
    id: int  # issue order: a later link has a greater id
    account_id: int
    new_email: str | None
    changed_email: str | None


def consume(session: Session, *, token: str, purpose: str, now: dt.datetime) -> Consumed | None:
    """Mark the token used with one conditional UPDATE; what it was for, or None if not usable."""
    row = session.exec(
        update(AccountToken)
        .where(
            col(AccountToken.token_hash) == security.hash_token(token),
            col(AccountToken.purpose) == purpose,
            col(AccountToken.used_at).is_(None),
            col(AccountToken.expires_at) > now,
        )
        .values(used_at=now)
        .returning(
            col(AccountToken.id),
            col(AccountToken.account_id),
            col(AccountToken.new_email),
            col(AccountToken.changed_email),
        )
    ).one_or_none()
    if row is None:
        return None
    return Consumed(id=row[0], account_id=row[1], new_email=row[2], changed_email=row[3])


def failure(session: Session, *, token: str, purpose: str, now: dt.datetime) -> Status:
    """Why a token could not be consumed: EXPIRED if it exists unused but too old, else INVALID."""
    status, _ = peek(session, token=token, purpose=purpose, now=now)
    return Status.EXPIRED if status is Status.EXPIRED else Status.INVALID


def peek(session: Session, *, token: str, purpose: str, now: dt.datetime) -> tuple[Status, Account | None]:
    """(DONE, its account) when the link can still be used, else (EXPIRED or INVALID, None)."""
    row = session.exec(
        select(AccountToken).where(
            col(AccountToken.token_hash) == security.hash_token(token), col(AccountToken.purpose) == purpose
        )
    ).one_or_none()
    if row is None or row.used_at is not None:
        return Status.INVALID, None
    if row.expires_at <= now:
        return Status.EXPIRED, None
    account = session.get(Account, row.account_id)
    return (Status.DONE, account) if account is not None else (Status.INVALID, None)


def retire_issued_after(
    session: Session, *, account_id: int, purpose: str, token_id: int, now: dt.datetime
) -> None:
    """Links of this kind issued after `token_id` stop working (an older link outranks them)."""
    session.exec(
        update(AccountToken)
        .where(
            col(AccountToken.account_id) == account_id,
            col(AccountToken.purpose) == purpose,
            col(AccountToken.id) > token_id,
            col(AccountToken.used_at).is_(None),
        )
        .values(used_at=now)
    )


def usable(token: object) -> bool:
    return isinstance(token, str) and 0 < len(token) <= 200
