"""Accounts, their one-time tokens, server-side sessions and throttling records.

No secret is stored in clear: tokens, login tickets and session ids are kept as SHA-256 hex,
passwords as argon2id hashes, throttling keys (IP, email, browser key, licence number) as
SHA-256 hex too. Every timestamp is naive UTC (mespoints.services.clock.utcnow).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel


class Account(SQLModel, table=True):
    """One person's account: one per email; one activated account per licence.

    Several sign-ups may claim one licence while none is activated: the licence is bound to the
    account whose activation comes first (a unique index over activated accounts only).
    """

    __tablename__ = "account"
    __table_args__ = (
        UniqueConstraint("email", name="uq_account_email"),
        Index(
            "uq_account_activated_licence",
            "licence_number",
            unique=True,
            sqlite_where=text("activated_at IS NOT NULL"),
            postgresql_where=text("activated_at IS NOT NULL"),
        ),
        Index("ix_account_licence_number", "licence_number"),
        UniqueConstraint("franceconnect_sub_hash", name="uq_account_franceconnect_sub_hash"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Normalized (trimmed, lower case); unique: the database enforces one account per email.
    email: str = Field(sa_column=Column(String(254), nullable=False))
    # None for an account opened through FranceConnect (it has no password until a reset sets one).
    password_hash: str | None = Field(default=None, sa_column=Column(String(255), nullable=True))
    last_name: str = Field(sa_column=Column(String(100), nullable=False))
    first_names: str = Field(sa_column=Column(String(200), nullable=False))
    birth_date: dt.date
    # None once the licence's holder took it back through FranceConnect (licence_claimed_at says when).
    licence_number: str | None = Field(
        default=None,
        sa_column=Column(
            String(19),
            ForeignKey("licence.licence_number", name="fk_account_licence_number"),
            nullable=True,
        ),
    )
    created_at: dt.datetime = Field(sa_type=DateTime())
    activated_at: dt.datetime | None = Field(default=None, sa_type=DateTime())
    # FranceConnect holder: SHA-256 of issuer and `sub` (services.accounts.franceconnect.sub_hash).
    franceconnect_sub_hash: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    licence_claimed_at: dt.datetime | None = Field(default=None, sa_type=DateTime())


class AccountToken(SQLModel, table=True):
    """A single-use secret sent by email (activation, password reset, email change) or handed
    to the browser (login ticket). Consumed by one conditional UPDATE on used_at."""

    __tablename__ = "account_token"
    __table_args__ = (Index("ix_account_token_account_purpose", "account_id", "purpose"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(
        sa_column=Column(Integer, ForeignKey("account.id", ondelete="CASCADE"), nullable=False)
    )
    # "activation", "password_reset", "email_change", "email_change_undo" or "login_ticket"
    # (services.accounts.tokens).
    purpose: str = Field(sa_column=Column(String(20), nullable=False))
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_at: dt.datetime = Field(sa_type=DateTime())
    expires_at: dt.datetime = Field(sa_type=DateTime())
    used_at: dt.datetime | None = Field(default=None, sa_type=DateTime())
    # Email change: the address to switch to once confirmed. « Ce n'était pas moi »: the address
    # to keep (or give back), and in changed_email the address the change was moving to.
    new_email: str | None = Field(default=None, sa_column=Column(String(254), nullable=True))
    changed_email: str | None = Field(default=None, sa_column=Column(String(254), nullable=True))


class AccountSession(SQLModel, table=True):
    """A signed-in browser; the cookie holds the raw id, the database its SHA-256."""

    __tablename__ = "account_session"

    id: int | None = Field(default=None, primary_key=True)
    session_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    account_id: int = Field(
        sa_column=Column(Integer, ForeignKey("account.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    created_at: dt.datetime = Field(sa_type=DateTime())
    last_seen_at: dt.datetime = Field(sa_type=DateTime())
    ended_at: dt.datetime | None = Field(default=None, sa_type=DateTime())
    # How the session was opened: "password" or "franceconnect" (sessions.AuthMethod).
    auth_method: str = Field(
        default="password", sa_column=Column(String(20), nullable=False, server_default="password")
    )
    # FranceConnect only: the ID token (encrypted), sent back as id_token_hint at logout.
    id_token_encrypted: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class FranceConnectRequest(SQLModel, table=True):
    """One login or logout sent to the provider: its `state` (SHA-256 only), and, encrypted, the
    nonce, PKCE verifier and next page. Consumed once by a conditional UPDATE, within minutes."""

    __tablename__ = "franceconnect_request"

    id: int | None = Field(default=None, primary_key=True)
    state_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    # SHA-256 of the random value of the browser's flow cookie: the callback must come from it.
    browser_hash: str = Field(sa_column=Column(String(64), nullable=False))
    purpose: str = Field(sa_column=Column(String(10), nullable=False))  # "login" or "logout"
    payload_encrypted: str = Field(sa_column=Column(Text, nullable=False))
    created_at: dt.datetime = Field(sa_type=DateTime())
    expires_at: dt.datetime = Field(sa_type=DateTime())
    used_at: dt.datetime | None = Field(default=None, sa_type=DateTime())


class FranceConnectIdentity(SQLModel, table=True):
    """An identity FranceConnect vouched for, waiting for its first login to end (licence steps,
    claim, address). The browser holds the raw handle in an HttpOnly cookie; the claims and the
    ID token are encrypted. Once the account exists, account_id is set and the session route
    consumes the row once."""

    __tablename__ = "franceconnect_identity"

    id: int | None = Field(default=None, primary_key=True)
    handle_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    sub_hash: str = Field(sa_column=Column(String(64), nullable=False))
    payload_encrypted: str = Field(sa_column=Column(Text, nullable=False))
    created_at: dt.datetime = Field(sa_type=DateTime())
    expires_at: dt.datetime = Field(sa_type=DateTime())
    account_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("account.id", ondelete="CASCADE"), nullable=True)
    )
    used_at: dt.datetime | None = Field(default=None, sa_type=DateTime())


class RateLimitEvent(SQLModel, table=True):
    """One counted attempt in a sliding window (services.rate_limit.Limit)."""

    __tablename__ = "rate_limit_event"
    __table_args__ = (Index("ix_rate_limit_event_lookup", "bucket", "key_hash", "occurred_at"),)

    id: int | None = Field(default=None, primary_key=True)
    bucket: str = Field(sa_column=Column(String(40), nullable=False))
    key_hash: str = Field(sa_column=Column(String(64), nullable=False))
    occurred_at: dt.datetime = Field(sa_type=DateTime())


class LoginThrottle(SQLModel, table=True):
    """Consecutive failed logins for one email address (known or not), and the block they cause.

    An attempt is counted here before its password is verified, and the row deleted if it was right.
    """

    __tablename__ = "login_throttle"

    key_hash: str = Field(sa_column=Column(String(64), primary_key=True))
    failures: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))
    last_failure_at: dt.datetime = Field(sa_type=DateTime())
    blocked_until: dt.datetime | None = Field(default=None, sa_type=DateTime())
