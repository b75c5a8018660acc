"""Alerts (R223-3-1), in-portal notifications, account preferences and the daily job's lease.

Every row tied to an account is deleted with it (ON DELETE CASCADE, and explicitly when an account
is closed). Timestamps are naive UTC, as everywhere else.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy import true as sa_true
from sqlmodel import Field, SQLModel

# No event behind a change (R2's increment): the key still needs a value to be unique.
NO_EVENT = ""


class AlertKey(SQLModel, table=True):
    """One change of a licence's history that its holder knows about: alerted, or there already
    when alerts started for the account (`alerted` false: the baseline, never alerted).

    The unique key (licence, event, rule, day) makes each change alerted once, whoever sees it
    first: the import that recorded it, the daily job, or both at once.
    """

    __tablename__ = "alert_key"
    __table_args__ = (
        UniqueConstraint("licence_number", "event_id", "rule", "day", name="uq_alert_key_change"),
        Index("ix_alert_key_account_id", "account_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("account.id", name="fk_alert_key_account_id", ondelete="CASCADE"),
            nullable=False,
        )
    )
    licence_number: str = Field(sa_column=Column(String(19), nullable=False))
    event_id: str = Field(sa_column=Column(String(64), nullable=False))
    rule: str = Field(sa_column=Column(String(32), nullable=False))
    day: dt.date = Field(sa_column=Column(Date, nullable=False))
    alerted: bool = Field(sa_column=Column(Boolean, nullable=False))
    created_at: dt.datetime = Field(sa_type=DateTime())


class Notification(SQLModel, table=True):
    """A message in the portal (« Mes notifications »); unread while read_at is null."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_account_id_created_at", "account_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("account.id", name="fk_notification_account_id", ondelete="CASCADE"),
            nullable=False,
        )
    )
    created_at: dt.datetime = Field(sa_type=DateTime())
    title: str = Field(sa_column=Column(String(200), nullable=False))
    body: str = Field(sa_column=Column(String(1000), nullable=False))
    # A page of the portal (routes.py), never another site.
    link: str = Field(sa_column=Column(String(200), nullable=False))
    read_at: dt.datetime | None = Field(default=None, sa_type=DateTime())


class AccountPreference(SQLModel, table=True):
    """What the holder chose on « Mon compte », and since when alerts are kept for the account."""

    __tablename__ = "account_preference"

    account_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("account.id", name="fk_account_preference_account_id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        )
    )
    # Mail alerts on changes of the history (R223-3-1); notifications in the portal stay on.
    mail_alerts: bool = Field(
        default=True, sa_column=Column(Boolean, nullable=False, server_default=sa_true())
    )
    # When the history known then was recorded as the baseline (AlertKey.alerted false).
    alerts_since: dt.datetime | None = Field(default=None, sa_type=DateTime())
    updated_at: dt.datetime = Field(sa_type=DateTime())


class JobLease(SQLModel, table=True):
    """One row per periodic job: who holds it until when, and the last day it completed.

    A worker runs the job only after taking the lease with one conditional UPDATE, so several
    workers (granian processes, hosts) never run it at the same time.
    """

    __tablename__ = "job_lease"

    name: str = Field(sa_column=Column(String(40), primary_key=True))
    holder: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    lease_until: dt.datetime | None = Field(default=None, sa_type=DateTime())
    last_completed_on: dt.date | None = Field(default=None, sa_column=Column(Date, nullable=True))
