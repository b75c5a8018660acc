"""Alembic environment: runs on the connection handed over by mespoints.db.migrate."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import mespoints.db.tables  # noqa: F401  (registers every table on SQLModel.metadata)
from mespoints.db.engine import make_engine

config = context.config
target_metadata = SQLModel.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run()
