"""CPU-heavy work off the event loop (services.cpu_guard)."""

from __future__ import annotations

import asyncio
import threading
import time

from mespoints.services import cpu_guard
from mespoints.services.cpu_guard import Window, first_wait, run_cpu_bound


def test_cpu_bound_work_runs_in_another_thread_and_returns_its_result() -> None:
    def work(value: int, *, times: int) -> tuple[int, str]:
        return value * times, threading.current_thread().name

    result, thread = asyncio.run(run_cpu_bound(work, 6, times=7))
    assert result == 42 and thread != threading.main_thread().name


def test_no_more_than_the_cpu_slots_run_at_once_and_the_loop_stays_free(monkeypatch) -> None:
    monkeypatch.setattr(cpu_guard, "CPU_SLOTS", 2)
    monkeypatch.setattr(cpu_guard, "_lanes", {})
    running, most = 0, 0
    lock = threading.Lock()

    def work() -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05)
        with lock:
            running -= 1

    async def scenario() -> int:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.005)

        clock = asyncio.create_task(ticker())
        await asyncio.gather(*(run_cpu_bound(work) for _ in range(8)))
        clock.cancel()
        return ticks

    ticks = asyncio.run(scenario())
    assert most == 2
    assert ticks >= 20  # 8 × 50 ms in 2 slots = 200 ms, during which the loop kept ticking


def test_a_window_allows_so_many_events_per_key_then_says_how_long_to_wait() -> None:
    window = Window(3, 60)
    assert [window.hit("client", now=100.0 + i) for i in range(3)] == [None, None, None]
    assert window.hit("client", now=103.0) == 57
    assert window.hit("another", now=103.0) is None
    assert window.hit("client", now=160.5) is None  # the first event left the window


def test_a_window_forgets_the_oldest_keys_beyond_its_size() -> None:
    window = Window(1, 60, max_keys=2)
    for key in ("a", "b", "c"):
        assert window.hit(key, now=0.0) is None
    assert window.hit("a", now=1.0) is None  # forgotten, so allowed again
    assert window.hit("c", now=1.0) == 59


def test_the_longest_wait_applies() -> None:
    assert first_wait(None, 3, 10) == 10
    assert first_wait(None, None) is None


def test_a_job_that_would_wait_too_long_is_refused_at_once_and_the_queued_ones_still_run(monkeypatch) -> None:
    monkeypatch.setattr(cpu_guard, "CPU_SLOTS", 1)
    monkeypatch.setattr(cpu_guard, "_lanes", {})
    monkeypatch.setattr(cpu_guard, "MAX_QUEUE_SECONDS", 0.25)
    monkeypatch.setattr(cpu_guard, "FIRST_JOB_SECONDS", 0.1)

    async def scenario() -> tuple[list[object], float]:
        # One running and two waiting: a fourth would wait about 3 × 0.1 s > 0.25 s.
        queued = [asyncio.create_task(run_cpu_bound(time.sleep, 0.1)) for _ in range(3)]
        await asyncio.sleep(0.02)
        started = time.monotonic()
        try:
            await run_cpu_bound(time.sleep, 0.1)
        except cpu_guard.CpuBusy as refused:
            outcome: object = refused
        else:
            outcome = "ran"
        refused_after = time.monotonic() - started
        return [outcome, *await asyncio.gather(*queued)], refused_after

    (outcome, *results), refused_after = asyncio.run(scenario())
    assert isinstance(outcome, cpu_guard.CpuBusy)
    assert refused_after < 0.05  # at once, not after the queue
    assert results == [None, None, None]


def test_an_idle_worker_never_refuses(monkeypatch) -> None:
    monkeypatch.setattr(cpu_guard, "_lanes", {})
    monkeypatch.setattr(cpu_guard, "MAX_QUEUE_SECONDS", 0.0)
    assert asyncio.run(run_cpu_bound(lambda: 5)) == 5
