"""Development mailbox: the outbox, readable, when no SMTP server is configured."""

from __future__ import annotations

import ipaddress

import reflex as rx

from mespoints.db.engine import get_engine
from mespoints.services import mail
from mespoints.settings import get_settings


def is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


class MailboxState(rx.State):
    enabled: bool = False
    messages: list[dict[str, str]] = []

    @rx.event
    def on_load(self) -> None:
        # Only a browser on this very machine: the mailbox holds working links to every account.
        client = self.router.session.client_ip or ""
        self.enabled = get_settings().mailbox_enabled and is_loopback(client)
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
