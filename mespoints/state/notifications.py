"""The unread count in the header of every private page, and « Mes notifications »."""

from __future__ import annotations

import reflex as rx

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
    def refresh_unread(self) -> None:
        """Every private page's load: the count in the header (0 without a session)."""
        info = current_session(self)
        self.unread = (
            0 if info is None else notifications.unread_count(engine=get_engine(), account_id=info.account_id)
        )

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
