"""The one reader of a licence and its events: the dashboard, the command line, the documents and
the alerts all read a licence here.

One round trip for the licence, its holder and its events (an outer join through SQLAlchemy Core:
the dashboard opens on every login, and ORM queries cost several times more on PostgreSQL), and a
second one for its categories only when asked (the documents show them, the dashboard does not).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, select

from mespoints.db.national_file import Holder, Licence, LicenceCategory, LicenceEvent
from mespoints.domain.licence_number import normalize_licence_number
from mespoints.domain.records import Event, Infraction, LicenceFacts, Stage


@dataclass(frozen=True)
class Category:
    """A category of vehicles the licence allows (B, A2…), and since when."""

    category: str
    obtained_on: dt.date


@dataclass(frozen=True)
class LicenceRecord:
    """A licence as the national file holds it: its holder, categories (when asked) and events."""

    licence_number: str
    format: str  # "card" or "three_part"
    last_name: str
    first_names: str
    birth_date: dt.date
    updated_at: dt.datetime  # naive UTC: when the national file last changed this record
    facts: LicenceFacts
    categories: tuple[Category, ...] = ()

    @property
    def issued_on(self) -> dt.date:
        return self.facts.issued_on


_licence = Licence.__table__  # type: ignore[attr-defined]
_holder = Holder.__table__  # type: ignore[attr-defined]
_event = LicenceEvent.__table__  # type: ignore[attr-defined]
_category = LicenceCategory.__table__  # type: ignore[attr-defined]

_READ_LICENCE = (
    select(
        _licence.c.id,
        _licence.c.licence_number,
        _licence.c.format,
        _licence.c.issued_on,
        _licence.c.early_training,
        _licence.c.probationary,
        _licence.c.updated_at,
        _holder.c.last_name,
        _holder.c.first_names,
        _holder.c.birth_date,
        _event.c.event_id,
        _event.c.kind,
        _event.c.committed_at,
        _event.c.effective_on,
        _event.c.offence_class,
        _event.c.points,
        _event.c.label,
        _event.c.place,
        _event.c.completed_on,
    )
    .select_from(
        _licence.join(_holder, _holder.c.id == _licence.c.holder_id).outerjoin(
            _event, _event.c.licence_id == _licence.c.id
        )
    )
    .where(_licence.c.licence_number == bindparam("number"))
)
_READ_CATEGORIES = (
    select(_category.c.category, _category.c.obtained_on)
    .where(_category.c.licence_id == bindparam("licence_id"))
    .order_by(_category.c.obtained_on, _category.c.category)
)


def event_from_row(row: Any) -> Event:
    """The engine's event for a stored licence_event row (ORM object or Core row alike)."""
    if row.kind == "infraction":
        return Infraction(
            id=row.event_id,
            committed_at=row.committed_at,
            effective_on=row.effective_on,
            offence_class=row.offence_class,
            points=row.points,
            label=row.label,
            place=row.place,
        )
    return Stage(id=row.event_id, completed_on=row.completed_on, place=row.place)


def read_licence(
    source: Engine | Connection, licence_number: str, *, with_categories: bool = False
) -> LicenceRecord | None:
    """The licence with that number (spaces and case ignored), or None when unknown or invalid.

    `source` is an engine (a connection is opened for the read) or the caller's connection (its
    transaction sees what it has written).
    """
    number = normalize_licence_number(licence_number)
    if number is None:
        return None
    if isinstance(source, Engine):
        with source.connect() as connection:
            return _read(connection, number, with_categories)
    return _read(source, number, with_categories)


def _read(connection: Connection, number: str, with_categories: bool) -> LicenceRecord | None:
    rows = connection.execute(_READ_LICENCE, {"number": number}).all()
    if not rows:
        return None
    first = rows[0]
    # A licence without events gives one row whose event columns are NULL.
    events = sorted(
        (event_from_row(row) for row in rows if row.event_id is not None), key=lambda event: event.id
    )
    categories: tuple[Category, ...] = ()
    if with_categories:
        categories = tuple(
            Category(category=row.category, obtained_on=row.obtained_on)
            for row in connection.execute(_READ_CATEGORIES, {"licence_id": first.id})
        )
    return LicenceRecord(
        licence_number=first.licence_number,
        format=first.format,
        last_name=first.last_name,
        first_names=first.first_names,
        birth_date=first.birth_date,
        updated_at=first.updated_at,
        facts=LicenceFacts(
            issued_on=first.issued_on,
            early_training=first.early_training,
            probationary=first.probationary,
            events=tuple(events),
        ),
        categories=categories,
    )
