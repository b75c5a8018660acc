"""Shared fixtures: a migrated database on SQLite, and on PostgreSQL when it answers.

PostgreSQL tests skip with a clear reason on a machine without the server, but are
required when CI=true: there a missing server fails the run instead of skipping.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import Engine, text

from mespoints.db import migrate
from mespoints.db.engine import make_engine

POSTGRES_URL = os.environ.get(
    "MESPOINTS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
FAULTS = Path(__file__).resolve().parent / "faults"
REDIS_URL = os.environ.get("MESPOINTS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

# Property tests check results, not speed (benchmarks do: `make bench`): no per-example deadline,
# which a busy machine overran (hypothesis' default 200 ms) and failed a correct test.
settings.register_profile("mespoints", deadline=None)
settings.load_profile("mespoints")


def _unavailable(what: str, error: Exception) -> None:
    reason = f"{what} does not answer ({error.__class__.__name__}: {error})"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; it is required when CI=true")
    pytest.skip(reason)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """tests/faults stops and starts servers: it runs only when named (`make faults`)."""
    if collection_path == FAULTS and not any(str(FAULTS) in str(Path(arg).resolve()) for arg in config.args):
        return True
    return None


@pytest.fixture
def sqlite_engine(tmp_path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_engine() -> Iterator[Engine]:
    """A migrated, private schema in the test database, dropped afterwards."""
    schema = f"t_{secrets.token_hex(6)}"
    admin = make_engine(POSTGRES_URL)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:  # noqa: BLE001 (any connection failure means "not here")
        admin.dispose()
        _unavailable("PostgreSQL at " + POSTGRES_URL, error)
    separator = "&" if "?" in POSTGRES_URL else "?"
    engine = make_engine(f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}")
    try:
        migrate.upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request) -> Engine:
    """The same test on SQLite and on PostgreSQL."""
    return request.getfixturevalue(
        {"sqlite": "sqlite_engine", "postgresql": "postgres_engine"}[request.param]
    )


@pytest.fixture(scope="session")
def redis_url() -> str:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except Exception as error:  # noqa: BLE001
        _unavailable("Redis at " + REDIS_URL, error)
    finally:
        client.close()
    return REDIS_URL
