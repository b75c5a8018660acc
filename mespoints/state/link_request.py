"""The « send me a link » forms: new activation link, forgotten password.

Same answer whether or not the address has an account (no enumeration); errors next to the field.
"""

from __future__ import annotations

import reflex as rx

from mespoints.db.engine import get_engine
from mespoints.services import accounts
from mespoints.services.clock import utcnow
from mespoints.state.auth import first_error
from mespoints.state.scripts import focus_on


class LinkRequestState(rx.State, mixin=True):
    email_error: str = ""
    message: str = ""
    sent: bool = False

    def _request(self, email: str) -> accounts.Outcome:
        raise NotImplementedError

    @rx.event
    def on_load(self) -> None:
        self.email_error = self.message = ""
        self.sent = False

    @rx.event
    def submit(self, form: dict):
        email = str(form.get("email", "")).strip()[:254]
        self.email_error = self.message = ""
        outcome = self._request(email)
        if outcome.status == accounts.Status.FIELD_ERRORS:
            self.email_error = first_error(outcome.errors, "email") or "Indiquez votre adresse électronique."
            return focus_on("email")
        if outcome.status == accounts.Status.RATE_LIMITED:
            self.message = outcome.message or ""
            return None
        self.sent = True
        return None


class ResendActivationState(LinkRequestState, rx.State):
    def _request(self, email: str) -> accounts.Outcome:
        return accounts.resend_activation(engine=get_engine(), email=email, now=utcnow())


CANCELLED_NOTICE = (
    "Le changement d'adresse électronique est annulé et toutes les sessions ouvertes sur votre "
    "compte sont fermées. Choisissez maintenant un nouveau mot de passe : quelqu'un d'autre connaît "
    "l'actuel."
)


class ForgottenPasswordState(LinkRequestState, rx.State):
    notice: str = ""

    @rx.event
    def on_load(self) -> None:
        self.email_error = self.message = ""
        self.sent = False
        info = self.router.url.query_parameters.get("info", "")
        self.notice = CANCELLED_NOTICE if info == "annule" else ""

    def _request(self, email: str) -> accounts.Outcome:
        return accounts.request_password_reset(engine=get_engine(), email=email, now=utcnow())
