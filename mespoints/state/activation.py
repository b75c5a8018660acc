"""Activation link, and « Recevoir un nouveau lien »."""

from __future__ import annotations

import reflex as rx

from mespoints.db.engine import get_engine
from mespoints.services import accounts
from mespoints.services.clock import utcnow


class ActivationState(rx.State):
    # "activated", "expired", "invalid" or "licence_taken"
    result: str = ""
    _last_token: str = ""

    @rx.event
    def on_load(self) -> None:
        token = self.router.url.query_parameters.get("jeton", "")
        if token and token == self._last_token:
            return  # a reload of the same link keeps the first answer
        self._last_token = token
        status = accounts.activate(engine=get_engine(), token=token, now=utcnow()).status
        self.result = "activated" if status == accounts.Status.DONE else str(status)
