"""How long the points engine takes for one licence with 10, 100 and 1,000 events.

Run: .venv/bin/python -m bench.bench_engine
Goals: t(100) under 2 ms, and t(1000)/t(100) at most 12 (the engine is linear up to a log factor).
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
import timeit

from mespoints.domain.points import assess
from mespoints.domain.records import Event, Infraction, LicenceFacts, Stage

ISSUED_ON = dt.date(1960, 1, 4)
GOAL_T100_SECONDS = 0.002
GOAL_RATIO = 12.0
# One cycle of four years: four infractions and a stage within a year, then three quiet years, so every
# rule keeps working (withdrawals, letters 48/48M, six-month restorations, stages, full restorations).
_CYCLE: tuple[tuple[int, str, int], ...] = (
    (0, "C3", 1),
    (70, "C4", 2),
    (140, "stage", 0),
    (230, "C3", 1),
    (300, "C4", 3),
)
_CYCLE_DAYS = 4 * 365


def licence_with(event_count: int) -> LicenceFacts:
    """A definitive licence with `event_count` events that never reaches 0 points."""
    events: list[Event] = []
    for index in range(event_count):
        cycle, position = divmod(index, len(_CYCLE))
        offset, offence_class, points = _CYCLE[position]
        day = ISSUED_ON + dt.timedelta(days=cycle * _CYCLE_DAYS + offset)
        if offence_class == "stage":
            events.append(Stage(f"S{index}", day))
        else:
            committed_at = dt.datetime.combine(day - dt.timedelta(days=15), dt.time(9, 30))
            events.append(Infraction(f"I{index}", committed_at, day, offence_class, points))
    events.reverse()  # the engine must not rely on the input order
    return LicenceFacts(issued_on=ISSUED_ON, events=tuple(events))


def seconds_per_assessment(counts: tuple[int, ...], rounds: int = 7) -> dict[int, float]:
    """The best time of `rounds` interleaved rounds, so a busy machine penalises no size alone."""
    # After every event of the largest licence (800 years of cycles): the engine only replays the
    # infractions the file knows on as_of, so an earlier day would measure fewer events.
    as_of = dt.date(2999, 12, 31)
    timers: dict[int, tuple[timeit.Timer, int]] = {}
    for count in counts:
        facts = licence_with(count)
        timer = timeit.Timer(functools.partial(assess, facts, as_of))
        number, _ = timer.autorange()
        timers[count] = (timer, max(1, number // 4))
    best = dict.fromkeys(counts, float("inf"))
    for _ in range(rounds):
        for count, (timer, number) in timers.items():
            best[count] = min(best[count], timer.timeit(number) / number)
    return best


def main() -> int:
    times = seconds_per_assessment((10, 100, 1000))
    for count, seconds in times.items():
        print(f"engine, {count:>5} events: {seconds * 1000:8.3f} ms")
    ratio = times[1000] / times[100]
    t100_ok = times[100] < GOAL_T100_SECONDS
    ratio_ok = ratio <= GOAL_RATIO
    print(f"t(1000)/t(100) = {ratio:.2f} (goal <= {GOAL_RATIO:g}): {'OK' if ratio_ok else 'TOO SLOW'}")
    print(
        f"t(100) = {times[100] * 1000:.3f} ms (goal < {GOAL_T100_SECONDS * 1000:g} ms): "
        f"{'OK' if t100_ok else 'TOO SLOW'}"
    )
    return 0 if t100_ok and ratio_ok else 1


if __name__ == "__main__":
    sys.exit(main())
