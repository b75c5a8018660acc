"""Migrations: a fresh database gets the whole schema; upgrading again is harmless."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import mespoints.db.tables  # noqa: F401  (registers every table)
from mespoints.db import migrate
from mespoints.db.engine import make_engine

NATIONAL_FILE_TABLES = {"holder", "licence", "licence_category", "licence_event"}


def test_upgrading_an_empty_sqlite_database_creates_the_national_file_tables(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    assert inspect(engine).get_table_names() == []
    migrate.upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert NATIONAL_FILE_TABLES | {"alembic_version"} <= tables
    engine.dispose()


def test_upgrading_twice_is_harmless(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'twice.db'}")
    migrate.upgrade(engine)
    with engine.connect() as connection:
        heads = MigrationContext.configure(connection).get_current_heads()
    migrate.upgrade(engine)
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_heads() == heads
    assert set(inspect(engine).get_table_names()) >= NATIONAL_FILE_TABLES
    engine.dispose()


def test_the_national_file_migration_matches_the_table_classes(engine) -> None:
    # On SQLite and PostgreSQL: autogenerate finds nothing to change in these tables.
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    mine = [difference for difference in differences if NATIONAL_FILE_TABLES & set(_tables_of(difference))]
    assert mine == []


def _tables_of(difference: object) -> list[str]:
    """The table names a compare_metadata entry is about (entries are tuples, or lists of tuples)."""
    if isinstance(difference, list):
        return [name for item in difference for name in _tables_of(item)]
    names = []
    for part in difference:  # type: ignore[attr-defined]
        table = getattr(part, "table", None)
        name = getattr(part, "name", None) if table is None else getattr(table, "name", None)
        if isinstance(part, str) and part in NATIONAL_FILE_TABLES:
            names.append(part)
        elif isinstance(name, str):
            names.append(name)
    return names
