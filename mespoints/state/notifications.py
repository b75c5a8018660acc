"""The unread count in the header of every private page, and « Mes notifications ».

Each private page's own on_load sets the header's count (`show_unread`) with the session it has
just checked: one event and one session check per page load or tab switch, not two
(docs/capacite.md).
"""

from __future__ import annotations

import reflex as rx
from sqlalchemy import Engine

from mespoints import routes
from mespoints.db.engine import get_engine
from mespoints.services import notifications
from mespoints.services.clock import utcnow
from mespoints.services.notifications import NotificationRow
from mespoints.state.auth import current_session, holds_personal_data, to_login


@holds_personal_data
class NotificationState(rx.State):
    unread: int = 0
    loaded: bool = False
    rows: rx.Field[list[NotificationRow]] = rx.field(default_factory=list)

    @rx.event
    def on_load(self):
        self.reset()
        info = current_session(self)
        if info is None:
            return to_login(routes.NOTIFICATIONS)
        self._load(info.account_id)
        return None

    def _load(self, account_id: int) -> None:
        self.rows = notifications.list_notifications(engine=get_engine(), account_id=account_id)
        self.unread = notifications.unread_count(engine=get_engine(), account_id=account_id)
        self.loaded = True

    @rx.event
    def mark_read(self, notification_id: int):
        info = current_session(self)
        if info is None:
            self.reset()
            return to_login(routes.NOTIFICATIONS)
        notifications.mark_read(
            engine=get_engine(),
            account_id=info.account_id,
            now=utcnow(),
            notification_id=int(notification_id),
        )
        self._load(info.account_id)
        return None

    @rx.event
    def mark_all_read(self):
        info = current_session(self)
        if info is None:
            self.reset()
            return to_login(routes.NOTIFICATIONS)
        notifications.mark_read(engine=get_engine(), account_id=info.account_id, now=utcnow())
        self._load(info.account_id)
        return None


async def show_unread(state: rx.State, *, engine: Engine, account_id: int | None) -> None:
    """The header's count, from a private page's on_load (0 without a session)."""
    header = await state.get_state(NotificationState)
    if account_id is None:
        header.unread = 0
    else:
        header.unread = notifications.unread_count(engine=engine, account_id=account_id)
