"""How long mailed links and sessions live: one source for the services that enforce these
windows and for the pages and mails that tell them."""

from __future__ import annotations

import datetime as dt

ACTIVATION_VALIDITY = dt.timedelta(hours=12)
PASSWORD_RESET_VALIDITY = dt.timedelta(hours=1)
EMAIL_CHANGE_VALIDITY = dt.timedelta(hours=24)
# « Ce n'était pas moi »: the link mailed to the old address when an email change is requested.
EMAIL_CHANGE_CANCEL_VALIDITY = dt.timedelta(days=7)

SESSION_IDLE_TIMEOUT = dt.timedelta(minutes=30)
SESSION_ABSOLUTE_TIMEOUT = dt.timedelta(hours=12)
LOGIN_TICKET_VALIDITY = dt.timedelta(seconds=60)
# An account without password (opened through FranceConnect) confirms a sensitive change by a
# FranceConnect login this recent.
FRANCECONNECT_CONFIRMATION_WINDOW = dt.timedelta(minutes=10)


def duration_fr(duration: dt.timedelta) -> str:
    """« 12 heures », « 1 heure », « 30 minutes », « 7 jours »: a window told from its constant."""
    minutes = int(duration.total_seconds() // 60)
    if minutes % 60:
        return f"{minutes} minute{'s' if minutes > 1 else ''}"
    hours = minutes // 60
    if hours >= 48 and hours % 24 == 0:
        return f"{hours // 24} jours"
    return f"{hours} heure{'s' if hours > 1 else ''}"


# FranceConnect: a login sent to the provider must come back within this window (state, nonce),
# and a first login must end (licence steps, claim) within the second.
FRANCECONNECT_REQUEST_VALIDITY = dt.timedelta(minutes=10)
FRANCECONNECT_IDENTITY_VALIDITY = dt.timedelta(minutes=30)
