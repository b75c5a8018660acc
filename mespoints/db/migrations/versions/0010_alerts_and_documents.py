"""Alerts, notifications, account preferences and the daily job's lease (issue 10).

- `alert_key`: each change of a licence's history its holder knows about, unique by (licence,
  event, rule, day), so each is alerted once;
- `notification`: messages in the portal, read or unread;
- `account_preference`: mail alerts on or off, and since when alerts are kept;
- `job_lease`: one worker at a time runs the daily job.

Revision ID: 0010
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0005"
branch_labels = None
depends_on = None


def _account_id(name: str, *, primary_key: bool = False) -> sa.Column:
    return sa.Column(
        "account_id",
        sa.Integer(),
        sa.ForeignKey("account.id", name=name, ondelete="CASCADE"),
        nullable=False,
        primary_key=primary_key,
        autoincrement=False if primary_key else "auto",
    )


def upgrade() -> None:
    op.create_table(
        "alert_key",
        sa.Column("id", sa.Integer(), primary_key=True),
        _account_id("fk_alert_key_account_id"),
        sa.Column("licence_number", sa.String(19), nullable=False),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("rule", sa.String(32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("alerted", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("licence_number", "event_id", "rule", "day", name="uq_alert_key_change"),
    )
    op.create_index("ix_alert_key_account_id", "alert_key", ["account_id"])
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), primary_key=True),
        _account_id("fk_notification_account_id"),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.String(1000), nullable=False),
        sa.Column("link", sa.String(200), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_notification_account_id_created_at", "notification", ["account_id", "created_at"])
    op.create_table(
        "account_preference",
        _account_id("fk_account_preference_account_id", primary_key=True),
        sa.Column("mail_alerts", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("alerts_since", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "job_lease",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("holder", sa.String(64), nullable=True),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("last_completed_on", sa.Date(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("job_lease")
    op.drop_table("account_preference")
    op.drop_index("ix_notification_account_id_created_at", table_name="notification")
    op.drop_table("notification")
    op.drop_index("ix_alert_key_account_id", table_name="alert_key")
    op.drop_table("alert_key")
