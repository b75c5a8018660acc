"""What the points engine reads about a licence: plain, immutable facts from the national file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

OffenceClass = Literal["C1", "C2", "C3", "C4", "C5", "DELIT"]
OFFENCE_CLASSES: tuple[str, ...] = ("C1", "C2", "C3", "C4", "C5", "DELIT")


@dataclass(frozen=True, slots=True)
class Infraction:
    """An offence recorded in the national file."""

    id: str
    committed_at: dt.datetime
    # The "date de réalité": the day the points are withdrawn (L223-1), never before committed_at.
    effective_on: dt.date
    offence_class: str
    points: int
    label: str = ""
    place: str = ""


@dataclass(frozen=True, slots=True)
class Stage:
    """A road-safety awareness course (stage de sensibilisation) finished on completed_on."""

    id: str
    completed_on: dt.date
    place: str = ""


Event = Infraction | Stage


@dataclass(frozen=True, slots=True)
class LicenceFacts:
    """The facts of one licence the engine needs; events in any order."""

    issued_on: dt.date
    early_training: bool = False
    # None: rule R1 decides from issued_on; True/False: the national file's override.
    probationary: bool | None = None
    events: tuple[Event, ...] = field(default_factory=tuple)
