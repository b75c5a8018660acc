"""Engine and sessions: SQLite (WAL, busy timeout, foreign keys, BEGIN IMMEDIATE) or PostgreSQL."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlmodel import Session

from mespoints.settings import get_settings

READ_ONLY = "mespoints_read_only"
# PostgreSQL: how long opening a connection may take before the request fails (503, error page).
CONNECT_TIMEOUT_SECONDS = 3


def _configure_sqlite(engine: Engine) -> None:
    # SQLAlchemy's pysqlite recipe: let SQLAlchemy, not the driver, open transactions,
    # and open write-capable ones with BEGIN IMMEDIATE so a read that turns into a write
    # waits for the lock (busy_timeout) instead of failing with "database is locked".
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # type: ignore[no-untyped-def]
        # A connection marked read-only (health check) never waits for the write lock.
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    """A new engine for this URL, configured for the portal."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # hide_parameters: a database error logged never shows an address, a hash or a name.
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 5}, hide_parameters=True
        )
        _configure_sqlite(engine)
        return engine
    # A database that went away (stopped, restarted, unreachable) is met with a quick error, so
    # /health answers 503 within seconds, and with a fresh connection once it is back: pre-ping
    # replaces the pool's dead connections instead of failing the next request with them.
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=10,
        pool_timeout=5,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS},
        hide_parameters=True,
    )


@functools.cache
def get_engine() -> Engine:
    """The process's engine, built from MESPOINTS_DATABASE_URL."""
    return make_engine(get_settings().database_url)


@contextlib.contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def read_only_connection(engine: Engine | None = None):  # type: ignore[no-untyped-def]
    """A connection for reads only: on SQLite it begins a deferred transaction (no write lock)."""
    return (engine or get_engine()).connect().execution_options(**{READ_ONLY: True})


def dialect_insert(session: Session, table: Any) -> Any:
    """The INSERT of the session's database (PostgreSQL or SQLite), which has ON CONFLICT."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def insert_ignoring_duplicates(session: Session, model: Any, values: dict[str, Any]) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True when this call inserted the row."""
    table = model.__table__
    insert = dialect_insert(session, table)
    primary = next(iter(table.primary_key.columns))
    statement = insert.values(**values).on_conflict_do_nothing().returning(primary)
    return session.execute(statement).first() is not None
