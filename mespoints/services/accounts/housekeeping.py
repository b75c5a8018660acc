"""The hourly purge: dead sessions and tickets, used links, abandoned sign-ups, throttling traces,
sent mails. Every purge is a plain DELETE of what is already dead. With several workers, one round
runs per hour: the worker holding the `housekeeping` job lease (services.leases) runs it."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import secrets

from sqlalchemy import ColumnElement, Engine, delete, exists, or_
from sqlmodel import col, select

from mespoints.db.accounts import Account, AccountToken, FranceConnectIdentity, FranceConnectRequest
from mespoints.db.engine import session_scope
from mespoints.services import leases, mail, rate_limit
from mespoints.services import sessions as sessions_service
from mespoints.services.accounts import tokens
from mespoints.services.clock import utcnow

logger = logging.getLogger(__name__)

HOUSEKEEPING_INTERVAL_SECONDS = 3600.0
HOUSEKEEPING_JOB = "housekeeping"


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


def housekeeping_round(*, engine: Engine, holder: str, now: dt.datetime, hold: dt.timedelta) -> int | None:
    """Runs `housekeeping` if `holder` takes the job lease; None when another worker holds it.

    The lease is kept for `hold` (the loop's interval) after the round: the other workers, trying
    within that time, find it held, so the cluster runs one round per interval. A worker that dies
    mid-round frees it when it runs out.
    """
    if not leases.take_lease(engine=engine, name=HOUSEKEEPING_JOB, holder=holder, now=now, hold=hold):
        return None
    return housekeeping(engine=engine, now=now)


async def run_housekeeping_forever(
    *, engine: Engine, interval: float = HOUSEKEEPING_INTERVAL_SECONDS
) -> None:
    """Runs `housekeeping_round` every `interval` seconds until cancelled (an asyncio coroutine).

    Register it as a lifespan task in every worker: only the lease holder runs a round. Each round
    runs in a worker thread, so the event loop never waits on the database; a failed round is
    logged and the next one runs as planned.
    """
    holder = secrets.token_hex(8)
    hold = dt.timedelta(seconds=interval)
    while True:
        try:
            removed = await asyncio.to_thread(
                housekeeping_round, engine=engine, holder=holder, now=utcnow(), hold=hold
            )
            if removed is not None:
                logger.info("housekeeping removed %d rows", removed)
        except Exception:  # a database hiccup must not stop housekeeping for good
            logger.exception("housekeeping round failed")
        await asyncio.sleep(interval)
