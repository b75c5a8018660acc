"""CPU-heavy work (argon2, zxcvbn) off the event loop, bounded and rate-limited.

Reflex runs a plain event handler on the worker's event loop: 25 ms of argon2 there stalls every
client of that worker. `run_cpu_bound` runs such work through `asyncio.to_thread`, at most
CPU_SLOTS at a time per worker (the others wait without holding a thread), so a crowd of password
submissions queues behind a few threads while simple events go on. `Window` limits how often one
client or one network may ask for such work; it is kept in memory, per worker, because what it
protects is that worker's processor. When the queue is already so long that a new job would wait
more than MAX_QUEUE_SECONDS (judged from the recent jobs' durations), `run_cpu_bound` refuses it at
once (`CpuBusy`): the user is told to try again in a few seconds instead of waiting for tens.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import math
import os
import threading
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

CPU_SLOTS = max(1, os.cpu_count() or 1)
# A job that would wait longer than this for a slot is refused at once.
MAX_QUEUE_SECONDS = 5.0
# Until measured: about one argon2id verification on a busy core.
FIRST_JOB_SECONDS = 0.1


class CpuBusy(Exception):
    """The CPU-heavy queue of this worker is already too long: try again in a few seconds."""


@dataclasses.dataclass
class _Lane:
    """The CPU_SLOTS of one event loop, how many jobs wait for them, how long a job lasts."""

    slots: asyncio.Semaphore
    waiting: int = 0
    job_seconds: float = FIRST_JOB_SECONDS  # moving average of the recent jobs

    def expected_wait(self) -> float:
        """How long a job arriving now would wait for a slot."""
        if not self.slots.locked():
            return 0.0
        return (self.waiting // CPU_SLOTS + 1) * self.job_seconds


_lanes: dict[asyncio.AbstractEventLoop, _Lane] = {}


def _lane() -> _Lane:
    loop = asyncio.get_running_loop()
    lane = _lanes.get(loop)
    if lane is None:
        lane = _lanes[loop] = _Lane(asyncio.Semaphore(CPU_SLOTS))
    return lane


async def run_cpu_bound(function: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """`function(*args, **kwargs)` in a thread, once one of the CPU_SLOTS is free; `CpuBusy` at
    once when that would take more than MAX_QUEUE_SECONDS."""
    lane = _lane()
    if lane.expected_wait() > MAX_QUEUE_SECONDS:
        raise CpuBusy
    lane.waiting += 1
    try:
        await lane.slots.acquire()
    finally:
        lane.waiting -= 1
    try:
        started = time.monotonic()
        result = await asyncio.to_thread(function, *args, **kwargs)
        lane.job_seconds = 0.8 * lane.job_seconds + 0.2 * (time.monotonic() - started)
        return result
    finally:
        lane.slots.release()


_side_lanes: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}


async def run_if_idle(
    function: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs
) -> tuple[bool, T | None]:
    """Optional work (the strength meter) in a thread of its own, one at a time per worker:
    (False, None) at once when that lane is busy, so it never queues and never takes one of the
    CPU_SLOTS that logins and password steps need."""
    loop = asyncio.get_running_loop()
    lane = _side_lanes.get(loop)
    if lane is None:
        lane = _side_lanes[loop] = asyncio.Lock()
    if lane.locked():
        return False, None
    async with lane:
        return True, await asyncio.to_thread(function, *args, **kwargs)


class Window:
    """At most `max_events` per key within `seconds` (sliding), in this process's memory."""

    def __init__(self, max_events: int, seconds: float, max_keys: int = 100_000) -> None:
        self.max_events = max_events
        self.seconds = seconds
        self.max_keys = max_keys
        self._events: collections.OrderedDict[str, collections.deque[float]] = collections.OrderedDict()
        self._lock = threading.Lock()

    def hit(self, key: str, now: float | None = None) -> int | None:
        """Counts one event and returns None, or the whole seconds to wait (nothing counted)."""
        moment = time.monotonic() if now is None else now
        with self._lock:
            times = self._events.pop(key, None) or collections.deque()
            while times and times[0] <= moment - self.seconds:
                times.popleft()
            if len(times) >= self.max_events:
                self._events[key] = times
                return max(1, math.ceil(times[0] + self.seconds - moment))
            times.append(moment)
            self._events[key] = times  # most recent last: the oldest keys are dropped first
            while len(self._events) > self.max_keys:
                self._events.popitem(last=False)
            return None


def first_wait(*waits: int | None) -> int | None:
    """The longest of the waits that apply, or None when every limit allows."""
    applying = [wait for wait in waits if wait is not None]
    return max(applying) if applying else None
