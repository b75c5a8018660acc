"""In-portal notifications (read / unread, a count in the header) and the alert preference.

Every function takes the account id the session proved; an account reads and marks only its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, func, update
from sqlmodel import col, select

from mespoints.db.alerts import AccountPreference, Notification
from mespoints.db.engine import session_scope
from mespoints.services.accounts.common import paris_time_text

# The page shows the newest ones; older ones stay in « Télécharger mes données ».
SHOWN = 50


@dataclass(frozen=True)
class NotificationRow:
    id: int
    when: str  # « 14 h 05 le 17 mai 2025 (heure de Paris) »
    title: str
    body: str
    link: str
    unread: bool


def unread_count(*, engine: Engine, account_id: int) -> int:
    with session_scope(engine) as session:
        return int(
            session.exec(
                select(func.count())
                .select_from(Notification)
                .where(col(Notification.account_id) == account_id, col(Notification.read_at).is_(None))
            ).one()
        )


def list_notifications(*, engine: Engine, account_id: int) -> list[NotificationRow]:
    """The newest notifications first."""
    with session_scope(engine) as session:
        rows = session.exec(
            select(Notification)
            .where(col(Notification.account_id) == account_id)
            .order_by(col(Notification.created_at).desc(), col(Notification.id).desc())
            .limit(SHOWN)
        ).all()
    return [
        NotificationRow(
            id=row.id or 0,
            when=paris_time_text(row.created_at),
            title=row.title,
            body=row.body,
            link=row.link,
            unread=row.read_at is None,
        )
        for row in rows
    ]


def mark_read(
    *, engine: Engine, account_id: int, now: dt.datetime, notification_id: int | None = None
) -> int:
    """Marks one notification (or all of them) of this account as read; returns how many changed."""
    statement = update(Notification).where(
        col(Notification.account_id) == account_id, col(Notification.read_at).is_(None)
    )
    if notification_id is not None:
        statement = statement.where(col(Notification.id) == notification_id)
    with session_scope(engine) as session:
        return int(session.exec(statement.values(read_at=now)).rowcount or 0)  # type: ignore[call-overload]


def mail_alerts_enabled(*, engine: Engine, account_id: int) -> bool:
    with session_scope(engine) as session:
        preference = session.get(AccountPreference, account_id)
        return True if preference is None else preference.mail_alerts


def set_mail_alerts(*, engine: Engine, account_id: int, enabled: bool, now: dt.datetime) -> None:
    """« Mon compte »: mail alerts on or off (notifications in the portal stay on)."""
    with session_scope(engine) as session:
        preference = session.get(AccountPreference, account_id)
        if preference is None:
            session.add(AccountPreference(account_id=account_id, mail_alerts=enabled, updated_at=now))
        else:
            preference.mail_alerts = enabled
            preference.updated_at = now
            session.add(preference)
