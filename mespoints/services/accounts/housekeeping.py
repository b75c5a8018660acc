"""The hourly purge: dead sessions and tickets, used links, abandoned sign-ups, throttling traces,
sent mails. Every purge is a plain DELETE of what is already dead, so several workers may run it."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from sqlalchemy import ColumnElement, Engine, delete, exists, or_
from sqlmodel import col, select

from mespoints.db.accounts import Account, AccountToken, FranceConnectIdentity, FranceConnectRequest
from mespoints.db.engine import session_scope
from mespoints.services import mail, rate_limit
from mespoints.services import sessions as sessions_service
from mespoints.services.accounts import tokens
from mespoints.services.clock import utcnow

logger = logging.getLogger(__name__)

HOUSEKEEPING_INTERVAL_SECONDS = 3600.0


def stale_unactivated(now: dt.datetime) -> ColumnElement[bool]:
    """Accounts never activated and with no activation link still valid."""
    live_link = exists().where(
        col(AccountToken.account_id) == Account.id,
        col(AccountToken.purpose) == tokens.ACTIVATION,
        col(AccountToken.used_at).is_(None),
        col(AccountToken.expires_at) > now,
    )
    return (col(Account.activated_at).is_(None)) & ~live_link


def housekeeping(*, engine: Engine, now: dt.datetime) -> int:
    """Every purge of the accounts services in one call (run hourly); returns rows removed.

    Dead sessions and login tickets (services.sessions), mailed links used or expired for more
    than a day, accounts never activated whose activation links have all expired (the activation
    mail says to sign up again after the deadline), and rate-limit events and login back-off
    records out of every window (services.rate_limit), and mails sent more than a week ago.
    """
    removed = sessions_service.purge_expired(engine=engine, now=now)
    with session_scope(engine) as session:
        removed += (
            session.exec(
                delete(AccountToken).where(
                    or_(col(AccountToken.used_at).is_not(None), col(AccountToken.expires_at) <= now),
                    col(AccountToken.expires_at) <= now - dt.timedelta(days=1),
                )
            ).rowcount
            or 0
        )
        stale = list(session.exec(select(Account.id).where(stale_unactivated(now))))
        if stale:
            session.exec(delete(AccountToken).where(col(AccountToken.account_id).in_(stale)))
            removed += session.exec(delete(Account).where(col(Account.id).in_(stale))).rowcount or 0
        removed += rate_limit.purge(session, now=now)
        # FranceConnect requests and first logins past their window, or used.
        for table in (FranceConnectRequest, FranceConnectIdentity):
            removed += (
                session.exec(
                    delete(table).where(or_(col(table.expires_at) <= now, col(table.used_at).is_not(None)))
                ).rowcount
                or 0
            )
    removed += mail.purge_sent(engine=engine, now=now)
    return int(removed)


async def run_housekeeping_forever(
    *, engine: Engine, interval: float = HOUSEKEEPING_INTERVAL_SECONDS
) -> None:
    """Runs `housekeeping` every `interval` seconds until cancelled (an asyncio coroutine).

    Register it as a lifespan task. Each round runs in a worker thread, so the event loop never
    waits on the database; a failed round is logged and the next one runs as planned.
    """
    while True:
        try:
            removed = await asyncio.to_thread(housekeeping, engine=engine, now=utcnow())
            logger.info("housekeeping removed %d rows", removed)
        except Exception:  # a database hiccup must not stop housekeeping for good
            logger.exception("housekeeping round failed")
        await asyncio.sleep(interval)
