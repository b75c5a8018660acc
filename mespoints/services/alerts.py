"""Alerts (Code de la route R223-3-1): one mail and one notification per change of a history.

A change is a line of the engine's history: a withdrawal, an invalidation, a restoration (6 months,
2 or 3 years, 10 years), a stage credit, a probation increment, a cancelled restoration. Each is
known by (licence, event, rule, day): the `alert_key` table holds one row per change its holder was
told about, under a unique constraint. A change is alerted by the transaction that inserts its key,
with its notification and its outbox mail: whoever looks first (the import that recorded it, the
daily job when the calendar brings it, both at once, or an import run again after being killed)
alerts it once, and a rolled-back transaction alerts nothing.

The detection compares the history with the keys, not a feed with what was stored, so it works
whatever wrote the events (any import path): the daily job (`run_daily_job_forever`, one worker at a
time through the `job_lease` row) looks at every account once a day.

When alerts start for an account (activation, or the first look at an account older than alerts),
the history known then is recorded as keys not alerted (the baseline): only what happens later is
alerted. The preference `mail_alerts` (« Mon compte ») turns mails off; notifications stay.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import multiprocessing
import os
import secrets
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from mespoints import routes
from mespoints.db.accounts import Account
from mespoints.db.alerts import NO_EVENT, AccountPreference, AlertKey, Notification
from mespoints.db.engine import insert_ignoring_duplicates, make_engine, session_scope
from mespoints.domain.points import Change, assess
from mespoints.domain.situation import ALERT_TITLES_FR, alert_sentence, balance_sentence
from mespoints.services import clock, leases, mail, mail_templates
from mespoints.services.licences import read_licence
from mespoints.settings import get_settings

logger = logging.getLogger(__name__)

DAILY_JOB = "daily-alerts"
# Long enough for a sweep of every account; a worker that dies holding it frees it after that.
LEASE = dt.timedelta(hours=1)
DAILY_JOB_INTERVAL_SECONDS = 600.0
# The daily sweep's process yields the cores to the workers serving pages.
SWEEP_NICENESS = 10
ACCOUNTS_PER_BATCH = 200
# Where a mail and a notification lead: the history, where the change is shown in full.
ALERT_LINK = routes.DASHBOARD_HISTORY


@dataclass(frozen=True)
class _Holder:
    account_id: int
    email: str
    first_names: str
    licence_number: str


def _key(change: Change) -> tuple[str, str, dt.date]:
    return (change.event_id or NO_EVENT, str(change.rule), change.date)


def start_alerts(
    session: Session, *, account_id: int, licence_number: str, as_of: dt.date, now: dt.datetime
) -> None:
    """Alerts start for this account: the history known on `as_of` is its baseline, never alerted.

    Called in the activation's transaction; harmless when alerts already started.
    """
    insert_ignoring_duplicates(
        session, AccountPreference, {"account_id": account_id, "mail_alerts": True, "updated_at": now}
    )
    started = session.execute(
        update(AccountPreference)
        .where(col(AccountPreference.account_id) == account_id, col(AccountPreference.alerts_since).is_(None))
        .values(alerts_since=now)
        .returning(col(AccountPreference.account_id))
    ).first()
    if started is None:
        return
    licence = read_licence(session.connection(), licence_number)
    if licence is None:
        return
    for change in assess(licence.facts, as_of).history:
        _record_key(
            session,
            account_id=account_id,
            licence_number=licence.licence_number,
            change=change,
            alerted=False,
            now=now,
        )


def _record_key(
    session: Session, *, account_id: int, licence_number: str, change: Change, alerted: bool, now: dt.datetime
) -> bool:
    event_id, rule, day = _key(change)
    return insert_ignoring_duplicates(
        session,
        AlertKey,
        {
            "account_id": account_id,
            "licence_number": licence_number,
            "event_id": event_id,
            "rule": rule,
            "day": day,
            "alerted": alerted,
            "created_at": now,
        },
    )


def alert_account(*, engine: Engine, account_id: int, today: dt.date, now: dt.datetime) -> int:
    """Alerts each change of this account's history not yet known, once; returns how many.

    An account whose alerts have not started gets its baseline instead (nothing alerted).
    """
    with session_scope(engine) as session:
        holder = _holder(session, account_id)
        if holder is None:
            return 0
        preference = session.get(AccountPreference, account_id)
        if preference is None or preference.alerts_since is None:
            start_alerts(
                session, account_id=account_id, licence_number=holder.licence_number, as_of=today, now=now
            )
            return 0
        licence = read_licence(session.connection(), holder.licence_number)
        if licence is None:
            return 0
        assessment = assess(licence.facts, today)
        known = {
            (row.event_id, row.rule, row.day)
            for row in session.exec(
                select(AlertKey).where(col(AlertKey.licence_number) == licence.licence_number)
            )
        }
        alerted = 0
        for change in assessment.history:
            if _key(change) in known:
                continue
            if not _record_key(
                session,
                account_id=account_id,
                licence_number=licence.licence_number,
                change=change,
                alerted=True,
                now=now,
            ):
                continue  # another worker alerted it meanwhile
            _tell(
                session,
                holder=holder,
                change=change,
                balance=balance_sentence(assessment.balance, assessment.maximum),
                by_mail=preference.mail_alerts,
                now=now,
            )
            alerted += 1
        return alerted


def _holder(session: Session, account_id: int) -> _Holder | None:
    account = session.get(Account, account_id)
    if account is None or account.id is None or account.activated_at is None or not account.licence_number:
        return None
    return _Holder(
        account_id=account.id,
        email=account.email,
        first_names=account.first_names,
        licence_number=account.licence_number,
    )


def _tell(
    session: Session, *, holder: _Holder, change: Change, balance: str, by_mail: bool, now: dt.datetime
) -> None:
    title = ALERT_TITLES_FR.get(change.rule, "Votre solde de points a changé")
    sentence = alert_sentence(change)
    session.add(
        Notification(
            account_id=holder.account_id,
            created_at=now,
            title=title,
            body=f"{sentence} {balance}",
            link=ALERT_LINK,
        )
    )
    if by_mail:
        first = holder.first_names.split()[0] if holder.first_names.split() else ""
        message = mail_templates.history_changed(
            first_name=first,
            title=title,
            sentence=sentence,
            balance=balance,
            link=f"{get_settings().base_url}{ALERT_LINK}",
        )
        mail.enqueue(session, to=holder.email, message=message, now=now)


def _accounts_of(engine: Engine, licence_numbers: Sequence[str]) -> list[int]:
    with session_scope(engine) as session:
        return [
            account_id
            for account_id in session.exec(
                select(Account.id).where(
                    col(Account.licence_number).in_(list(licence_numbers)),
                    col(Account.activated_at).is_not(None),
                )
            )
            if account_id is not None
        ]


def alert_licences(
    *, engine: Engine, licence_numbers: Sequence[str], today: dt.date, now: dt.datetime
) -> int:
    """After an import wrote these licences: alerts their holders' new changes; returns how many."""
    if not licence_numbers:
        return 0
    return sum(
        alert_account(engine=engine, account_id=account_id, today=today, now=now)
        for account_id in _accounts_of(engine, licence_numbers)
    )


def alert_everyone(*, engine: Engine, today: dt.date, now: dt.datetime) -> int:
    """Every activated account with a licence, in batches: what the calendar brought today."""
    alerted, after = 0, 0
    while True:
        with session_scope(engine) as session:
            batch = [
                account_id
                for account_id in session.exec(
                    select(Account.id)
                    .where(
                        col(Account.id) > after,
                        col(Account.activated_at).is_not(None),
                        col(Account.licence_number).is_not(None),
                    )
                    .order_by(col(Account.id))
                    .limit(ACCOUNTS_PER_BATCH)
                )
                if account_id is not None
            ]
        if not batch:
            return alerted
        for account_id in batch:
            try:
                alerted += alert_account(engine=engine, account_id=account_id, today=today, now=now)
            except Exception:  # one broken licence must not stop everyone's alerts
                logger.exception("alerts: account %d could not be checked", account_id)
        after = batch[-1]


# --- The daily job, one worker at a time ----------------------------------------------------------


def take_daily_lease(*, engine: Engine, holder: str, today: dt.date, now: dt.datetime) -> bool:
    """True when this worker may run today's job: not done today, and no live lease elsewhere."""
    return leases.take_lease(
        engine=engine, name=DAILY_JOB, holder=holder, now=now, hold=LEASE, not_completed_on=today
    )


def finish_daily_lease(*, engine: Engine, holder: str, today: dt.date) -> None:
    leases.finish_lease(engine=engine, name=DAILY_JOB, holder=holder, completed_on=today)


def daily_round(
    *, engine: Engine, holder: str, today: dt.date, now: dt.datetime, apart: bool = False
) -> int | None:
    """Runs today's sweep if this worker wins the lease; None when it did not run.

    `apart`: the sweep runs in a process of its own, at a lower priority (the portal's workers do
    so). Run in a worker's thread, the sweep of every account (seconds to minutes of Python) competed
    with the event loop for the GIL, and that worker's pages answered in over a second (one worker,
    20,000 licences, a slow machine: p95 1.2 s during the sweep, 0.08 s after it).
    """
    if not take_daily_lease(engine=engine, holder=holder, today=today, now=now):
        return None
    if apart:
        url = engine.url.render_as_string(hide_password=False)
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
            alerted = pool.submit(_sweep_apart, url, today, now).result()
    else:
        alerted = alert_everyone(engine=engine, today=today, now=now)
    finish_daily_lease(engine=engine, holder=holder, today=today)
    logger.info("daily alerts: %d change(s) alerted", alerted)
    return alerted


def _sweep_apart(url: str, today: dt.date, now: dt.datetime) -> int:
    """`alert_everyone` in the sweep's own process, yielding the cores to the workers."""
    os.nice(SWEEP_NICENESS)
    engine = make_engine(url)
    try:
        return alert_everyone(engine=engine, today=today, now=now)
    finally:
        engine.dispose()


async def run_daily_job_forever(*, engine: Engine, interval: float = DAILY_JOB_INTERVAL_SECONDS) -> None:
    """A lifespan task: every `interval` seconds, runs the daily sweep if no worker did it today.

    The lease is checked in a thread (the event loop never waits on the database) and the sweep runs
    in a process of its own (`daily_round(apart=True)`); a failed round is logged, its lease expires, and
    a later round (here or elsewhere) runs it again.
    """
    holder = secrets.token_hex(8)
    while True:
        try:
            await asyncio.to_thread(
                daily_round, engine=engine, holder=holder, today=clock.today(), now=clock.utcnow(), apart=True
            )
        except Exception:
            logger.exception("daily alerts round failed")
        await asyncio.sleep(interval)
