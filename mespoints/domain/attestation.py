"""The attestation de droits à conduire: what it attests, how long it is valid, and its code's payload.

The content travels inside the code (signed by services.attestation), so anyone can check it on the
public page without an account, and nothing about the attestation is stored. The payload is a
compact JSON array, versioned, carrying the signing key's id.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from enum import StrEnum

from mespoints.domain.points import add_months
from mespoints.domain.points_text import format_date_fr, points_fr

# Since December 2024 the State's attestation is valid four months from its issue.
VALIDITY_MONTHS = 4
PAYLOAD_VERSION = 1

FORMATS_FR = {"card": "format européen (carte de crédit)", "three_part": "format 3 volets (cartonné)"}


@dataclass(frozen=True)
class AttestedCategory:
    category: str
    obtained_on: dt.date


@dataclass(frozen=True)
class Attestation:
    """What the attestation says about the holder's right to drive, on the day it was issued."""

    licence_number: str
    format: str  # "card" or "three_part"
    last_name: str
    first_names: str
    birth_date: dt.date
    categories: tuple[AttestedCategory, ...]
    valid: bool  # the licence's status that day: valid, or invalidated (balance at zero)
    balance: int
    maximum: int
    issued_on: dt.date

    @property
    def valid_until(self) -> dt.date:
        return valid_until(self.issued_on)


def valid_until(issued_on: dt.date) -> dt.date:
    """The last day an attestation issued that day is valid."""
    return add_months(issued_on, VALIDITY_MONTHS)


def is_expired(attestation: Attestation, today: dt.date) -> bool:
    return today > attestation.valid_until


def encode(attestation: Attestation, *, key_id: str) -> bytes:
    """The bytes that are signed: [version, key id, licence, format, names, birth, categories, status,
    balance, maximum, issue day], dates as YYYY-MM-DD."""
    fields = [
        PAYLOAD_VERSION,
        key_id,
        attestation.licence_number,
        attestation.format,
        attestation.last_name,
        attestation.first_names,
        attestation.birth_date.isoformat(),
        [[category.category, category.obtained_on.isoformat()] for category in attestation.categories],
        1 if attestation.valid else 0,
        attestation.balance,
        attestation.maximum,
        attestation.issued_on.isoformat(),
    ]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def key_id_of(payload: bytes) -> str:
    """The signing key's id a payload names; ValueError when it is no payload of ours. It is read
    before the signature is checked: a crafted payload (« [[[[… » nested past Python's recursion
    limit) must give ValueError too, not an error page."""
    try:
        fields = json.loads(payload.decode("utf-8"))
    except RecursionError:
        raise ValueError("nested too deeply") from None
    if not isinstance(fields, list) or len(fields) < 2 or fields[0] != PAYLOAD_VERSION:
        raise ValueError("unknown payload")
    if not isinstance(fields[1], str):
        raise ValueError("bad key id")
    return fields[1]


def decode(payload: bytes) -> Attestation:
    """The attestation a (verified) payload holds; ValueError when malformed."""
    fields = json.loads(payload.decode("utf-8"))
    try:
        (
            version,
            _kid,
            number,
            licence_format,
            last,
            first,
            birth,
            categories,
            valid,
            balance,
            maximum,
            issued,
        ) = fields
        if version != PAYLOAD_VERSION or licence_format not in FORMATS_FR:
            raise ValueError("unknown payload")
        return Attestation(
            licence_number=str(number),
            format=str(licence_format),
            last_name=str(last),
            first_names=str(first),
            birth_date=dt.date.fromisoformat(birth),
            categories=tuple(
                AttestedCategory(category=str(name), obtained_on=dt.date.fromisoformat(day))
                for name, day in categories
            ),
            valid=bool(valid),
            balance=int(balance),
            maximum=int(maximum),
            issued_on=dt.date.fromisoformat(issued),
        )
    except (TypeError, ValueError) as error:
        raise ValueError("malformed payload") from error


class Verdict(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    NOT_AUTHENTIC = "not_authentic"


VERDICTS_FR: dict[Verdict, str] = {
    Verdict.VALID: "Cette attestation est authentique et valide.",
    Verdict.EXPIRED: "Cette attestation est authentique, mais elle est expirée.",
    Verdict.NOT_AUTHENTIC: (
        "Cette attestation n'est pas authentique : ce code n'a pas été délivré par Mes Points Permis, "
        "ou il a été modifié. Ne vous y fiez pas."
    ),
}


def status_fr(attestation: Attestation) -> str:
    return "valide" if attestation.valid else "invalidé (solde de points nul)"


def lines_fr(attestation: Attestation) -> list[tuple[str, str]]:
    """(label, value) of everything the attestation says, in French, in the order it is shown."""
    categories = ", ".join(
        f"{category.category} (depuis le {format_date_fr(category.obtained_on)})"
        for category in attestation.categories
    )
    return [
        ("Titulaire", f"{attestation.last_name} {attestation.first_names}"),
        ("Date de naissance", format_date_fr(attestation.birth_date)),
        ("Numéro de permis", attestation.licence_number),
        ("Format du permis", FORMATS_FR.get(attestation.format, attestation.format)),
        ("Catégories", categories or "aucune"),
        ("Statut du permis", status_fr(attestation)),
        ("Solde de points", f"{points_fr(attestation.balance)} sur {attestation.maximum} ce jour-là"),
        ("Délivrée le", format_date_fr(attestation.issued_on)),
        ("Valable jusqu'au", format_date_fr(attestation.valid_until)),
    ]
