"""Development mailbox: the outbox, readable, when no SMTP server is configured."""

from __future__ import annotations

import reflex as rx

from mespoints.db.engine import get_engine
from mespoints.services import mail
from mespoints.settings import get_settings


class MailboxState(rx.State):
    enabled: bool = False
    messages: list[dict[str, str]] = []

    @rx.event
    def on_load(self) -> None:
        self.enabled = get_settings().mailbox_enabled
        self.messages = []
        if not self.enabled:
            return
        self.messages = [
            {
                "id": str(item.id),
                "recipient": item.recipient,
                "subject": item.subject,
                "created_at": item.created_at.strftime("%d/%m/%Y %H:%M:%S UTC"),
                "text": item.text,
            }
            for item in mail.list_mailbox(engine=get_engine(), limit=30)
        ]
