"""Accounts, one-time tokens, sessions and throttling records.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("last_name", sa.String(100), nullable=False),
        sa.Column("first_names", sa.String(200), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("licence_number", sa.String(19), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("activated_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("email", name="uq_account_email"),
        sa.UniqueConstraint("licence_number", name="uq_account_licence_number"),
        sa.ForeignKeyConstraint(
            ["licence_number"], ["licence.licence_number"], name="fk_account_licence_number"
        ),
    )
    op.create_table(
        "account_token",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "account_id",
            sa.Integer(),
            sa.ForeignKey("account.id", ondelete="CASCADE", name="fk_account_token_account"),
            nullable=False,
        ),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("new_email", sa.String(254), nullable=True),
        sa.UniqueConstraint("token_hash", name="uq_account_token_hash"),
    )
    op.create_index("ix_account_token_account_purpose", "account_token", ["account_id", "purpose"])
    op.create_table(
        "account_session",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("session_hash", sa.String(64), nullable=False),
        sa.Column(
            "account_id",
            sa.Integer(),
            sa.ForeignKey("account.id", ondelete="CASCADE", name="fk_account_session_account"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("session_hash", name="uq_account_session_hash"),
    )
    op.create_index("ix_account_session_account_id", "account_session", ["account_id"])
    op.create_table(
        "rate_limit_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("bucket", sa.String(40), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
    )
    op.create_index(
        "ix_rate_limit_event_lookup", "rate_limit_event", ["bucket", "key_hash", "occurred_at"]
    )
    op.create_table(
        "login_throttle",
        sa.Column("key_hash", sa.String(64), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_failure_at", sa.DateTime(), nullable=False),
        sa.Column("blocked_until", sa.DateTime(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("login_throttle")
    op.drop_index("ix_rate_limit_event_lookup", table_name="rate_limit_event")
    op.drop_table("rate_limit_event")
    op.drop_index("ix_account_session_account_id", table_name="account_session")
    op.drop_table("account_session")
    op.drop_index("ix_account_token_account_purpose", table_name="account_token")
    op.drop_table("account_token")
    op.drop_table("account")
