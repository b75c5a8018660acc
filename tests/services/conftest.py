"""Fixtures of the account services' tests."""

from __future__ import annotations

import dataclasses
import re
import threading

import pytest

from mespoints.services import mail, security


@pytest.fixture
def cheap_hashing():
    """Documented test hook (security.use_argon2_cost): cheapest argon2id, production restored after."""
    previous = security.use_argon2_cost(security.TEST_COST)
    yield
    security.use_argon2_cost(previous)


@dataclasses.dataclass
class SentMail:
    to: str
    subject: str
    text: str

    @property
    def token(self) -> str:
        found = re.search(r"jeton=([A-Za-z0-9_-]+)", self.text)
        assert found, self.text
        return found.group(1)


@pytest.fixture
def outbox(monkeypatch) -> list[SentMail]:
    """Every mail the services queue, in order (the real enqueue still writes the outbox row)."""
    sent: list[SentMail] = []
    real_enqueue = mail.enqueue
    lock = threading.Lock()

    def spy(session, *, to, message, now):  # type: ignore[no-untyped-def]
        with lock:
            sent.append(SentMail(to=to, subject=message.subject, text=message.text))
        return real_enqueue(session, to=to, message=message, now=now)

    monkeypatch.setattr(mail, "enqueue", spy)
    return sent
