"""The portal's notion of today: MESPOINTS_TODAY in tests and demos, else the day in Paris."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from mespoints.settings import get_settings

PARIS = ZoneInfo("Europe/Paris")


def today() -> dt.date:
    return get_settings().today or dt.datetime.now(PARIS).date()


def utcnow() -> dt.datetime:
    """Naive UTC timestamp, the form every stored timestamp uses."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
