"""The portal's notion of today: MESPOINTS_TODAY in tests and demos, else the day in Paris; and
the day in Paris of a stored timestamp, the one conversion every page, document and file name uses."""

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


def paris_day(moment: dt.datetime) -> dt.date:
    """The day in Paris of a stored timestamp (naive UTC): 2024-11-02 23:30 UTC is 3 November."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(PARIS).date()
