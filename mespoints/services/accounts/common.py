"""Small helpers the account use cases share: links, names, addresses, dates, retries."""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from babel.dates import format_datetime

from mespoints.domain import identity
from mespoints.services.clock import PARIS, paris_day
from mespoints.settings import get_settings

T = TypeVar("T")


def link(path: str, token: str | None = None) -> str:
    """An absolute link to a page of the portal (from MESPOINTS_BASE_URL, never the request)."""
    base = get_settings().base_url
    return f"{base}{path}" if token is None else f"{base}{path}?jeton={token}"


def first_name(first_names: str) -> str:
    return first_names.split()[0] if first_names.split() else first_names


def today_of(now: dt.datetime) -> dt.date:
    return get_settings().today or paris_day(now)


def paris_time_text(moment: dt.datetime) -> str:
    """« 14 h 05 le 17 mai 2025 (heure de Paris) » for a naive UTC timestamp; « le 1er juillet »."""
    local = moment.replace(tzinfo=dt.UTC).astimezone(PARIS)
    # French writes the first day of a month as an ordinal (« 1er »), every other day as a number.
    day = "1er" if local.day == 1 else str(local.day)
    clock_text = format_datetime(local, "H 'h' mm", locale="fr_FR")
    month_text = format_datetime(local, "MMMM y", locale="fr_FR")
    return f"{clock_text} le {day} {month_text} (heure de Paris)"


def normalize_email(raw: object) -> tuple[str | None, str | None]:
    """identity.validate_email, then lower case: the stored and compared form of an address."""
    value, error = identity.validate_email(raw)
    return (value.lower() if value else None), error


def lenient_email(raw: object) -> str:
    """The lookup form of what was typed in a login or request form (never an error)."""
    value, _ = normalize_email(raw)
    if value:
        return value
    return raw.strip().lower()[:1000] if isinstance(raw, str) else ""


def mask_email(email: str) -> str:
    """« j•••@e•••.fr »: enough for the owner to recognize, too little for anyone else."""
    local, _, domain = email.partition("@")
    name, dot, tld = domain.rpartition(".")
    if not dot:
        name, tld = domain, ""
    masked_domain = (name[:1] + "•••" + dot + tld) if name else domain
    return f"{local[:1]}•••@{masked_domain}"


def as_password(value: object) -> str:
    return value if isinstance(value, str) else ""
