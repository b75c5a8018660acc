"""Jobs run by one worker at a time: the `job_lease` row (one per job) names who holds it until when.

A worker runs a round of a job only after taking its lease with one conditional UPDATE, so several
workers (granian processes, hosts) never run it at the same time; a worker that dies holding the
lease frees it when the lease runs out. The daily alerts (services.alerts) also record the day a
round completed, so a day's job runs once; the hourly housekeeping keeps its lease for the hour,
so one worker runs each hour's round.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, and_, or_, update
from sqlmodel import col

from mespoints.db.alerts import JobLease
from mespoints.db.engine import insert_ignoring_duplicates, session_scope


def take_lease(
    *,
    engine: Engine,
    name: str,
    holder: str,
    now: dt.datetime,
    hold: dt.timedelta,
    not_completed_on: dt.date | None = None,
) -> bool:
    """True when `holder` now holds the lease of job `name` until `now + hold`: no live lease
    elsewhere and, with `not_completed_on`, the job has not completed on that day or later."""
    conditions = [
        col(JobLease.name) == name,
        or_(col(JobLease.lease_until).is_(None), col(JobLease.lease_until) <= now),
    ]
    if not_completed_on is not None:
        conditions.append(
            or_(col(JobLease.last_completed_on).is_(None), col(JobLease.last_completed_on) < not_completed_on)
        )
    with session_scope(engine) as session:
        insert_ignoring_duplicates(session, JobLease, {"name": name})
        taken = session.execute(
            update(JobLease)
            .where(*conditions)
            .values(holder=holder, lease_until=now + hold)
            .returning(col(JobLease.name))
        ).first()
        return taken is not None


def finish_lease(*, engine: Engine, name: str, holder: str, completed_on: dt.date) -> None:
    """Frees the lease `holder` holds and records the day the job completed."""
    with session_scope(engine) as session:
        session.execute(
            update(JobLease)
            .where(and_(col(JobLease.name) == name, col(JobLease.holder) == holder))
            .values(holder=None, lease_until=None, last_completed_on=completed_on)
        )
