"""Deterministic national-file feeds for benchmarks and tests (interfaces.md section 4).

The same arguments always give the same bytes; records are produced one at a time, so a feed of any
size is written in constant memory.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

LAST_NAMES = (
    "MARTIN",
    "BERNARD",
    "DUBOIS",
    "THOMAS",
    "ROBERT",
    "RICHARD",
    "PETIT",
    "DURAND",
    "LEROY",
    "MOREAU",
)
FIRST_NAMES = ("Julie", "Anne", "Nicolas", "Camille", "Léa", "Hugo", "Chloé", "Louis", "Inès", "Jules")
PLACES = ("Lyon (69)", "Paris (75)", "Marseille (13)", "Lille (59)", "Nantes (44)", "Rennes (35)")
OFFENCES = (
    ("C4", 1, "Excès de vitesse inférieur à 20 km/h"),
    ("C4", 2, "Excès de vitesse de 20 à moins de 30 km/h"),
    ("C4", 3, "Franchissement de ligne continue"),
    ("C4", 4, "Excès de vitesse de 40 à moins de 50 km/h"),
    ("C3", 1, "Défaut de port de la ceinture"),
    ("C4", 6, "Feu rouge non respecté"),
    ("DELIT", 6, "Conduite sous l'empire d'un état alcoolique"),
)
_EPOCH = dt.date(1950, 1, 1)


def licence_number(index: int) -> str:
    """The licence number of the index-th generated record (12 digits, unique)."""
    return f"{100000000000 + index * 7919 % 900000000000:012d}"


def records(count: int, *, events_per_licence: int = 3, seed: int = 2024) -> Iterator[dict[str, Any]]:
    """count feed records as Python values, one at a time."""
    rng = random.Random(seed)
    for index in range(count):
        birth_date = _EPOCH + dt.timedelta(days=rng.randrange(0, 18_000))
        issued_on = birth_date + dt.timedelta(days=18 * 365 + rng.randrange(0, 8_000))
        events: list[dict[str, Any]] = []
        for number in range(events_per_licence):
            event_id = f"EV-{index:07d}-{number}"
            if number == events_per_licence - 1 and rng.random() < 0.2:
                completed_on = issued_on + dt.timedelta(days=rng.randrange(30, 6_000))
                events.append(
                    {
                        "id": event_id,
                        "kind": "stage",
                        "completed_on": completed_on.isoformat(),
                        "place": rng.choice(PLACES),
                    }
                )
                continue
            offence_class, points, label = rng.choice(OFFENCES)
            committed = dt.datetime.combine(issued_on, dt.time()) + dt.timedelta(
                days=rng.randrange(1, 6_000), minutes=rng.randrange(0, 1_440)
            )
            effective_on = committed.date() + dt.timedelta(days=rng.randrange(0, 120))
            events.append(
                {
                    "id": event_id,
                    "kind": "infraction",
                    "committed_at": committed.isoformat(),
                    "effective_on": effective_on.isoformat(),
                    "offence_class": offence_class,
                    "points": points,
                    "label": label,
                    "place": rng.choice(PLACES),
                }
            )
        categories = [{"category": "B", "obtained_on": issued_on.isoformat()}]
        if rng.random() < 0.3:
            categories.append(
                {"category": "A2", "obtained_on": (issued_on + dt.timedelta(days=400)).isoformat()}
            )
        yield {
            "licence_number": licence_number(index),
            "format": "card" if rng.random() < 0.7 else "three_part",
            "last_name": rng.choice(LAST_NAMES),
            "first_names": f"{rng.choice(FIRST_NAMES)} {rng.choice(FIRST_NAMES)}",
            "birth_date": birth_date.isoformat(),
            "issued_on": issued_on.isoformat(),
            "early_training": rng.random() < 0.2,
            "categories": categories,
            "events": events,
            "updated_at": "2024-11-02T03:00:00+00:00",
        }


def lines(count: int, *, events_per_licence: int = 3, seed: int = 2024) -> Iterator[str]:
    """The feed's JSON lines, without their newline."""
    for record in records(count, events_per_licence=events_per_licence, seed=seed):
        yield json.dumps(record, ensure_ascii=False)


def write_feed(path: Path, count: int, *, events_per_licence: int = 3, seed: int = 2024) -> Path:
    """Writes a feed of count licences to path and returns path."""
    with path.open("w", encoding="utf-8") as feed:
        for line in lines(count, events_per_licence=events_per_licence, seed=seed):
            feed.write(line)
            feed.write("\n")
    return path
