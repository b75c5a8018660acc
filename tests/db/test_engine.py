"""The PostgreSQL engine meets a database that went away with a quick error, then reconnects."""

from __future__ import annotations

import socket

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from mespoints.db.engine import CONNECT_TIMEOUT_SECONDS, make_engine
from tests.conftest import POSTGRES_URL


@pytest.mark.timeout(CONNECT_TIMEOUT_SECONDS + 20)
def test_a_postgresql_connection_gives_up_after_the_connect_timeout():
    # A server that accepts the TCP connection and never answers: without the timeout, the
    # request (and /health) would wait forever; pytest-timeout fails the test then.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        engine = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:{port}/test")
        try:
            with pytest.raises(OperationalError, match="timeout"), engine.connect():
                pass
        finally:
            engine.dispose()


def test_the_pool_replaces_a_connection_the_server_killed(postgres_engine):
    # What a PostgreSQL restart does to every pooled connection: pre-ping replaces them.
    with postgres_engine.connect() as connection:
        pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    admin = make_engine(POSTGRES_URL)
    try:
        with admin.begin() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        admin.dispose()
    with postgres_engine.connect() as connection:
        assert connection.execute(text("SELECT pg_backend_pid()")).scalar_one() != pid
