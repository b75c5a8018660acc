"""Activation link, and « Recevoir un nouveau lien »."""

from __future__ import annotations

import reflex as rx

from mespoints.components.forms import focus_script
from mespoints.db.engine import get_engine
from mespoints.services import accounts
from mespoints.services.clock import utcnow
from mespoints.state.auth import first_error


class ActivationState(rx.State):
    # "activated", "expired" or "invalid"
    result: str = ""
    _last_token: str = ""

    @rx.event
    def on_load(self) -> None:
        token = self.router.url.query_parameters.get("jeton", "")
        if token and token == self._last_token:
            return  # a reload of the same link keeps the first answer
        self._last_token = token
        self.result = str(accounts.activate(engine=get_engine(), token=token, now=utcnow()))


class ResendActivationState(rx.State):
    email_error: str = ""
    message: str = ""
    sent: bool = False

    @rx.event
    def on_load(self) -> None:
        self.email_error = self.message = ""
        self.sent = False

    @rx.event
    def submit(self, form: dict):
        email = str(form.get("email", "")).strip()[:254]
        self.email_error = self.message = ""
        outcome = accounts.resend_activation(engine=get_engine(), email=email, now=utcnow())
        if outcome.status == accounts.RequestStatus.FIELD_ERRORS:
            self.email_error = first_error(outcome.errors, "email") or "Indiquez votre adresse électronique."
            return rx.call_script(focus_script("email"))
        if outcome.status == accounts.RequestStatus.RATE_LIMITED:
            self.message = outcome.message or ""
            return None
        self.sent = True
        return None
