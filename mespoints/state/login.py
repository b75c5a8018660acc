"""Login: email and password, then a one-time ticket exchanged for the HttpOnly session cookie."""

from __future__ import annotations

import reflex as rx

from mespoints import routes
from mespoints.db.engine import get_engine
from mespoints.services import accounts
from mespoints.services.clock import utcnow
from mespoints.services.cpu_guard import run_cpu_bound
from mespoints.state.guard import PASSWORD_CHECKS_PER_CLIENT, PASSWORD_CHECKS_PER_NETWORK, cpu_wait
from mespoints.state.scripts import focus_on, login_with_ticket

SESSION_ERROR = "Votre session a expiré ou n'est plus valable. Connectez-vous à nouveau."


class LoginState(rx.State):
    email_error: str = ""
    password_error: str = ""
    message: str = ""
    notice: str = ""

    @rx.event
    def on_load(self) -> None:
        self.email_error = self.password_error = self.message = ""
        params = self.router.url.query_parameters
        self.notice = {
            "session": SESSION_ERROR,
            "active": "Votre compte est activé. Vous pouvez vous connecter.",
            "reinitialise": "Votre mot de passe a été modifié. Connectez-vous avec le nouveau.",
        }.get(params.get("erreur", params.get("info", "")), "")

    @rx.event
    async def submit(self, form: dict):
        email = str(form.get("email", "")).strip()[:254]
        password = str(form.get("password", ""))
        self.email_error = "" if email else "Indiquez votre adresse électronique."
        self.password_error = "" if password else "Indiquez votre mot de passe."
        self.message = ""
        if self.email_error or self.password_error:
            return focus_on("email" if self.email_error else "password")
        wait = cpu_wait(self, PASSWORD_CHECKS_PER_CLIENT, PASSWORD_CHECKS_PER_NETWORK)
        if wait is not None:
            self.message = accounts.too_many_attempts_message(wait)
            return focus_on("password")
        result = await run_cpu_bound(  # argon2: never on the event loop
            accounts.authenticate,
            engine=get_engine(),
            email=email,
            password=password,
            ip=self.router.session.client_ip or None,
            now=utcnow(),
        )
        if result.status != accounts.Status.DONE or result.ticket is None:
            self.message = result.message or accounts.MSG_INVALID_LOGIN
            return focus_on("password")
        ticket = result.ticket
        next_path = routes.safe_next(self.router.url.query_parameters.get("suite"))
        return login_with_ticket(ticket, next_path)
