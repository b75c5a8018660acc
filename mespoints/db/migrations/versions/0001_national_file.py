"""National file: holders, licences, their categories and events.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "holder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_licence_number", sa.String(19), nullable=False),
        sa.Column("last_name", sa.String(200), nullable=False),
        sa.Column("first_names", sa.String(200), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_holder"),
        sa.UniqueConstraint("source_licence_number", name="uq_holder_source_licence_number"),
    )
    op.create_table(
        "licence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("licence_number", sa.String(19), nullable=False),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("early_training", sa.Boolean(), nullable=False),
        sa.Column("probationary", sa.Boolean(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_licence"),
        sa.UniqueConstraint("licence_number", name="uq_licence_licence_number"),
        sa.CheckConstraint("format IN ('card', 'three_part')", name="ck_licence_format"),
        sa.ForeignKeyConstraint(["holder_id"], ["holder.id"], name="fk_licence_holder_id"),
    )
    op.create_index("ix_licence_holder_id", "licence", ["holder_id"])
    op.create_table(
        "licence_category",
        sa.Column("licence_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(8), nullable=False),
        sa.Column("obtained_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("licence_id", "category", name="pk_licence_category"),
        sa.ForeignKeyConstraint(
            ["licence_id"], ["licence.id"], name="fk_licence_category_licence_id", ondelete="CASCADE"
        ),
    )
    op.create_table(
        "licence_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("licence_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("committed_at", sa.DateTime(), nullable=True),
        sa.Column("effective_on", sa.Date(), nullable=True),
        sa.Column("offence_class", sa.String(8), nullable=True),
        sa.Column("points", sa.Integer(), nullable=True),
        sa.Column("label", sa.String(500), nullable=False),
        sa.Column("place", sa.String(500), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_licence_event"),
        sa.UniqueConstraint("licence_id", "event_id", name="uq_licence_event_licence_id_event_id"),
        sa.CheckConstraint("kind IN ('infraction', 'stage')", name="ck_licence_event_kind"),
        sa.ForeignKeyConstraint(
            ["licence_id"], ["licence.id"], name="fk_licence_event_licence_id", ondelete="CASCADE"
        ),
    )


def downgrade() -> None:
    op.drop_table("licence_event")
    op.drop_table("licence_category")
    op.drop_index("ix_licence_holder_id", table_name="licence")
    op.drop_table("licence")
    op.drop_table("holder")
