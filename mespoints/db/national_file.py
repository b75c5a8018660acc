"""The national licence file as the portal keeps it: holders, licences, categories, events.

Three shapes, as in full-stack-fastapi-template: `*Base` holds the shared fields, the `table=True`
classes are what is stored, the `*Public` classes what services hand to pages. What is accepted is the
feed record, `mespoints.domain.feed.FeedLicence`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Column, DateTime, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

LICENCE_NUMBER_LENGTH = 19


class HolderBase(SQLModel):
    last_name: str = Field(max_length=200)
    first_names: str = Field(max_length=200)
    birth_date: dt.date


class Holder(HolderBase, table=True):
    """The person a licence belongs to, as the national file names them."""

    __tablename__ = "holder"
    __table_args__ = (UniqueConstraint("source_licence_number", name="uq_holder_source_licence_number"),)

    id: int | None = Field(default=None, primary_key=True)
    # The feed carries no person identifier: a holder is known by the licence that describes them,
    # so a corrected name updates this row instead of creating another person.
    source_licence_number: str = Field(max_length=LICENCE_NUMBER_LENGTH)


class LicenceBase(SQLModel):
    licence_number: str = Field(max_length=LICENCE_NUMBER_LENGTH)
    # "card" (European credit-card format) or "three_part" (the old pink cardboard).
    format: str = Field(max_length=16)
    issued_on: dt.date
    # Apprentissage anticipé de la conduite (AAC): shorter probation (R1, R2).
    early_training: bool = False
    # None: rule R1 decides from issued_on; True/False: the national file's override.
    probationary: bool | None = None
    # When the national file last changed this record (naive UTC); the dashboard shows it.
    updated_at: dt.datetime = Field(sa_type=DateTime())


class Licence(LicenceBase, table=True):
    __tablename__ = "licence"
    __table_args__ = (
        # Also the target of account.licence_number's foreign key.
        UniqueConstraint("licence_number", name="uq_licence_licence_number"),
        CheckConstraint("format IN ('card', 'three_part')", name="ck_licence_format"),
    )

    id: int | None = Field(default=None, primary_key=True)
    holder_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("holder.id", name="fk_licence_holder_id"), nullable=False, index=True
        )
    )


class LicenceCategory(SQLModel, table=True):
    """A category of vehicles (B, A2, ...) the licence allows, and since when."""

    __tablename__ = "licence_category"

    licence_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("licence.id", name="fk_licence_category_licence_id", ondelete="CASCADE"),
            primary_key=True,
        )
    )
    category: str = Field(max_length=8, primary_key=True)
    obtained_on: dt.date


class LicenceEvent(SQLModel, table=True):
    """An infraction or a stage recorded on a licence; the feed's event id is unique per licence."""

    __tablename__ = "licence_event"
    __table_args__ = (
        UniqueConstraint("licence_id", "event_id", name="uq_licence_event_licence_id_event_id"),
        CheckConstraint("kind IN ('infraction', 'stage')", name="ck_licence_event_kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    licence_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("licence.id", name="fk_licence_event_licence_id", ondelete="CASCADE"),
            nullable=False,
        )
    )
    event_id: str = Field(max_length=64)
    kind: str = Field(max_length=16)
    # Infractions only.
    committed_at: dt.datetime | None = Field(default=None, sa_type=DateTime())
    # The "date de réalité": the day the points are withdrawn (L223-1). Infractions only.
    effective_on: dt.date | None = None
    offence_class: str | None = Field(default=None, max_length=8)
    points: int | None = None
    label: str = Field(default="", max_length=500)
    place: str = Field(default="", max_length=500)
    # Stages only.
    completed_on: dt.date | None = None


class CategoryPublic(SQLModel):
    category: str
    obtained_on: dt.date


class LicencePublic(LicenceBase):
    """A licence as the portal shows it: the licence, its holder's identity and its categories."""

    last_name: str
    first_names: str
    birth_date: dt.date
    categories: list[CategoryPublic] = Field(default_factory=list)
