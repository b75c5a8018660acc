"""« Mot de passe oublié ? » and the new password page reached from the mailed link."""

from __future__ import annotations

import reflex as rx

from mespoints import routes
from mespoints.db.engine import get_engine
from mespoints.services import accounts
from mespoints.services.clock import utcnow
from mespoints.state.auth import first_error
from mespoints.state.guard import (
    BUSY_MESSAGE,
    PASSWORD_CHECKS_PER_CLIENT,
    PASSWORD_CHECKS_PER_NETWORK,
    cpu_wait,
    off_the_lock,
)
from mespoints.state.scripts import focus_on


class ResetPasswordState(rx.State):
    # "", "done", "expired", "invalid"
    link_status: str = ""
    password_error: str = ""
    confirmation_error: str = ""
    _token: str = ""
    submitting: bool = False  # state/guard.py

    @rx.event
    def on_load(self) -> None:
        self.submitting = False
        self._token = self.router.url.query_parameters.get("jeton", "")
        self.password_error = self.confirmation_error = ""
        self.link_status = str(
            accounts.check_reset_token(engine=get_engine(), token=self._token, now=utcnow())
        )

    @rx.event(background=True)
    async def submit(self, form: dict):
        """zxcvbn and argon2id outside the state's lock (state/guard.py)."""
        password = str(form.get("password", ""))
        confirmation = str(form.get("password_confirmation", ""))
        async with self:
            if self.submitting:
                return None
            self.password_error = "" if password else "Choisissez un nouveau mot de passe."
            self.confirmation_error = (
                ""
                if not password or confirmation == password
                else "Les deux mots de passe ne sont pas identiques."
            )
            if self.password_error or self.confirmation_error:
                return focus_on("password" if self.password_error else "password_confirmation")
            wait = cpu_wait(self, PASSWORD_CHECKS_PER_CLIENT, PASSWORD_CHECKS_PER_NETWORK)
            if wait is not None:
                self.password_error = accounts.too_many_attempts_message(wait)
                return focus_on("password")
            self.submitting = True
            token = self._token
        outcome = await off_the_lock(  # zxcvbn and argon2: never on the event loop
            self,
            accounts.reset_password,
            engine=get_engine(),
            token=token,
            new_password=password,
            now=utcnow(),
        )
        async with self:
            self.submitting = False
            if outcome is None:
                self.password_error = BUSY_MESSAGE
                return focus_on("password")
            if outcome.status == accounts.Status.FIELD_ERRORS:
                self.password_error = first_error(outcome.errors, "new_password")
                return focus_on("password")
            if outcome.status != accounts.Status.DONE:
                self.link_status = str(outcome.status)
                return None
            self._token = ""
        return rx.redirect(f"{routes.LOGIN}?info=reinitialise")
