"""The load generator against the real production back end on PostgreSQL and Redis, with a handful
of drivers: every step a driver takes succeeds and shows what the server computed. (The figures
and their goals are `make load`'s business, not a test's.)"""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy import text

from bench import bench_load, load_client
from bench.load_client import (
    LOGIN_STATE,
    Connections,
    Driver,
    DriverError,
    Timings,
    initial_state_hashes,
)
from bench.load_setup import POSTGRES_URL, drivers_database, running_portal
from mespoints.db.engine import make_engine
from mespoints.services import dashboard, security
from mespoints.services.clock import today
from mespoints.state.login import SESSION_ERROR
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


def test_a_tabs_other_events_are_answered_while_its_password_waits_for_a_cpu_slot(database, portal):
    """The login's argon2 no longer holds the login state's lock in Redis (state/guard.py): with
    the worker's CPU slots taken by a crowd of logins, a simple event of the same state sent by the
    same tab right after its password is answered before the password's own answer. (When the
    lock was held during the wait, it came after: the order tells, not durations, so a slow
    machine does not matter.)"""

    async def scenario() -> dict[str, float]:
        async with Connections.open(portal.url) as connections:
            timings = Timings()

            def driver(index: int) -> Driver:
                ip = bench_load.client_ip(300 + index)
                return Driver(portal.url, client_ip=ip, timings=timings, connections=connections)

            crowd, me = [driver(index) for index in range(12)], driver(99)
            for one in [*crowd, me]:
                await one.open("/connexion", "page de connexion")
            seen: dict[str, float] = {}
            everything = asyncio.Event()
            forward = me._on_update

            async def watch(update: dict) -> None:
                if update.get("delta", {}).get(LOGIN_STATE, {}).get("message_rx_state_"):
                    seen.setdefault("password", time.perf_counter())
                if update.get("delta", {}).get(LOGIN_STATE, {}).get("notice_rx_state_") == SESSION_ERROR:
                    seen.setdefault("simple", time.perf_counter())
                if len(seen) == 2:
                    everything.set()
                await forward(update)

            assert me._socket is not None
            me._socket.on("event", watch, namespace=load_client.NAMESPACE)
            form = {"password": bench_load.PASSWORD}
            crowd_logins = [
                asyncio.create_task(
                    one.send(
                        "connexion (mot de passe)",
                        f"{LOGIN_STATE}.submit",
                        {"form": {**form, "email": database.emails[index % 11]}},
                        load_client.login_answered,
                    )
                )
                for index, one in enumerate(crowd)
            ]
            await asyncio.sleep(0.05)  # the crowd's checks hold the CPU slots, others wait
            # A wrong password: checked all the same, answered by a message in its own update.
            wrong = {"password": "pas-le-bon-mot-de-passe", "email": database.emails[10]}
            submit = me._event(f"{LOGIN_STATE}.submit", {"form": wrong})
            # The same state's simplest event: the page's on_load, with a notice to show.
            simple = {
                "name": f"{LOGIN_STATE}.on_load",
                "payload": {},
                "router_data": {"pathname": "/connexion", "asPath": "/connexion?erreur=session"},
            }
            for event in (submit, simple):
                await me._socket.emit("event", event, namespace=load_client.NAMESPACE)
            await asyncio.wait_for(everything.wait(), 60)
            await asyncio.gather(*crowd_logins)
            for one in [*crowd, me]:
                await one.close()
            assert timings.errors == []
            return seen

    seen = asyncio.run(scenario())
    assert seen["simple"] < seen["password"]
