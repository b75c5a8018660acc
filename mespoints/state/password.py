"""« Mot de passe oublié ? » and the new password page reached from the mailed link."""

from __future__ import annotations

import reflex as rx

from mespoints import routes
from mespoints.db.engine import get_engine
from mespoints.services import accounts
from mespoints.services.clock import utcnow
from mespoints.services.cpu_guard import run_cpu_bound
from mespoints.state.auth import first_error
from mespoints.state.guard import PASSWORD_CHECKS_PER_CLIENT, PASSWORD_CHECKS_PER_NETWORK, cpu_wait
from mespoints.state.scripts import focus_on


class ResetPasswordState(rx.State):
    # "", "done", "expired", "invalid"
    link_status: str = ""
    password_error: str = ""
    confirmation_error: str = ""
    _token: str = ""

    @rx.event
    def on_load(self) -> None:
        self._token = self.router.url.query_parameters.get("jeton", "")
        self.password_error = self.confirmation_error = ""
        self.link_status = str(
            accounts.check_reset_token(engine=get_engine(), token=self._token, now=utcnow())
        )

    @rx.event
    async def submit(self, form: dict):
        password = str(form.get("password", ""))
        confirmation = str(form.get("password_confirmation", ""))
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
        outcome = await run_cpu_bound(  # zxcvbn and argon2: never on the event loop
            accounts.reset_password,
            engine=get_engine(),
            token=self._token,
            new_password=password,
            now=utcnow(),
        )
        if outcome.status == accounts.Status.FIELD_ERRORS:
            self.password_error = first_error(outcome.errors, "new_password")
            return focus_on("password")
        if outcome.status != accounts.Status.DONE:
            self.link_status = str(outcome.status)
            return None
        self._token = ""
        return rx.redirect(f"{routes.LOGIN}?info=reinitialise")
