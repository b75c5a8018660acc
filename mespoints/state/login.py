"""Login: email and password, then a one-time ticket exchanged for the HttpOnly session cookie."""

from __future__ import annotations

import reflex as rx

from mespoints import routes
from mespoints.db.engine import get_engine
from mespoints.services import accounts
from mespoints.services.clock import utcnow
from mespoints.state.guard import (
    BUSY_MESSAGE,
    PASSWORD_CHECKS_PER_CLIENT,
    PASSWORD_CHECKS_PER_NETWORK,
    cpu_wait,
    off_the_lock,
)
from mespoints.state.scripts import PageLoadState, focus_on

SESSION_ERROR = "Votre session a expiré ou n'est plus valable. Connectez-vous à nouveau."


class LoginState(rx.State):
    email_error: str = ""
    password_error: str = ""
    message: str = ""
    notice: str = ""
    # The password is being checked (state/guard.py): a second submit is ignored.
    submitting: bool = False

    @rx.event
    def on_load(self) -> None:
        self.email_error = self.password_error = self.message = ""
        self.submitting = False
        params = self.router.url.query_parameters
        self.notice = {
            "session": SESSION_ERROR,
            "active": "Votre compte est activé. Vous pouvez vous connecter.",
            "reinitialise": "Votre mot de passe a été modifié. Connectez-vous avec le nouveau.",
        }.get(params.get("erreur", params.get("info", "")), "")

    @rx.event(background=True)
    async def submit(self, form: dict):
        """argon2id outside the state's lock (state/guard.py): read, verify, then write."""
        email = str(form.get("email", "")).strip()[:254]
        password = str(form.get("password", ""))
        async with self:
            if self.submitting:
                return None  # a second click while the first is being checked
            self.email_error = "" if email else "Indiquez votre adresse électronique."
            self.password_error = "" if password else "Indiquez votre mot de passe."
            self.message = ""
            if self.email_error or self.password_error:
                return focus_on("email" if self.email_error else "password")
            wait = cpu_wait(self, PASSWORD_CHECKS_PER_CLIENT, PASSWORD_CHECKS_PER_NETWORK)
            if wait is not None:
                self.message = accounts.too_many_attempts_message(wait)
                return focus_on("password")
            self.submitting = True
            client_ip = self.router.session.client_ip or None
            next_path = routes.safe_next(self.router.url.query_parameters.get("suite"))
        result = await off_the_lock(  # argon2: never on the event loop, never under the lock
            self,
            accounts.authenticate,
            engine=get_engine(),
            email=email,
            password=password,
            ip=client_ip,
            now=utcnow(),
        )
        async with self:
            self.submitting = False
            if result is None:
                self.message = BUSY_MESSAGE
                return focus_on("password")
            if result.status != accounts.Status.DONE or result.ticket is None:
                self.message = result.message or accounts.MSG_INVALID_LOGIN
                return focus_on("password")
            # The one-time ticket, POSTed by a real form (never in a URL), in this same write.
            page_load = await self.get_state(PageLoadState)
            fields = {"ticket": result.ticket, "suite": next_path}
            PageLoadState.post.fn(page_load, routes.SESSION_TICKET, fields)  # type: ignore[attr-defined]
        return None
