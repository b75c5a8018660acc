"""FranceConnect: accounts without password, the holder's `sub`, claimed licences, how a session
was opened, and the server-side halves of the OpenID Connect flow.

- `account.password_hash` nullable: accounts opened through FranceConnect have no password.
- `account.licence_number` nullable, `account.licence_claimed_at`: a licence taken back by its
  holder through FranceConnect leaves the other account without it.
- `account.franceconnect_sub_hash` (unique): SHA-256 of the issuer and the holder's `sub`.
- `account_session.auth_method` ("password" or "franceconnect"), `id_token_encrypted`.
- `franceconnect_request` (state, nonce, PKCE verifier; single use) and `franceconnect_identity`
  (a vouched identity finishing its first login).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("account") as batch:
        batch.alter_column("password_hash", existing_type=sa.String(255), nullable=True)
        batch.alter_column("licence_number", existing_type=sa.String(19), nullable=True)
        batch.add_column(sa.Column("franceconnect_sub_hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("licence_claimed_at", sa.DateTime(), nullable=True))
        batch.create_unique_constraint("uq_account_franceconnect_sub_hash", ["franceconnect_sub_hash"])
    with op.batch_alter_table("account_session") as batch:
        batch.add_column(sa.Column("auth_method", sa.String(20), nullable=False, server_default="password"))
        batch.add_column(sa.Column("id_token_encrypted", sa.Text(), nullable=True))
    op.create_table(
        "franceconnect_request",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("state_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("browser_hash", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(10), nullable=False),
        sa.Column("payload_encrypted", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "franceconnect_identity",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("handle_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("sub_hash", sa.String(64), nullable=False),
        sa.Column("payload_encrypted", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("account.id", ondelete="CASCADE"), nullable=True),
        sa.Column("used_at", sa.DateTime(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("franceconnect_identity")
    op.drop_table("franceconnect_request")
    with op.batch_alter_table("account_session") as batch:
        batch.drop_column("id_token_encrypted")
        batch.drop_column("auth_method")
    # Accounts that exist only through FranceConnect, or lost their licence, cannot go back.
    op.execute("DELETE FROM account WHERE password_hash IS NULL OR licence_number IS NULL")
    with op.batch_alter_table("account") as batch:
        batch.drop_constraint("uq_account_franceconnect_sub_hash", type_="unique")
        batch.drop_column("licence_claimed_at")
        batch.drop_column("franceconnect_sub_hash")
        batch.alter_column("licence_number", existing_type=sa.String(19), nullable=False)
        batch.alter_column("password_hash", existing_type=sa.String(255), nullable=False)
