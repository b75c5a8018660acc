"""Migrations: a fresh database gets the whole schema; upgrading again is harmless."""

from __future__ import annotations

import json

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

import mespoints.db.tables  # noqa: F401  (registers every table)
from mespoints.db import migrate
from mespoints.db.engine import make_engine
from mespoints.domain.feed import FeedLicence, parse_feed_line
from mespoints.services import national_file

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


def _to(engine, revision: str, *, down: bool = False) -> None:  # type: ignore[no-untyped-def]
    config = migrate.alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def test_the_repository_has_one_migration_head() -> None:
    heads = ScriptDirectory.from_config(migrate.alembic_config("sqlite://")).get_heads()
    assert len(heads) == 1


def test_every_table_matches_its_migrations(engine) -> None:
    # On SQLite and PostgreSQL: autogenerate finds nothing to change anywhere.
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []


def test_binding_licences_at_activation_keeps_accounts_and_mails_across_the_migration(engine) -> None:
    _to(engine, "0003", down=True)
    _seed_0003(engine)
    _to(engine, "head")

    with engine.begin() as connection:
        assert connection.execute(text("SELECT email FROM account")).scalars().all() == ["julie@exemple.fr"]
        assert connection.execute(text("SELECT kind FROM mail_outbox")).scalars().all() == ["mail"]
        # A second, pending sign-up for the same licence is now possible…
        connection.execute(text(_ACCOUNT_INSERT.format(email="autre@exemple.fr", activated="NULL")))
    # …but not a second activated account.
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text("UPDATE account SET activated_at = created_at"))

    with engine.begin() as connection:
        connection.execute(text("DELETE FROM account WHERE email = 'autre@exemple.fr'"))
    _to(engine, "0003", down=True)
    _to(engine, "head")


_ACCOUNT_INSERT = (
    "INSERT INTO account (email, password_hash, last_name, first_names, birth_date, licence_number, "
    "created_at, activated_at) VALUES ('{email}', 'x', 'MARTIN', 'Julie', '1990-05-17', 'AB12345', "
    "'2025-01-01 00:00:00', {activated})"
)


def _seed_0003(engine) -> None:  # type: ignore[no-untyped-def]
    """One licence, one activated account bound to it, one mail: what a 0003 database holds."""
    national_file.import_records(engine=engine, records=[_licence("AB12345")])
    with engine.begin() as connection:
        connection.execute(
            text(_ACCOUNT_INSERT.format(email="julie@exemple.fr", activated="'2025-01-01 00:00:00'"))
        )
        connection.execute(
            text(
                "INSERT INTO mail_outbox (created_at, recipient, subject, payload_encrypted, attempts, "
                "next_attempt_at) VALUES ('2025-01-01 00:00:00', 'julie@exemple.fr', 's', 'p', 0, "
                "'2025-01-01 00:00:00')"
            )
        )


def _licence(number: str):  # type: ignore[no-untyped-def]
    line = {
        "licence_number": number,
        "format": "card",
        "last_name": "MARTIN",
        "first_names": "Julie",
        "birth_date": "1990-05-17",
        "issued_on": "2009-06-02",
        "early_training": False,
        "categories": [{"category": "B", "obtained_on": "2009-06-02"}],
        "events": [],
        "updated_at": "2024-11-02T03:00:00+00:00",
    }
    record = parse_feed_line(json.dumps(line))
    assert isinstance(record, FeedLicence), record
    return record


def test_franceconnect_accounts_without_password_or_licence_exist_only_from_0005_on(engine) -> None:
    _to(engine, "0004", down=True)
    _to(engine, "head")
    national_file.import_records(engine=engine, records=[_licence("AB12345")])
    with engine.begin() as connection:
        connection.execute(
            text(_ACCOUNT_INSERT.format(email="julie@exemple.fr", activated="'2025-01-01 00:00:00'"))
        )
        # Opened through FranceConnect: no password; a claimed licence leaves another with none.
        connection.execute(
            text(
                "INSERT INTO account (email, password_hash, last_name, first_names, birth_date, "
                "licence_number, created_at, franceconnect_sub_hash) VALUES ('fc@exemple.fr', NULL, "
                "'MARTIN', 'Julie', '1990-05-17', NULL, '2025-01-01 00:00:00', 'abc')"
            )
        )
        account_id = connection.execute(
            text("SELECT id FROM account WHERE email = 'julie@exemple.fr'")
        ).scalar()
        connection.execute(
            text(
                "INSERT INTO account_session (session_hash, account_id, created_at, last_seen_at) "
                "VALUES ('h', :id, '2025-01-01 00:00:00', '2025-01-01 00:00:00')"
            ),
            {"id": account_id},
        )
        assert connection.execute(text("SELECT auth_method FROM account_session")).scalar() == "password"
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text("UPDATE account SET franceconnect_sub_hash = 'abc'"))
    _to(engine, "0004", down=True)
    with engine.begin() as connection:
        assert connection.execute(text("SELECT email FROM account")).scalars().all() == ["julie@exemple.fr"]
    _to(engine, "head")


def test_the_alerts_migration_keeps_accounts_and_goes_down_and_up_again(engine) -> None:
    _to(engine, "0004", down=True)
    national_file.import_records(engine=engine, records=[_licence("AB12345")])
    with engine.begin() as connection:
        connection.execute(
            text(_ACCOUNT_INSERT.format(email="julie@exemple.fr", activated="'2025-01-01 00:00:00'"))
        )
    _to(engine, "head")
    new_tables = {"alert_key", "notification", "account_preference", "job_lease"}
    assert new_tables <= set(inspect(engine).get_table_names())
    with engine.begin() as connection:
        account_id = connection.execute(text("SELECT id FROM account")).scalar_one()
        connection.execute(
            text(
                "INSERT INTO notification (account_id, created_at, title, body, link) "
                "VALUES (:a, '2025-01-02 00:00:00', 't', 'b', '/tableau-de-bord')"
            ),
            {"a": account_id},
        )
        connection.execute(
            text(
                "INSERT INTO account_preference (account_id, updated_at) VALUES (:a, '2025-01-02 00:00:00')"
            ),
            {"a": account_id},
        )
        # Mail alerts are on unless the holder turns them off.
        assert connection.execute(text("SELECT mail_alerts FROM account_preference")).scalar_one()
    _to(engine, "0004", down=True)
    assert not new_tables & set(inspect(engine).get_table_names())
    with engine.begin() as connection:
        assert connection.execute(text("SELECT email FROM account")).scalars().all() == ["julie@exemple.fr"]
    _to(engine, "head")
