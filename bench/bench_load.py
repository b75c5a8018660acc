"""Load test: simulated drivers speaking Reflex's Socket.IO protocol against the production back end
on PostgreSQL and Redis, with 1 then 2 workers (`make load`).

    .venv/bin/python -m bench.bench_load [--drivers 200] [--arrival 60] [--saturation 15]

No browser: each driver is a Socket.IO client (bench/load_client.py) doing what the pages do.
Set-up (bench/load_setup.py): a private PostgreSQL schema with a generated national file and
activated accounts sharing one known password (hashed once; every login verifies it for real), a
private Redis, the portal's back end (bench/load_server.py). Then, for GRANIAN_WORKERS=1 and 2:

1. arrival: `--drivers` drivers arrive evenly over `--arrival` seconds; each opens the login page,
   logs in (argon2id on the server), exchanges its ticket for the session cookie, opens « Mon
   solde », visits « Historique », « Prévisionnel », « Courriers », « Mes documents », comes back
   and runs the simulator, then stays connected. Latency of every event (p50/p95/p99), errors,
   memory of the workers per connected driver.
2. dashboard throughput: `--concurrency` of the connected drivers switch between the dashboard's
   tabs as fast as the server answers, for `--saturation` seconds (each switch runs the
   dashboard's on_load: session check and dashboard load).
3. login throughput: `--concurrency` new drivers log in one after the other each, for
   `--saturation` seconds.

Beside: raw argon2id verifications per second with the portal's parameters, on every core, in the
same run (the physical limit of logins), the generator's own CPU share (it runs on the same cores),
Redis commands per event, PostgreSQL statements per login and per dashboard open.

Hard goals (exit 1 when missed): during arrival, p95 of each event kind under 1 s and zero errors;
login throughput with 2 workers at least 0.7 × the raw argon2id verifications per second. The
ratio of 2-worker to 1-worker throughput (aim 1.6) is printed beside the generator's CPU share,
which caps it on a 2-core machine; it does not fail the run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import itertools
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import psutil
import redis
from sqlalchemy import Engine, event

from bench.load_client import Connections, Driver, DriverError, Timings, initial_state_hashes
from bench.load_setup import Portal, RedisTarget, drivers_database, private_redis, running_portal
from mespoints.services import accounts, dashboard, notifications, security, sessions
from mespoints.services.clock import today, utcnow

GOAL_P95_SECONDS = 1.0
GOAL_LOGIN_VS_ARGON2 = 0.7
GOAL_WORKER_RATIO = 1.6
PASSWORD = "Cheval-Basalte-Tambour-58"
TABS = (
    "/tableau-de-bord/historique",
    "/tableau-de-bord/previsionnel",
    "/tableau-de-bord/courriers",
    "/documents",
    "/tableau-de-bord",
)
DASHBOARD_TABS = ("/tableau-de-bord/historique", "/tableau-de-bord/previsionnel", "/tableau-de-bord")
OFFENCES = [code for code, _ in dashboard.offence_choices()]
# Event kinds counted for throughput (bench/load_client.py names them).
TAB = "changement d'onglet"
TICKET = "échange du ticket (HTTP)"


def client_ip(index: int) -> str:
    """A distinct public-looking address per simulated driver (the reverse proxy's X-Forwarded-For)."""
    return f"10.{(index >> 16) & 255}.{(index >> 8) & 255}.{index & 255}"


# -- what the machine does ------------------------------------------------------------------------


@dataclasses.dataclass
class Usage:
    """What a phase used: wall seconds, CPU seconds (generator, portal's workers, our Redis, the
    whole machine's busy time, other people's work included) and Redis commands."""

    wall: float = 0.0
    generator: float = 0.0
    portal: float = 0.0
    redis: float = 0.0
    machine: float = 0.0
    redis_commands: float = 0.0

    def line(self) -> str:
        cores = psutil.cpu_count() or 1
        generator, portal, redis_cpu = (
            value / self.wall for value in (self.generator, self.portal, self.redis)
        )
        return (
            f"CPU : générateur {generator:.2f} cœur ({generator / cores:.0%} de la machine), "
            f"portail {portal:.2f} cœur, Redis {redis_cpu:.2f} cœur, "
            f"machine occupée {self.machine / self.wall:.2f} / {cores} cœurs (autres travaux compris)"
        )

    @property
    def others(self) -> float:
        """Cores taken by everything else on the machine (other people's work, PostgreSQL)."""
        return max(0.0, self.machine - self.generator - self.portal - self.redis) / self.wall

    def noise(self) -> str:
        """A warning when other work took a good part of the machine during the phase."""
        cores = psutil.cpu_count() or 1
        if self.others < 0.25 * cores:
            return ""
        return (
            f"  ATTENTION : d'autres travaux ont pris {self.others:.2f} des {cores} cœurs pendant la phase ; "
            "latences et débits non représentatifs (les coûts par action restent utilisables)"
        )

    def per_action(self, actions: int) -> str:
        """The cost of one action, independent of how busy the machine was."""
        n = max(1, actions) / 1000  # milliseconds per action
        return (
            f"par action : portail {self.portal / n:.1f} ms CPU, Redis {self.redis / n:.2f} ms CPU "
            f"et {self.redis_commands / n / 1000:.1f} commandes, générateur {self.generator / n:.1f} ms CPU"
        )


class Meter:
    """CPU seconds and Redis commands used during a block."""

    def __init__(self, portal: Portal, target: RedisTarget) -> None:
        self.portal = portal
        self.target = target
        self.redis = redis.Redis.from_url(target.url)

    def info(self, section: str, field: str) -> int:
        return int(self.redis.info(section)[field])  # type: ignore[index]

    def _sample(self) -> Usage:
        own = psutil.Process().cpu_times()
        machine = psutil.cpu_times()
        return Usage(
            wall=time.monotonic(),
            generator=own.user + own.system,
            portal=self.portal.cpu_seconds(),
            redis=self.target.cpu_seconds(),
            machine=sum(machine) - machine.idle - getattr(machine, "iowait", 0.0),
            redis_commands=self.info("stats", "total_commands_processed"),
        )

    @contextlib.contextmanager
    def measure(self) -> Iterator[Usage]:
        result = Usage()
        before = self._sample()
        yield result
        after = self._sample()
        for field in dataclasses.fields(Usage):
            setattr(result, field.name, getattr(after, field.name) - getattr(before, field.name))


# -- figures ---------------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def latency_lines(timings: Timings) -> tuple[list[str], bool]:
    lines, ok = [], True
    for kind, values in timings.seconds.items():
        p95 = percentile(values, 0.95)
        fine = p95 < GOAL_P95_SECONDS
        ok &= fine
        lines.append(
            f"  {kind:<32} {len(values):5d} × p50 {percentile(values, 0.5) * 1000:7.1f} ms  "
            f"p95 {p95 * 1000:7.1f} ms  p99 {percentile(values, 0.99) * 1000:7.1f} ms  "
            f"(objectif p95 < {GOAL_P95_SECONDS * 1000:.0f} ms) {'OK' if fine else 'MANQUÉ'}"
        )
    return lines, ok


# -- the phases ------------------------------------------------------------------------------------


async def arrive(driver: Driver, email: str, offence: str) -> None:
    await driver.log_in(email, PASSWORD)
    await driver.open_dashboard()
    for path in TABS:
        await driver.switch_tab(path)
    await driver.simulate(offence)


async def guarded(timings: Timings, work: Awaitable[None], limit: float = 180.0) -> None:
    """Runs one driver's work; any failure, or no end within `limit` seconds, is an error."""
    try:
        await asyncio.wait_for(work, limit)
    except TimeoutError:
        timings.errors.append(f"a driver's work did not end within {limit:g} s")
    except DriverError as error:
        timings.errors.append(str(error))
    except Exception as error:  # noqa: BLE001 (every failure of a driver is counted, none stops the run)
        timings.errors.append(f"{error.__class__.__name__}: {error}")


async def arrival_phase(
    url: str,
    connections: Connections,
    emails: list[str],
    drivers: int,
    seconds: float,
    *,
    memory: list[tuple[int, int]] | None = None,
    portal: Portal | None = None,
) -> tuple[list[Driver], Timings]:
    """`drivers` drivers arrive evenly over `seconds`; `memory` gets (connected, RSS) samples."""
    timings = Timings()
    crowd = [
        Driver(url, client_ip=client_ip(index), timings=timings, connections=connections)
        for index in range(drivers)
    ]
    sampler = (
        asyncio.create_task(sample_memory(portal, crowd, memory))
        if memory is not None and portal is not None
        else None
    )
    started = time.monotonic()

    async def one(index: int) -> None:
        await asyncio.sleep(max(0.0, started + index * seconds / drivers - time.monotonic()))
        await guarded(timings, arrive(crowd[index], emails[index], OFFENCES[index % len(OFFENCES)]))

    await asyncio.gather(*(one(index) for index in range(drivers)))
    if sampler is not None:
        sampler.cancel()
    return crowd, timings


async def until(deadline: float, step: Callable[[int], Awaitable[None]]) -> None:
    for turn in itertools.count():
        if time.monotonic() >= deadline:
            return
        await step(turn)


async def dashboard_phase(crowd: list[Driver], concurrency: int, seconds: float) -> Timings:
    timings = Timings()
    ready = [driver for driver in crowd if driver.connected][:concurrency]
    deadline = time.monotonic() + seconds

    async def loop(driver: Driver) -> None:
        driver.timings = timings
        await until(deadline, lambda turn: guarded(timings, driver.switch_tab(DASHBOARD_TABS[turn % 3])))

    await asyncio.gather(*(loop(driver) for driver in ready))
    return timings


async def login_phase(
    url: str, connections: Connections, emails: list[str], concurrency: int, seconds: float, first_ip: int
) -> Timings:
    timings = Timings()
    deadline = time.monotonic() + seconds
    numbers = itertools.count(first_ip)

    async def loop(lane: int) -> None:
        async def step(turn: int) -> None:
            driver = Driver(url, client_ip=client_ip(next(numbers)), timings=timings, connections=connections)
            email = emails[(turn * concurrency + lane) % len(emails)]
            try:
                await guarded(timings, driver.log_in(email, PASSWORD))
            finally:
                await driver.close()

        await until(deadline, step)

    await asyncio.gather(*(loop(lane) for lane in range(concurrency)))
    return timings


@dataclasses.dataclass
class WorkersRun:
    workers: int
    arrival: Timings
    arrival_usage: Usage
    connected: int
    rss_before: int
    rss_after: int
    rss_per_client: float
    redis_memory: int
    dashboard: Timings
    dashboard_usage: Usage
    logins: Timings
    login_usage: Usage
    goals_met: bool = False

    @property
    def dashboard_rate(self) -> float:
        return self.dashboard.count(TAB) / self.dashboard_usage.wall

    @property
    def login_rate(self) -> float:
        return self.logins.count(TICKET) / self.login_usage.wall


async def sample_memory(portal: Portal, crowd: list[Driver], samples: list[tuple[int, int]]) -> None:
    """(connected drivers, workers' RSS) every second, until cancelled."""
    while True:
        samples.append((sum(driver.connected for driver in crowd), portal.workers_rss()))
        await asyncio.sleep(1)


def bytes_per_client(samples: list[tuple[int, int]]) -> float:
    """The slope of the workers' memory against connected drivers (least squares)."""
    if len({connected for connected, _ in samples}) < 2:
        return 0.0
    return statistics.linear_regression([c for c, _ in samples], [rss for _, rss in samples]).slope


async def run_with(
    workers: int, portal: Portal, target: RedisTarget, emails: list[str], args: argparse.Namespace
) -> WorkersRun:
    meter = Meter(portal, target)
    async with Connections.open(portal.url) as connections:
        # Warm-up: one driver goes through everything once (imports, pools, caches); not counted.
        warm = Driver(portal.url, client_ip=client_ip(65_000), timings=Timings(), connections=connections)
        await arrive(warm, emails[-1], OFFENCES[0])
        await warm.close()
        await asyncio.sleep(1)
        rss_before = portal.workers_rss()
        redis_before = meter.info("memory", "used_memory")
        samples: list[tuple[int, int]] = []
        with meter.measure() as arrival_usage:
            crowd, arrival = await arrival_phase(
                portal.url, connections, emails, args.drivers, args.arrival, memory=samples, portal=portal
            )
        await asyncio.sleep(2)
        connected = sum(driver.connected for driver in crowd)
        rss_after = portal.workers_rss()
        redis_memory = meter.info("memory", "used_memory") - redis_before
        with meter.measure() as dashboard_usage:
            board = await dashboard_phase(crowd, args.concurrency, args.saturation)
        pool = emails[args.drivers : -1]
        with meter.measure() as login_usage:
            logins = await login_phase(
                portal.url, connections, pool, args.concurrency, args.saturation, args.drivers
            )
        await asyncio.gather(*(driver.close() for driver in crowd), return_exceptions=True)
    return WorkersRun(
        workers=workers,
        arrival=arrival,
        arrival_usage=arrival_usage,
        connected=connected,
        rss_before=rss_before,
        rss_after=rss_after,
        rss_per_client=bytes_per_client(samples),
        redis_memory=redis_memory,
        dashboard=board,
        dashboard_usage=dashboard_usage,
        logins=logins,
        login_usage=login_usage,
    )


# -- figures measured in this process ------------------------------------------------------------


def argon2_per_second(password_hash: str, seconds: float = 4.0) -> float:
    """Raw verifications per second with the portal's context, one thread per core (argon2-cffi
    releases the GIL): the most logins this machine could ever check."""
    stop = time.monotonic() + seconds
    counts: list[int] = []

    def work() -> None:
        done = 0
        while time.monotonic() < stop:
            security.verify_password(PASSWORD, password_hash)
            done += 1
        counts.append(done)

    threads = [threading.Thread(target=work) for _ in range(psutil.cpu_count() or 1)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - started)


@contextlib.contextmanager
def counting_statements(engine: Engine) -> Iterator[list[float]]:
    """Durations of every SQL statement run on `engine` inside the block."""
    durations: list[float] = []
    starts: dict[int, float] = {}

    def before(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        starts[id(cursor)] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        durations.append(time.perf_counter() - starts.pop(id(cursor), time.perf_counter()))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield durations
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


def statements_per_action(engine: Engine, email: str, samples: int = 20) -> dict[str, tuple[float, float]]:
    """(statements, their milliseconds) per login and per dashboard open, as the handlers run them:
    authenticate + redeem_login_ticket; the dashboard page's on_load chain."""
    figures: dict[str, tuple[float, float]] = {}
    logins: list[list[float]] = []
    opens: list[list[float]] = []
    for _ in range(samples):
        with counting_statements(engine) as durations:
            outcome = accounts.authenticate(
                engine=engine, email=email, password=PASSWORD, ip="10.255.0.1", now=utcnow()
            )
            assert outcome.ticket is not None, outcome.message
            session_id = sessions.redeem_login_ticket(engine=engine, ticket=outcome.ticket, now=utcnow())
        logins.append(durations)
        with counting_statements(engine) as durations:
            # A private page's on_load chain: NotificationState.refresh_unread (template.py), then
            # DashboardState.on_load; each resolves the session.
            info = sessions.resolve_session(engine=engine, session_id=session_id, now=utcnow())
            assert info is not None and info.licence_number is not None
            notifications.unread_count(engine=engine, account_id=info.account_id)
            info = sessions.resolve_session(engine=engine, session_id=session_id, now=utcnow())
            assert info is not None and info.licence_number is not None
            dashboard.load_dashboard(engine=engine, licence_number=info.licence_number, as_of=today())
        opens.append(durations)
    for name, runs in (("connexion", logins), ("ouverture du tableau de bord", opens)):
        figures[name] = (
            sum(len(run) for run in runs) / len(runs),
            sum(sum(run) for run in runs) / len(runs) * 1000,
        )
    return figures


# -- the report ------------------------------------------------------------------------------------


def report_run(run: WorkersRun, args: argparse.Namespace) -> bool:
    print(f"\n--- {run.workers} worker(s) (GRANIAN_WORKERS={run.workers}) ---")
    print(f"Arrivée de {args.drivers} conducteurs en {args.arrival:g} s, puis connectés :")
    lines, fast = latency_lines(run.arrival)
    print("\n".join(lines))
    errors = len(run.arrival.errors)
    print(f"  erreurs : {errors} (objectif 0) {'OK' if errors == 0 else 'MANQUÉ'}")
    for error in run.arrival.errors[:5]:
        print(f"    - {error}")
    print(f"  connectés à la fin : {run.connected} / {args.drivers}")
    usage = run.arrival_usage
    pages = run.arrival.count("ouverture du tableau de bord") + run.arrival.count(TAB)
    print(
        f"  débit offert : {run.arrival.count(TICKET) / usage.wall:.1f} connexions/s, "
        f"{pages / usage.wall:.1f} ouvertures de pages/s ; {usage.line()}"
    )
    events = sum(len(values) for values in run.arrival.seconds.values())
    print(f"  {usage.redis_commands / max(1, events):.1f} commandes Redis par événement")
    print(f"  parcours complet d'un conducteur, {usage.per_action(args.drivers)}")
    if usage.noise():
        print(usage.noise())
    per_client = (run.rss_after - run.rss_before) / max(1, run.connected)
    print(
        f"  mémoire : workers {run.rss_before / 2**20:.0f} → {run.rss_after / 2**20:.0f} Mio (RSS), "
        f"{per_client / 1024:.0f} Kio par conducteur connecté (pente {run.rss_per_client / 1024:.0f} Kio) ; "
        f"Redis +{run.redis_memory / max(1, run.connected) / 1024:.1f} Kio par conducteur"
    )
    for title, timings, usage, rate, unit in (
        (
            "tableaux de bord (changements d'onglet sans pause)",
            run.dashboard,
            run.dashboard_usage,
            run.dashboard_rate,
            "ouvertures/s",
        ),
        ("connexions (sans pause)", run.logins, run.login_usage, run.login_rate, "connexions/s"),
    ):
        actions = timings.count(TAB if timings is run.dashboard else TICKET)
        print(f"Débit des {title}, {args.concurrency} conducteurs :")
        print(f"  {rate:.1f} {unit}, {len(timings.errors)} erreur(s) ; {usage.line()}")
        print(f"  {usage.per_action(actions)}")
        if usage.noise():
            print(usage.noise())
        print("\n".join(latency_lines(timings)[0]))
        for error in timings.errors[:3]:
            print(f"    - {error}")
    return (
        fast
        and errors == 0
        and run.connected == args.drivers
        and not run.dashboard.errors
        and not run.logins.errors
    )


def report(
    runs: list[WorkersRun],
    raw_argon2: float,
    statements: dict[str, tuple[float, float]],
    args: argparse.Namespace,
) -> bool:
    ok = all(run.goals_met for run in runs)
    print("\n--- Synthèse ---")
    cores = psutil.cpu_count() or 1
    print(
        f"argon2id brut ({security.current_argon2_cost()}), {cores} fils : {raw_argon2:.1f} vérifications/s "
        f"({1000 * cores / raw_argon2:.0f} ms de cœur chacune)"
    )
    for name, (count, milliseconds) in statements.items():
        print(
            f"PostgreSQL par {name} : {count:.1f} requêtes, {milliseconds:.1f} ms (mesuré dans ce processus)"
        )
    by_workers = {run.workers: run for run in runs}
    best = by_workers.get(2) or runs[-1]
    share = best.login_rate / raw_argon2
    fine = share >= GOAL_LOGIN_VS_ARGON2
    ok &= fine
    print(
        f"connexions/s avec {best.workers} worker(s) : {best.login_rate:.1f} = {share:.2f} × argon2id brut "
        f"(objectif ≥ {GOAL_LOGIN_VS_ARGON2}) {'OK' if fine else 'MANQUÉ'}"
    )
    if 1 in by_workers and 2 in by_workers:
        one, two = by_workers[1], by_workers[2]
        for name, first, second, usage in (
            ("tableaux de bord", one.dashboard_rate, two.dashboard_rate, two.dashboard_usage),
            ("connexions", one.login_rate, two.login_rate, two.login_usage),
        ):
            ratio = second / first if first else 0.0
            reached = "atteint" if ratio >= GOAL_WORKER_RATIO else "non atteint"
            print(
                f"débit 2 workers / 1 worker, {name} : {second:.1f} / {first:.1f} = {ratio:.2f} "
                f"(visé {GOAL_WORKER_RATIO}, indicatif : {reached}) ; "
                f"générateur {usage.generator / usage.wall:.2f} cœur, "
                f"autres travaux {usage.others:.2f} cœur, sur {cores}"
            )
    print("Chiffres bruités quand d'autres travaux occupent la machine (ligne « machine occupée »).")
    print("RÉSULTAT :", "objectifs atteints" if ok else "OBJECTIF MANQUÉ")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drivers", type=int, default=200)
    parser.add_argument("--arrival", type=float, default=60.0, help="seconds over which drivers arrive")
    parser.add_argument("--saturation", type=float, default=15.0, help="seconds of each throughput phase")
    parser.add_argument("--concurrency", type=int, default=16, help="drivers of each throughput phase")
    parser.add_argument("--licences", type=int, default=20_000)
    parser.add_argument("--workers", default="1,2", help="worker counts to run, e.g. 2 or 1,2")
    args = parser.parse_args(argv)
    initial_state_hashes()  # the app's states, registered outside the runs' event loops
    password_hash = security.hash_password(PASSWORD)  # once: every account shares it
    raw_argon2 = argon2_per_second(password_hash)
    print(f"argon2id brut : {raw_argon2:.1f} vérifications/s sur {psutil.cpu_count()} cœurs", flush=True)
    runs: list[WorkersRun] = []
    logs = Path(tempfile.mkdtemp(prefix="load-logs-"))
    accounts_needed = args.drivers + 400
    with (
        private_redis() as target,
        drivers_database(
            licences=max(args.licences, accounts_needed),
            accounts=accounts_needed,
            password_hash=password_hash,
        ) as database,
    ):
        statements = statements_per_action(database.engine, database.emails[-2])
        for workers in [int(value) for value in args.workers.split(",")]:
            if target.process is not None:  # our own Redis only, never a shared one
                redis.Redis.from_url(target.url).flushall()
            log = logs / f"portal-{workers}.log"
            print(f"\n{workers} worker(s) : démarrage du portail (journal {log})…", flush=True)
            with running_portal(
                workers=workers, database_url=database.url, redis_url=target.url, log=log
            ) as portal:
                run = asyncio.run(run_with(workers, portal, target, database.emails, args))
            run.goals_met = report_run(run, args)  # printed at once: a later failure keeps these figures
            runs.append(run)
            spent = run.arrival_usage.wall + run.dashboard_usage.wall + run.login_usage.wall
            print(f"{workers} worker(s) : terminé en {spent:.0f} s", flush=True)
    return 0 if report(runs, raw_argon2, statements, args) else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
