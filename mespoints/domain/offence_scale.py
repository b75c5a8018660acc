"""The official scale of points withdrawn and fines, for the « Et si… » simulator.

The data lives in ONE file, mespoints/data/offence_scale.json, one entry an offence, each with its
article and source (docs/law.md, « The offence scale »). The scale is dated: an entry holds one or
more versions, each in force for offences committed from its `from` day (décret 2023-1150: no point
for speeding under 5 km/h from 1 January 2024; loi 2025-622: speeding by 50 km/h or more is a délit
from 29 December 2025). Labels are shown to users, in French. Codes are stable identifiers for the
simulator's choices; never reuse one for another offence.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

SCALE_FILE = Path(__file__).resolve().parent.parent / "data" / "offence_scale.json"


@dataclass(frozen=True, slots=True)
class Fine:
    """Amounts in euros; None where the offence has none (a délit has no amende forfaitaire unless
    an amende forfaitaire délictuelle exists; a class-5 contravention has none)."""

    forfaitaire: int | None
    minoree: int | None
    majoree: int | None
    maximum: int | None  # the most a court may impose


@dataclass(frozen=True, slots=True)
class ScaleVersion:
    """The rule in force for offences committed from `from_day` (None: since before any other)."""

    from_day: dt.date | None
    offence_class: str  # C1…C5 or DELIT
    points: int  # 0 for an offence that no longer withdraws any
    fine: Fine
    note: str = ""


@dataclass(frozen=True, slots=True)
class ScaleEntry:
    code: str
    label: str  # French, shown to users
    article: str  # Code de la route article that sets it
    source: str
    suspension: bool  # a suspension of the licence may follow
    confiscation: bool  # the vehicle may be confiscated
    versions: tuple[ScaleVersion, ...]  # in date order
    note: str = ""

    def on(self, committed_on: dt.date) -> ScaleVersion:
        """The version in force for an offence committed on `committed_on`."""
        current = self.versions[0]
        for version in self.versions[1:]:
            if version.from_day is not None and version.from_day <= committed_on:
                current = version
        return current

    @property
    def current(self) -> ScaleVersion:
        return self.versions[-1]

    # The latest version's class and points: what the scale says today.
    @property
    def offence_class(self) -> str:
        return self.current.offence_class

    @property
    def points(self) -> int:
        return self.current.points


def _version(data: dict) -> ScaleVersion:
    fine = data["fine"]
    return ScaleVersion(
        from_day=dt.date.fromisoformat(data["from"]) if data["from"] else None,
        offence_class=data["offence_class"],
        points=data["points"],
        fine=Fine(fine["forfaitaire"], fine["minoree"], fine["majoree"], fine["maximum"]),
        note=data.get("note", ""),
    )


def load_scale(path: Path = SCALE_FILE) -> tuple[ScaleEntry, ...]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return tuple(
        ScaleEntry(
            code=item["code"],
            label=item["label"],
            article=item["article"],
            source=item["source"],
            suspension=item["suspension"],
            confiscation=item["confiscation"],
            versions=tuple(_version(version) for version in item["versions"]),
            note=item.get("note", ""),
        )
        for item in data["entries"]
    )


OFFENCE_SCALE: tuple[ScaleEntry, ...] = load_scale()

_BY_CODE: dict[str, ScaleEntry] = {entry.code: entry for entry in OFFENCE_SCALE}


def entry_by_code(code: str) -> ScaleEntry:
    """The scale entry with this code; KeyError for an unknown code."""
    try:
        return _BY_CODE[code]
    except KeyError:
        raise KeyError(f"unknown offence code: {code!r}") from None
