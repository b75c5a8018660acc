"""« Mon compte »: change the email, change the password, close the account."""

from __future__ import annotations

import reflex as rx

from mespoints import routes
from mespoints.components.forms import focus_script
from mespoints.components.text import duration_fr
from mespoints.db.engine import get_engine
from mespoints.services import accounts
from mespoints.services.clock import utcnow
from mespoints.state.auth import (
    current_session,
    first_error,
    holds_personal_data,
    post_to_script,
    session_id_of,
    to_login,
)

EMPTY = {
    "new_email": "",
    "email_password": "",
    "current_password": "",
    "new_password": "",
    "new_password_confirmation": "",
    "close_password": "",
    "close_confirm": "",
}


@holds_personal_data
class AccountState(rx.State):
    full_name: str = ""
    email: str = ""
    licence_number: str = ""
    errors: dict[str, str] = EMPTY
    email_notice: str = ""
    password_notice: str = ""
    message: str = ""

    def _session(self):  # type: ignore[no-untyped-def]
        return current_session(self)

    @rx.event
    def on_load(self):
        self.reset()
        info = self._session()
        if info is None:
            return to_login(routes.ACCOUNT)
        self.full_name = f"{info.first_names} {info.last_name}"
        self.email = info.email
        self.licence_number = info.licence_number
        return None

    def _fail(self, problems: dict[str, str], focus: str):
        self.errors = {**EMPTY, **problems}
        return rx.call_script(focus_script(focus))

    @rx.event
    def change_email(self, form: dict):
        info = self._session()
        if info is None:
            return to_login(routes.ACCOUNT)
        self.errors, self.email_notice, self.message = dict(EMPTY), "", ""
        outcome = accounts.request_email_change(
            engine=get_engine(),
            account_id=info.account_id,
            new_email=str(form.get("new_email", "")),
            password=str(form.get("email_password", "")),
            now=utcnow(),
        )
        if outcome.status == accounts.ChangeStatus.FIELD_ERRORS:
            problems = {
                "new_email": first_error(outcome.errors, "new_email"),
                "email_password": first_error(outcome.errors, "password"),
            }
            return self._fail(problems, "new_email" if problems["new_email"] else "email_password")
        if outcome.status == accounts.ChangeStatus.THROTTLED:
            return self._fail({"email_password": outcome.message or ""}, "email_password")
        self.email_notice = (
            "Un courriel de confirmation vient d'être envoyé à la nouvelle adresse. "
            "Votre adresse actuelle reste "
            f"celle du compte tant que vous n'avez pas suivi le lien qu'il contient (valable "
            f"{duration_fr(accounts.EMAIL_CHANGE_VALIDITY)})."
        )
        return None

    @rx.event
    def change_password(self, form: dict):
        info = self._session()
        if info is None:
            return to_login(routes.ACCOUNT)
        self.errors, self.password_notice, self.message = dict(EMPTY), "", ""
        new_password = str(form.get("new_password", ""))
        if new_password and str(form.get("new_password_confirmation", "")) != new_password:
            return self._fail(
                {"new_password_confirmation": "Les deux mots de passe ne sont pas identiques."},
                "new_password_confirmation",
            )
        outcome = accounts.change_password(
            engine=get_engine(),
            account_id=info.account_id,
            current_password=str(form.get("current_password", "")),
            new_password=new_password,
            current_session_id=session_id_of(self),
            now=utcnow(),
        )
        if outcome.status == accounts.ChangeStatus.THROTTLED:
            return self._fail({"current_password": outcome.message or ""}, "current_password")
        if outcome.status == accounts.ChangeStatus.FIELD_ERRORS:
            problems = {
                "current_password": first_error(outcome.errors, "current_password"),
                "new_password": first_error(outcome.errors, "new_password"),
            }
            return self._fail(
                problems, "current_password" if problems["current_password"] else "new_password"
            )
        self.password_notice = "Votre mot de passe a été modifié. Vos autres sessions ont été fermées."
        return rx.call_script("document.getElementById('form-mot-de-passe')?.reset()")

    @rx.event
    def close_account(self, form: dict):
        info = self._session()
        if info is None:
            return to_login(routes.ACCOUNT)
        self.errors, self.message = dict(EMPTY), ""
        if not form.get("close_confirm"):
            return self._fail(
                {"close_confirm": "Cochez la case pour confirmer la fermeture de votre compte."},
                "close_confirm",
            )
        outcome = accounts.close_account(
            engine=get_engine(),
            account_id=info.account_id,
            password=str(form.get("close_password", "")),
            now=utcnow(),
        )
        if outcome.status != accounts.ChangeStatus.DONE:
            message = outcome.message or first_error(outcome.errors, "password")
            return self._fail({"close_password": message}, "close_password")
        self.reset()
        return rx.call_script(post_to_script(routes.LOGOUT, {"ferme": "1"}))


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
