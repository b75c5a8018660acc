"""The load generator against the real production back end on PostgreSQL and Redis, with a handful
of drivers: every step a driver takes succeeds and shows what the server computed. (The figures
and their goals are `make load`'s business, not a test's.)"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from bench import bench_load
from bench.load_client import Connections, Driver, DriverError, Timings, initial_state_hashes
from bench.load_setup import POSTGRES_URL, drivers_database, running_portal
from mespoints.db.engine import make_engine
from mespoints.services import dashboard, security
from mespoints.services.clock import today
from tests.conftest import _unavailable


@pytest.fixture(scope="module")
def database():
    admin = make_engine(POSTGRES_URL)
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 (any connection failure means "not here")
        _unavailable("PostgreSQL at " + POSTGRES_URL, error)
    finally:
        admin.dispose()
    password_hash = security.hash_password(bench_load.PASSWORD)
    with drivers_database(licences=40, accounts=12, password_hash=password_hash) as created:
        yield created


@pytest.fixture(scope="module")
def portal(database, redis_url, tmp_path_factory):
    initial_state_hashes()  # outside the tests' event loops (see its docstring)
    log = tmp_path_factory.mktemp("load") / "portal.log"
    with running_portal(workers=1, database_url=database.url, redis_url=redis_url, log=log) as started:
        yield started


def test_arriving_drivers_log_in_see_their_own_balance_and_stay_connected(database, portal):
    async def arrive():
        async with Connections.open(portal.url) as connections:
            return await arrive_with(connections)

    async def arrive_with(connections):
        crowd, timings = await bench_load.arrival_phase(portal.url, connections, database.emails, 3, 1.0)
        await asyncio.sleep(0.5)
        connected = [driver.connected for driver in crowd]
        for driver in crowd:
            await driver.close()
        return crowd, timings, connected

    crowd, timings, connected = asyncio.run(arrive())
    assert timings.errors == []
    assert connected == [True, True, True]
    for index, driver in enumerate(crowd):
        with database.engine.connect() as connection:
            number = connection.execute(
                text("SELECT licence_number FROM account WHERE email = :email"),
                {"email": database.emails[index]},
            ).scalar_one()
        expected = dashboard.load_dashboard(engine=database.engine, licence_number=number, as_of=today())
        assert expected is not None
        assert driver.dashboard("balance") == expected.balance
        assert driver.dashboard("simulated") is True
    for kind in ("connexion (mot de passe)", "échange du ticket (HTTP)", "ouverture du tableau de bord"):
        assert timings.count(kind) == 3, kind
    assert timings.count(bench_load.TAB) == 3 * len(bench_load.TABS)


def test_the_throughput_phases_count_real_logins_and_dashboard_opens(database, portal):
    async def phases():
        async with Connections.open(portal.url) as connections:
            return await phases_with(connections)

    async def phases_with(connections):
        crowd, arrival = await bench_load.arrival_phase(portal.url, connections, database.emails[3:], 2, 0.5)
        board = await bench_load.dashboard_phase(crowd, 2, 2.0)
        logins = await bench_load.login_phase(
            portal.url, connections, database.emails[5:11], 2, 2.0, first_ip=100
        )
        connected = [driver.connected for driver in crowd]
        for driver in crowd:
            await driver.close()
        return arrival, board, logins, connected

    arrival, board, logins, connected = asyncio.run(phases())
    assert arrival.errors == board.errors == logins.errors == []
    assert connected == [True, True]
    assert board.count(bench_load.TAB) >= 2
    assert logins.count(bench_load.TICKET) >= 2


def test_a_wrong_password_is_an_error_of_the_run(database, portal):
    async def wrong() -> Driver:
        async with Connections.open(portal.url) as connections:
            driver = Driver(portal.url, client_ip="10.9.9.9", timings=Timings(), connections=connections)
            try:
                await driver.log_in(database.emails[11], "pas-le-bon-mot-de-passe")
            finally:
                await driver.close()
            return driver

    with pytest.raises(DriverError, match="login refused"):
        asyncio.run(wrong())
