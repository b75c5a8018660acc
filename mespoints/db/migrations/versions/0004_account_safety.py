"""Account safety: a licence is bound to an account at activation; deferred mail requests.

- `account.licence_number` is no longer unique among every account: several sign-ups may claim
  one licence; the first activated wins (unique among activated accounts, a partial index).
- `mail_outbox.kind`: "mail" (a message) or "request" (a form's request, turned into a message
  by the sender).
- `account_token.changed_email`: « Ce n'était pas moi » links remember the address a change was
  moving to, so an old link cannot take back an address the account has since left.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_ACTIVATED = sa.text("activated_at IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table("account") as batch:
        batch.drop_constraint("uq_account_licence_number", type_="unique")
    op.create_index(
        "uq_account_activated_licence",
        "account",
        ["licence_number"],
        unique=True,
        sqlite_where=_ACTIVATED,
        postgresql_where=_ACTIVATED,
    )
    op.create_index("ix_account_licence_number", "account", ["licence_number"])
    with op.batch_alter_table("mail_outbox") as batch:
        batch.add_column(sa.Column("kind", sa.String(10), nullable=False, server_default="mail"))
    with op.batch_alter_table("account_token") as batch:
        batch.add_column(sa.Column("changed_email", sa.String(254), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("account_token") as batch:
        batch.drop_column("changed_email")
    with op.batch_alter_table("mail_outbox") as batch:
        batch.drop_column("kind")
    op.drop_index("ix_account_licence_number", table_name="account")
    op.drop_index("uq_account_activated_licence", table_name="account")
    with op.batch_alter_table("account") as batch:
        batch.create_unique_constraint("uq_account_licence_number", ["licence_number"])
