"""A simulated driver speaking the portal's real protocol: Reflex's Socket.IO events over WebSocket.

What a browser does (reflex_base/.templates/web/utils/state.js, reflex/app.py EventNamespace):

- it opens a Socket.IO connection on the namespace `/_event` (engine.io path `/_event`, WebSocket
  only) with `?token=<client token>` and, in the CONNECT packet's `auth`, its first event:
  `State.hydrate_and_load` with the page's router data and the hashes of the state defaults
  compiled into the page; the server answers with deltas and runs the page's on_load, then sets
  `is_hydrated` to true;
- a client-side navigation (the driver's tabs are router links) sends `on_load_internal` with the
  new path, answered the same way;
- a form submit sends the state's handler with `{"form": {field: value}}`;
- after a login the page POSTs a one-time ticket to `/auth/session` (full page load), which sets
  the HttpOnly session cookie; the next page's socket carries that cookie in its headers (the same
  client token: the browser keeps it in sessionStorage across the tab's page loads).

Reflex 0.10 no longer marks an event's last update, so each event kind says which update ends it
(`Done`). A successful login chains `PageLoadState.post` (state/scripts.py), which the server runs
at once: the login's answer carries `PageLoadState.request`, which the page-load bridge
(assets/page_load_bridge.js) submits as a real form to `/auth/session`. `login_ticket` alone reads
the ticket: change that one function if the mechanism changes again.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import httpx
import socketio

NAMESPACE = "/_event"
ROOT = "reflex___state____state"
LOGIN_STATE = f"{ROOT}.mespoints___state___login____login_state"
DASHBOARD_STATE = f"{ROOT}.mespoints___state___dashboard____dashboard_state"
PAGE_LOAD_STATE = f"{ROOT}.mespoints___state___scripts____page_load_state"
SESSION_TICKET = "/auth/session"
HYDRATE_AND_LOAD = f"{ROOT}.hydrate_and_load"
ON_LOAD_INTERNAL = f"{ROOT}.reflex___state____on_load_internal_state.on_load_internal"
HYDRATED = "is_hydrated_rx_state_"
# Event names in an update that tell a driver something went wrong on the server.
ERROR_EVENTS = ("window_alert", "_call_function", "toast")

Update = dict[str, Any]
Done = Callable[[Update], bool]


class DriverError(Exception):
    """Something a real driver would see as a failure (refused login, no dashboard, timeout…)."""


def hydrated(update: Update) -> bool:
    """A page load or navigation is over once the root state says `is_hydrated` (set after the
    page's on_load handlers ran)."""
    return update.get("delta", {}).get(ROOT, {}).get(HYDRATED) is True


def _var(update: Update, state: str, name: str) -> Any:
    return update.get("delta", {}).get(state, {}).get(f"{name}_rx_state_")


def login_ticket(update: Update) -> str | None:
    """The one-time ticket of the page load the server asks for: in `PageLoadState.request`, which
    the bridge submits as a form to `/auth/session`."""
    request = _var(update, PAGE_LOAD_STATE, "request")
    if not isinstance(request, dict) or not str(request.get("action", "")).endswith(SESSION_TICKET):
        return None
    ticket = request.get("fields", {}).get("ticket")
    return ticket if isinstance(ticket, str) and ticket else None


def login_answered(update: Update) -> bool:
    """The login's own answer: the page load with the ticket, or a message (refusal, wait)."""
    return login_ticket(update) is not None or bool(_var(update, LOGIN_STATE, "message"))


def simulation_answered(update: Update) -> bool:
    delta = update.get("delta", {}).get(DASHBOARD_STATE, {})
    return "simulated_rx_state_" in delta or "offence_error_rx_state_" in delta


@dataclasses.dataclass
class Timings:
    """Every event's latency by kind, and the failures, for one run of the generator."""

    seconds: dict[str, list[float]] = dataclasses.field(default_factory=dict)
    errors: list[str] = dataclasses.field(default_factory=list)

    def add(self, kind: str, seconds: float) -> None:
        self.seconds.setdefault(kind, []).append(seconds)

    def count(self, kind: str) -> int:
        return len(self.seconds.get(kind, []))


@functools.cache
def initial_state_hashes() -> tuple[str, ...]:
    """What a freshly loaded page sends with its hydrate: the hashes of the state defaults compiled
    into the front end, so the server only sends what differs (reflex/state.py hydrate_and_load).
    Computed as the compiler does, from the app's states. Call it outside any event loop first:
    importing the app registers its states in a context variable that later loops inherit."""
    from reflex.state import State, _resolve_delta, state_snapshot_hashes

    import mespoints.mespoints  # noqa: F401 (registers every state of the portal)

    async def snapshot() -> dict[str, Any]:
        return await _resolve_delta(State(_reflex_internal_init=True).dict(initial=True))  # type: ignore[call-arg]

    return tuple(state_snapshot_hashes(asyncio.run(snapshot())))


@dataclasses.dataclass
class Connections:
    """HTTP clients shared by the drivers of one event loop, and the hydrate's state hashes.
    Browsers would each have their own clients, but the generator runs on the portal's cores: a
    client made per login costs it ~20 ms of CPU. No cookie jar: each driver sends its own cookie."""

    http: httpx.AsyncClient
    sockets: aiohttp.ClientSession
    hashes: list[str]  # initial_state_hashes()

    @classmethod
    @contextlib.asynccontextmanager
    async def open(cls, base_url: str, timeout: float = 30.0) -> AsyncIterator[Connections]:
        limits = httpx.Limits(max_connections=None, max_keepalive_connections=64)
        hashes = list(initial_state_hashes())
        async with (
            httpx.AsyncClient(base_url=base_url, timeout=timeout, limits=limits) as http,
            # No pool limit: each open WebSocket holds one of the session's connections.
            aiohttp.ClientSession(
                cookie_jar=aiohttp.DummyCookieJar(), connector=aiohttp.TCPConnector(limit=0)
            ) as sockets,
        ):
            yield cls(http=http, sockets=sockets, hashes=hashes)


class Driver:
    """One browser tab of one driver: a Socket.IO connection, its client token, its cookie."""

    def __init__(
        self,
        base_url: str,
        *,
        client_ip: str,
        timings: Timings,
        connections: Connections,
        timeout: float = 30.0,
    ) -> None:
        self.base_url = base_url
        self.connections = connections
        self.client_ip = client_ip  # sent as X-Forwarded-For, as the reverse proxy would
        self.timings = timings
        self.timeout = timeout
        self.token = str(uuid.uuid4())
        self.cookie = ""
        self.path = ""
        self.states: dict[str, dict[str, Any]] = {}  # the latest value of each var seen, by state
        self._socket: socketio.AsyncClient | None = None
        self._waiter: tuple[Done, asyncio.Future[Update]] | None = None

    # -- the connection ---------------------------------------------------------------------

    async def open(self, path: str, kind: str) -> None:
        """A full page load of `path`: (re)connects the socket with the boot event, waits until
        the page is hydrated and its on_load ran."""
        await self.close()
        self.path = path
        headers = {"Origin": self.base_url, "X-Forwarded-For": self.client_ip}
        if self.cookie:
            headers["Cookie"] = self.cookie
        # Through websocket_extra_options: engine.io would move a Cookie given to connect() into
        # the shared session's jar (which keeps none: every driver has its own cookie).
        socket = socketio.AsyncClient(
            reconnection=False,
            request_timeout=self.timeout,
            http_session=self.connections.sockets,
            websocket_extra_options={"headers": headers},
        )
        socket.on("event", self._on_update, namespace=NAMESPACE)
        socket.on("disconnect", self._on_disconnect, namespace=NAMESPACE)
        self._socket = socket
        boot = {"event": self._event(HYDRATE_AND_LOAD, {"hashes": self.connections.hashes})}
        await self._timed(
            kind,
            hydrated,
            socket.connect(
                f"{self.base_url}?token={self.token}",
                socketio_path="/_event",
                transports=["websocket"],
                namespaces=[NAMESPACE],
                auth=boot,
                wait_timeout=self.timeout,
            ),
        )

    async def close(self) -> None:
        socket, self._socket = self._socket, None
        if socket is not None and socket.connected:
            await socket.disconnect()

    @property
    def connected(self) -> bool:
        return self._socket is not None and self._socket.connected

    # -- what a driver does -----------------------------------------------------------------

    async def log_in(self, email: str, password: str) -> None:
        """Login page, form submit (argon2 on the server), ticket exchanged for the cookie."""
        await self.open("/connexion", "page de connexion")
        update = await self.send(
            "connexion (mot de passe)",
            f"{LOGIN_STATE}.submit",
            {"form": {"email": email, "password": password}},
            login_answered,
        )
        ticket = login_ticket(update)
        if ticket is None:
            raise DriverError(f"login refused for {email}: {_var(update, LOGIN_STATE, 'message')!r}")
        started = time.perf_counter()
        answer = await self.connections.http.post(
            SESSION_TICKET,
            data={"ticket": ticket, "suite": "/tableau-de-bord"},
            headers={"Origin": self.base_url, "X-Forwarded-For": self.client_ip},
        )
        self.connections.http.cookies.clear()  # the cookie is this driver's alone
        cookie = answer.cookies.get("mpp_session") or answer.cookies.get("__Host-mpp_session")
        if answer.status_code != 303 or not cookie:
            raise DriverError(f"ticket exchange answered {answer.status_code} without a session cookie")
        self.timings.add("échange du ticket (HTTP)", time.perf_counter() - started)
        name = "__Host-mpp_session" if answer.cookies.get("__Host-mpp_session") else "mpp_session"
        self.cookie = f"{name}={cookie}"

    async def open_dashboard(self) -> None:
        """The page load that follows the ticket's redirect: « Mon solde » with the cookie."""
        await self.open("/tableau-de-bord", "ouverture du tableau de bord")
        self._check_dashboard()

    async def switch_tab(self, path: str) -> None:
        """A click on one of the driver's tabs: a client-side navigation, its on_load."""
        self.path = path
        await self.send("changement d'onglet", ON_LOAD_INTERNAL, {}, hydrated)
        if path.startswith("/tableau-de-bord"):
            self._check_dashboard()

    async def simulate(self, offence_code: str) -> None:
        """« Et si… » on « Mon solde »: an offence taking effect on the last day allowed."""
        day = str(self.dashboard("simulation_max") or "")
        update = await self.send(
            "simulateur",
            f"{DASHBOARD_STATE}.simulate",
            {"form": {"offence": offence_code, "day": day}},
            simulation_answered,
        )
        if _var(update, DASHBOARD_STATE, "simulated") is not True:
            refusal = self.dashboard("offence_error"), self.dashboard("day_error")
            raise DriverError(f"simulation refused: {refusal}")

    # -- plumbing -----------------------------------------------------------------------------

    def dashboard(self, name: str) -> Any:
        """The latest value of one of the dashboard state's vars."""
        return self.states.get(DASHBOARD_STATE, {}).get(f"{name}_rx_state_")

    def _check_dashboard(self) -> None:
        if self.dashboard("loaded") is not True or not isinstance(self.dashboard("balance"), int):
            raise DriverError(f"no dashboard at {self.path} (session refused?)")

    def _event(self, name: str, payload: dict[str, Any]) -> dict[str, Any]:
        return {"name": name, "payload": payload, "router_data": {"pathname": self.path, "asPath": self.path}}

    async def send(self, kind: str, name: str, payload: dict[str, Any], done: Done) -> Update:
        if self._socket is None or not self._socket.connected:
            raise DriverError("the socket is closed")
        return await self._timed(
            kind, done, self._socket.emit("event", self._event(name, payload), namespace=NAMESPACE)
        )

    async def _timed(self, kind: str, done: Done, sending: Any) -> Update:
        future: asyncio.Future[Update] = asyncio.get_running_loop().create_future()
        self._waiter = (done, future)
        started = time.perf_counter()
        try:
            await sending
            update = await asyncio.wait_for(future, self.timeout)
        except (TimeoutError, socketio.exceptions.SocketIOError) as error:
            raise DriverError(f"{kind}: {error.__class__.__name__} {error}") from error
        finally:
            self._waiter = None
        self.timings.add(kind, time.perf_counter() - started)
        return update

    async def _on_update(self, update: Update) -> None:
        for state, delta in update.get("delta", {}).items():
            self.states.setdefault(state, {}).update(delta)
        for event in update.get("events", []):
            if any(marker in str(event.get("name", "")) for marker in ERROR_EVENTS):
                self.timings.errors.append(f"server error shown to a driver: {str(event)[:200]}")
        if self._waiter is not None:
            done, future = self._waiter
            if done(update) and not future.done():
                future.set_result(update)

    async def _on_disconnect(self, *_: object) -> None:
        if self._waiter is not None and not self._waiter[1].done():
            self._waiter[1].set_exception(DriverError("disconnected by the server"))
