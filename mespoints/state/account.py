"""« Mon compte »: change the email, change the password, close the account."""

from __future__ import annotations

import reflex as rx

from mespoints import routes
from mespoints.db.engine import get_engine
from mespoints.domain.account_policy import (
    EMAIL_CHANGE_VALIDITY,
    FRANCECONNECT_CONFIRMATION_WINDOW,
    duration_fr,
)
from mespoints.services import accounts, notifications, sessions
from mespoints.services.clock import utcnow
from mespoints.settings import get_settings
from mespoints.state.auth import (
    current_session,
    first_error,
    holds_personal_data,
    session_id_of,
    to_login,
)
from mespoints.state.guard import (
    BUSY_MESSAGE,
    PASSWORD_CHECKS_PER_CLIENT,
    PASSWORD_CHECKS_PER_NETWORK,
    cpu_wait,
    off_the_lock,
)
from mespoints.state.notifications import show_unread
from mespoints.state.scripts import clear_fields, focus_on, post_to

EMPTY = {
    "new_email": "",
    "email_password": "",
    "current_password": "",
    "new_password": "",
    "new_password_confirmation": "",
    "close_password": "",
    "close_confirm": "",
    "mail_alerts": "",
}


@holds_personal_data
class AccountState(rx.State):
    full_name: str = ""
    email: str = ""
    licence_number: str = ""
    has_password: bool = True
    errors: dict[str, str] = EMPTY
    email_notice: str = ""
    password_notice: str = ""
    message: str = ""
    # Alerts (R223-3-1) and « Télécharger mes données ».
    mail_alerts: bool = True
    alerts_notice: str = ""
    data_export_href: str = ""
    # A password confirmation is being checked (state/guard.py): a second submit is ignored.
    submitting: bool = False
    # The password field of the form being sent, so the page shows which one is busy.
    submitting_field: str = ""

    def _session(self):  # type: ignore[no-untyped-def]
        return current_session(self)

    @rx.event
    async def on_load(self):
        self.reset()
        info = self._session()
        await show_unread(self, engine=get_engine(), account_id=info.account_id if info else None)
        if info is None:
            return to_login(routes.ACCOUNT)
        self.full_name = f"{info.first_names} {info.last_name}"
        self.email = info.email
        self.has_password = info.has_password
        self.licence_number = info.licence_number or "aucun (repris par son titulaire avec FranceConnect)"
        self.mail_alerts = notifications.mail_alerts_enabled(engine=get_engine(), account_id=info.account_id)
        self.data_export_href = get_settings().backend_route(routes.DATA_EXPORT)
        return None

    @rx.event
    def save_alerts(self, form: dict):
        info = self._session()
        if info is None:
            return to_login(routes.ACCOUNT)
        self.mail_alerts = bool(form.get("mail_alerts"))
        notifications.set_mail_alerts(
            engine=get_engine(), account_id=info.account_id, enabled=self.mail_alerts, now=utcnow()
        )
        self.alerts_notice = (
            "Préférence enregistrée : vous serez averti par courriel et dans votre espace."
            if self.mail_alerts
            else "Préférence enregistrée : vous ne recevrez plus de courriel ; les notifications restent "
            "dans votre espace."
        )
        return None

    def _fail(self, problems: dict[str, str], focus: str):
        self.errors = {**EMPTY, **problems}
        return focus_on(focus)

    def _begin(self, errors_cleared: tuple[str, ...]) -> sessions.SessionInfo | None:
        """Under the lock: the live session, with the form's messages cleared (None: none)."""
        info = self._session()
        if info is not None:
            self.errors = dict(EMPTY)
            for name in errors_cleared:
                setattr(self, name, "")
        return info

    def _busy(self, field: str):  # type: ignore[no-untyped-def]
        """Under the lock, before a password check: its field's message when this browser must
        wait (too many checks), else None with the form marked as being sent."""
        wait = cpu_wait(self, PASSWORD_CHECKS_PER_CLIENT, PASSWORD_CHECKS_PER_NETWORK)
        if wait is not None:
            return self._fail({field: accounts.too_many_attempts_message(wait)}, field)
        self.submitting = True
        self.submitting_field = field
        return None

    @rx.event(background=True)
    async def change_email(self, form: dict):
        """argon2id outside the state's lock (state/guard.py), like the other confirmations."""
        async with self:
            if self.submitting:
                return None
            info = self._begin(("email_notice", "message"))
            if info is None:
                return to_login(routes.ACCOUNT)
            if refused := self._busy("email_password"):
                return refused
        now = utcnow()
        outcome = await off_the_lock(  # argon2: never on the event loop
            self,
            accounts.request_email_change,
            engine=get_engine(),
            account_id=info.account_id,
            new_email=str(form.get("new_email", "")),
            password=str(form.get("email_password", "")),
            now=now,
            fresh_franceconnect=info.proves_identity_since(now - FRANCECONNECT_CONFIRMATION_WINDOW),
        )
        async with self:
            self.submitting = False
            if outcome is None:
                return self._fail({"email_password": BUSY_MESSAGE}, "email_password")
            if outcome.status == accounts.Status.FIELD_ERRORS:
                problems = {
                    "new_email": first_error(outcome.errors, "new_email"),
                    "email_password": first_error(outcome.errors, "password"),
                }
                return self._fail(problems, "new_email" if problems["new_email"] else "email_password")
            if outcome.status == accounts.Status.RATE_LIMITED:
                return self._fail({"email_password": outcome.message or ""}, "email_password")
            self.email_notice = (
                "Un courriel de confirmation vient d'être envoyé à la nouvelle adresse. "
                "Votre adresse actuelle reste "
                f"celle du compte tant que vous n'avez pas suivi le lien qu'il contient (valable "
                f"{duration_fr(EMAIL_CHANGE_VALIDITY)}). "
                "Un message a aussi été envoyé à votre adresse actuelle."
            )
        return None

    @rx.event(background=True)
    async def change_password(self, form: dict):
        new_password = str(form.get("new_password", ""))
        async with self:
            if self.submitting:
                return None
            info = self._begin(("password_notice", "message"))
            if info is None:
                return to_login(routes.ACCOUNT)
            if new_password and str(form.get("new_password_confirmation", "")) != new_password:
                return self._fail(
                    {"new_password_confirmation": "Les deux mots de passe ne sont pas identiques."},
                    "new_password_confirmation",
                )
            if refused := self._busy("current_password"):
                return refused
            session_id = session_id_of(self)
        outcome = await off_the_lock(
            self,
            accounts.change_password,
            engine=get_engine(),
            account_id=info.account_id,
            current_password=str(form.get("current_password", "")),
            new_password=new_password,
            current_session_id=session_id,
            now=utcnow(),
        )
        async with self:
            self.submitting = False
            if outcome is None:
                return self._fail({"current_password": BUSY_MESSAGE}, "current_password")
            if outcome.status == accounts.Status.RATE_LIMITED:
                return self._fail({"current_password": outcome.message or ""}, "current_password")
            if outcome.status == accounts.Status.FIELD_ERRORS:
                problems = {
                    "current_password": first_error(outcome.errors, "current_password"),
                    "new_password": first_error(outcome.errors, "new_password"),
                }
                return self._fail(
                    problems, "current_password" if problems["current_password"] else "new_password"
                )
            self.password_notice = "Votre mot de passe a été modifié. Vos autres sessions ont été fermées."
        return clear_fields("current_password", "new_password", "new_password_confirmation")

    @rx.event(background=True)
    async def close_account(self, form: dict):
        async with self:
            if self.submitting:
                return None
            info = self._begin(("message",))
            if info is None:
                return to_login(routes.ACCOUNT)
            if not form.get("close_confirm"):
                return self._fail(
                    {"close_confirm": "Cochez la case pour confirmer la fermeture de votre compte."},
                    "close_confirm",
                )
            if refused := self._busy("close_password"):
                return refused
        now = utcnow()
        outcome = await off_the_lock(
            self,
            accounts.close_account,
            engine=get_engine(),
            account_id=info.account_id,
            password=str(form.get("close_password", "")),
            now=now,
            fresh_franceconnect=info.proves_identity_since(now - FRANCECONNECT_CONFIRMATION_WINDOW),
        )
        async with self:
            self.submitting = False
            if outcome is None:
                return self._fail({"close_password": BUSY_MESSAGE}, "close_password")
            if outcome.status != accounts.Status.DONE:
                message = outcome.message or first_error(outcome.errors, "password")
                return self._fail({"close_password": message}, "close_password")
            self.reset()
        return post_to(routes.LOGOUT, {"ferme": "1"})


class EmailChangeConfirmState(rx.State):
    # "done", "expired", "invalid", "taken"
    result: str = ""
    _last_token: str = ""

    @rx.event
    def on_load(self) -> None:
        token = self.router.url.query_parameters.get("jeton", "")
        if token and token == self._last_token:
            return
        self._last_token = token
        self.result = str(
            accounts.confirm_email_change(engine=get_engine(), token=token, now=utcnow()).status
        )


class EmailChangeCancelState(rx.State):
    """« Ce n'était pas moi »: the page checks the link; its button cancels the change, ends every
    session and leads to « mot de passe oublié ». Opening the link alone changes nothing (mail
    scanners open links)."""

    # "", "done" (the link can be used), "expired", "invalid" or "taken"
    result: str = ""
    _token: str = ""

    @rx.event
    def on_load(self) -> None:
        self._token = self.router.url.query_parameters.get("jeton", "")
        self.result = str(accounts.check_undo_link(engine=get_engine(), token=self._token, now=utcnow()))

    @rx.event
    def confirm(self):
        outcome = accounts.cancel_email_change(engine=get_engine(), token=self._token, now=utcnow())
        self._token = ""
        if outcome.status == accounts.Status.DONE:
            self.result = ""
            return rx.redirect(f"{routes.PASSWORD_FORGOTTEN}?info=annule")
        self.result = str(outcome.status)
        return None
