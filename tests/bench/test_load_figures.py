"""The load test's arithmetic (bench/bench_load.py): what it prints must follow from what it measured."""

from __future__ import annotations

import psutil

from bench.bench_load import Usage, bytes_per_client, latency_lines, percentile
from bench.load_client import Timings


def test_memory_per_client_is_the_slope_of_the_workers_memory_against_connected_drivers():
    samples = [(0, 100_000_000), (50, 125_000_000), (100, 150_000_000), (200, 200_000_000)]
    assert bytes_per_client(samples) == 500_000


def test_memory_per_client_is_zero_when_nobody_connected_between_samples():
    assert bytes_per_client([(10, 5), (10, 9)]) == 0.0


def test_percentiles_of_latencies():
    values = [i / 100 for i in range(1, 101)]
    assert percentile(values, 0.5) == 0.51
    assert percentile(values, 0.95) == 0.96
    assert percentile(values, 0.99) == 1.0


def test_a_kind_whose_p95_reaches_one_second_misses_its_goal():
    timings = Timings()
    for _ in range(95):
        timings.add("changement d'onglet", 0.2)
    for _ in range(5):
        timings.add("changement d'onglet", 1.5)
    lines, ok = latency_lines(timings)
    assert not ok and "MANQUÉ" in lines[0]
    fast = Timings()
    fast.add("simulateur", 0.05)
    assert latency_lines(fast)[1]


def test_costs_per_action_divide_cpu_seconds_and_redis_commands():
    usage = Usage(wall=10, generator=0.5, portal=5.0, redis=0.2, machine=6.0, redis_commands=28_000)
    line = usage.per_action(1_000)
    assert "portail 5.0 ms CPU" in line and "28.0 commandes" in line and "générateur 0.5 ms" in line


def test_a_phase_is_flagged_when_other_work_took_the_machine():
    cores = psutil.cpu_count() or 1
    busy = Usage(wall=10, generator=1, portal=2, redis=0, machine=3 + 10 * cores * 0.5)
    assert "ATTENTION" in busy.noise()
    quiet = Usage(wall=10, generator=1, portal=2, redis=0, machine=3)
    assert quiet.noise() == ""


def test_make_load_runs_the_load_test_and_make_bench_includes_it():
    import os
    import subprocess
    from pathlib import Path

    from bench.__main__ import BENCHES

    root = Path(__file__).resolve().parents[2]
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MAKE", "MFLAGS"))}
    dry = subprocess.run(
        ["make", "--always-make", "-n", "load", "LOAD_ARGS=--workers 2"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    assert dry.returncode == 0, dry.stderr
    assert "-m bench.bench_load --workers 2" in dry.stdout
    assert "bench.bench_load" in BENCHES
