"""The mail outbox: every message the portal sends, written in the transaction that caused it.

Bodies carry activation and reset links, so they are stored encrypted (services.secrets_box);
the subject is a fixed French sentence and stays readable for operators. Every timestamp is
naive UTC (mespoints.services.clock.utcnow).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, DateTime, Index, Integer, String, Text
from sqlmodel import Field, SQLModel


class OutboxMail(SQLModel, table=True):
    """One message to send; sent_at stays empty until an SMTP server accepted it.

    A row of kind REQUEST is not a message yet: it is a request someone made through a form (« mot
    de passe oublié »…), which the sender turns into the right message, or into none (an unknown
    address), and then deletes. Writing one such row whatever the address keeps the form's work,
    and so its timing, the same for everybody.
    """

    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_due", "sent_at", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    created_at: dt.datetime = Field(sa_column=Column(DateTime(), nullable=False))
    recipient: str = Field(sa_column=Column(String(320), nullable=False))
    subject: str = Field(sa_column=Column(String(200), nullable=False))
    # Fernet token of {"text": ..., "html": ...}: no link or token in clear at rest.
    payload_encrypted: str = Field(sa_column=Column(Text(), nullable=False))
    attempts: int = Field(default=0, sa_column=Column(Integer(), nullable=False, default=0))
    next_attempt_at: dt.datetime = Field(sa_column=Column(DateTime(), nullable=False))
    # A sender owns the row until then; after it, another sender may take it over (crash).
    claimed_until: dt.datetime | None = Field(default=None, sa_column=Column(DateTime(), nullable=True))
    sent_at: dt.datetime | None = Field(default=None, sa_column=Column(DateTime(), nullable=True))
    last_error: str | None = Field(default=None, sa_column=Column(String(500), nullable=True))
    kind: str = Field(
        default="mail", sa_column=Column(String(10), nullable=False, default="mail", server_default="mail")
    )


MAIL = "mail"
REQUEST = "request"
