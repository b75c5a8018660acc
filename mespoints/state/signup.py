"""Sign-up wizard: six steps, each validated on « Suivant », kept on reload (never the password).

The password is hashed as soon as step 3 accepts it: the wizard's state (kept on disk or in
Redis between events) only ever holds the argon2id hash, never the password itself. The policy
check (zxcvbn) and the hash (argon2) run in a thread (services.cpu_guard), never on the event
loop, and each client and each network may ask for them only so often.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from mespoints import routes
from mespoints.db.engine import get_engine
from mespoints.domain import identity, password_policy
from mespoints.domain.licence_format import LICENCE_FORMATS
from mespoints.domain.licence_number import normalize_licence_number
from mespoints.services import accounts, security
from mespoints.services.clock import today, utcnow
from mespoints.services.cpu_guard import Window, run_if_idle
from mespoints.state.guard import BUSY_MESSAGE, cpu_wait, off_the_lock
from mespoints.state.scripts import focus_on

STEP_TITLES = (
    "Identité",
    "Adresse électronique",
    "Mot de passe",
    "Format du permis",
    "Numéro de permis",
    "Conditions générales",
)
LAST_STEP = len(STEP_TITLES)
# « Mot de passe », the one slow step: its password is checked (zxcvbn) and hashed (argon2).
PASSWORD_STEP = 3
# Form field names, in page order; they are also the HTML ids the labels point at.
FIELDS_BY_STEP = {
    1: ("nom", "prenoms", "date_naissance"),
    2: ("email",),
    3: ("password", "password_confirmation"),
    4: ("format",),
    5: ("numero_permis",),
    6: ("cgu",),
}
EMPTY_ERRORS = {name: "" for names in FIELDS_BY_STEP.values() for name in names}
PASSWORD_AGAIN = "Pour votre sécurité, saisissez à nouveau votre mot de passe."
RADIO_ID = {"card": "format-card", "three_part": "format-three_part"}
# How often one browser / one network may have a password checked and hashed (step 3)…
PASSWORD_STEP_PER_CLIENT = Window(10, 60)
PASSWORD_STEP_PER_NETWORK = Window(60, 60)
# …and measured by the strength meter (debounced by the page; a fast typist stays below).
METER_PER_CLIENT = Window(20, 10)
METER_PER_NETWORK = Window(50, 10)
IDENTITY_FIELDS = {"last_name": "nom", "first_names": "prenoms", "birth_date": "date_naissance"}


def _check_and_hash(  # type: ignore[no-untyped-def]
    password: str, confirmation: str, *, last_name: str, first_names: str, birth_date, email: str
) -> tuple[list[str], str | None]:
    """Step 3's CPU-heavy part, run in a thread: the policy's messages; the hash once the
    password passes and its confirmation matches."""
    messages = password_policy.check_password(
        password, last_name=last_name, first_names=first_names, birth_date=birth_date, email=email
    )
    if messages or confirmation != password:
        return messages, None
    return messages, security.hash_password(password)


class SignupState(rx.State):
    step: int = 1
    last_name: str = ""
    first_names: str = ""
    birth_date: str = ""
    email: str = ""
    licence_format: str = ""
    licence_number: str = ""
    terms_accepted: bool = False
    errors: dict[str, str] = EMPTY_ERRORS
    message: str = ""
    password_chosen: bool = False
    show_password: bool = False
    strength_score: int = -1
    strength_label: str = ""
    done_email: str = ""
    # Step 3's password is being checked and hashed (state/guard.py): a second submit is ignored.
    submitting: bool = False
    _password_hash: str = ""
    # The identity and email the password was checked against (it must not contain them).
    _password_checked_for: str = ""

    # ----- navigation -------------------------------------------------------------------------

    @rx.var
    def step_title(self) -> str:
        return STEP_TITLES[self.step - 1]

    @rx.event
    def on_load(self) -> None:
        """A reload keeps the step and what was typed, never the password."""
        self._password_hash = ""
        self.password_chosen = False
        self.show_password = False
        self.strength_score, self.strength_label = -1, ""
        self.message = ""
        self.submitting = False
        if self.step < 1 or self.step > LAST_STEP:
            self.step = 1

    @rx.event
    def previous(self):
        self.errors = dict(EMPTY_ERRORS)
        self.message = ""
        self.step = max(1, self.step - 1)
        return focus_on("etape-titre")

    @rx.event
    def keep_field(self, name: str, value: str | bool) -> None:
        """Saves what was typed without validating (on leaving a field), so « Précédent » keeps it."""
        self._keep({name: value})

    @rx.event(background=True)
    async def next(self, form: dict):
        """« Suivant ». Step 3's check and hash run outside the state's lock (state/guard.py)."""
        async with self:
            if self.submitting:
                return None
            self._keep(form)
            self.errors = dict(EMPTY_ERRORS)
            self.message = ""
            if self.step != PASSWORD_STEP:
                return self._after_validation(self._validate_step())
            problems, job = self._password_job(form)
            if job is None:
                return self._after_validation(problems)
            self.submitting = True
            checked_for = self._personal_data()
        outcome = await off_the_lock(self, _check_and_hash, **job)
        async with self:
            self.submitting = False
            if self.step != PASSWORD_STEP:
                return None  # « Précédent » or a reload meanwhile: that step is no longer shown
            if outcome is None:
                return self._after_validation({"password": BUSY_MESSAGE})
            return self._after_validation(self._accept_password(checked_for, *outcome))

    def _after_validation(self, problems: dict[str, str]):  # type: ignore[no-untyped-def]
        """The current step's problems shown (focus on the first), or the next step."""
        problems = {name: text for name, text in problems.items() if text}
        if problems:
            self.errors = {**EMPTY_ERRORS, **problems}
            first = next(name for name in FIELDS_BY_STEP[self.step] if problems.get(name))
            return focus_on(RADIO_ID["card"] if first == "format" else first)
        if self.step == LAST_STEP:
            return self._create_account()
        self.step += 1
        return focus_on("etape-titre")

    @rx.event
    def toggle_password(self) -> None:
        self.show_password = not self.show_password

    @rx.event
    async def measure_password(self, value: str) -> None:
        """Live strength meter (zxcvbn, in a thread); the value is not kept. Beyond its limits the
        meter keeps its last reading."""
        if not value:
            self.strength_score, self.strength_label = -1, ""
            return
        if cpu_wait(self, METER_PER_CLIENT, METER_PER_NETWORK) is not None:
            return
        measured, reading = await run_if_idle(
            password_policy.strength,
            value[: password_policy.MAX_LENGTH * 2],
            [self.last_name, self.first_names, self.email, self.birth_date],
        )
        if measured and reading is not None:
            self.strength_score, self.strength_label = reading

    # ----- internals --------------------------------------------------------------------------

    def _keep(self, form: dict) -> None:
        fields = {
            "nom": "last_name",
            "prenoms": "first_names",
            "date_naissance": "birth_date",
            "email": "email",
            "format": "licence_format",
            "numero_permis": "licence_number",
        }
        for name, attribute in fields.items():
            # The form data also carries the other steps' fields (Reflex's refs), as None.
            if form.get(name) is not None:
                setattr(self, attribute, str(form[name])[:300])
        if "cgu" in form or self.step == LAST_STEP:
            self.terms_accepted = form.get("cgu") not in (None, False, "", "false")

    def _validate_step(self) -> dict[str, str]:
        """Every step's checks but the password's (step 3: `_password_job`)."""
        problems: dict[str, str] = {}
        if self.step == 1:
            person, errors = identity.validate_identity(
                last_name=self.last_name,
                first_names=self.first_names,
                birth_date=self.birth_date,
                today=today(),
            )
            if person is not None:
                self.last_name, self.first_names = person.last_name, person.first_names
            problems = {IDENTITY_FIELDS[field]: message for field, message in errors.items()}
        elif self.step == 2:
            email, error = identity.validate_email(self.email)
            problems["email"] = error or ""
            self.email = email or self.email
        elif self.step == 4:
            if self.licence_format not in LICENCE_FORMATS:
                problems["format"] = accounts.MSG_LICENCE_FORMAT
        elif self.step == 5:
            problems["numero_permis"] = self._check_licence()
        elif self.step == 6 and not self.terms_accepted:
            problems["cgu"] = accounts.MSG_TERMS
        return problems

    def _password_job(self, form: dict) -> tuple[dict[str, str], dict[str, Any] | None]:
        """Step 3 under the lock: the problems found at once, or the arguments of
        `_check_and_hash` (run outside the lock)."""
        password = str(form.get("password", ""))
        confirmation = str(form.get("password_confirmation", ""))
        if not password and not confirmation and self.password_chosen:
            return {}, None  # keeps the password already chosen in this sign-up
        if not password:
            return {"password": "Choisissez un mot de passe."}, None
        wait = cpu_wait(self, PASSWORD_STEP_PER_CLIENT, PASSWORD_STEP_PER_NETWORK)
        if wait is not None:
            return {"password": accounts.too_many_attempts_message(wait)}, None
        return {}, {
            "password": password[: password_policy.MAX_LENGTH * 4],
            "confirmation": confirmation[: password_policy.MAX_LENGTH * 4],
            "last_name": self.last_name,
            "first_names": self.first_names,
            "birth_date": identity.validate_birth_date(self.birth_date, today=today())[0],
            "email": self.email,
        }

    def _accept_password(
        self, checked_for: str, messages: list[str], password_hash: str | None
    ) -> dict[str, str]:
        """Step 3 under the lock again: the check's messages, or the hash kept (never the
        password) with the personal data it was checked against (read before the check)."""
        if messages:
            return {"password": " ".join(messages)}
        if password_hash is None:
            return {"password_confirmation": "Les deux mots de passe ne sont pas identiques."}
        self._password_hash = password_hash
        self._password_checked_for = checked_for
        self.password_chosen = True
        return {}

    def _check_licence(self) -> str:
        number = normalize_licence_number(self.licence_number)
        if number is None:
            return accounts.MSG_LICENCE_NUMBER
        self.licence_number = number
        result = accounts.check_licence(
            engine=get_engine(),
            attempt_key=self.router.session.client_token,
            last_name=self.last_name,
            birth_date=self.birth_date,
            licence_format=self.licence_format,
            licence_number=number,
            now=utcnow(),
            ip=self.router.session.client_ip or None,
        )
        if result.status == accounts.Status.DONE:
            return ""
        if result.errors:
            return " ".join(message for messages in result.errors.values() for message in messages)
        return result.message or accounts.MSG_LICENCE_MISMATCH

    def _personal_data(self) -> str:
        return "\n".join((self.last_name, self.first_names, self.birth_date, self.email))

    def _create_account(self):
        if not self._password_hash or self._password_checked_for != self._personal_data():
            self.step = 3
            self.errors = {**EMPTY_ERRORS, "password": PASSWORD_AGAIN}
            return focus_on("password")
        outcome = accounts.register(
            engine=get_engine(),
            draft=accounts.SignupDraft(
                last_name=self.last_name,
                first_names=self.first_names,
                birth_date=self.birth_date,
                email=self.email,
                password="",
                password_hash=self._password_hash,
                licence_format=self.licence_format,
                licence_number=self.licence_number,
                terms_accepted=self.terms_accepted,
            ),
            now=utcnow(),
            ip=self.router.session.client_ip or None,
        )
        if outcome.status == accounts.Status.CHECK_MAILBOX:
            email = self.email
            self.reset()
            self.done_email = email
            return rx.redirect(routes.SIGNUP_DONE)
        if outcome.status == accounts.Status.FIELD_ERRORS:
            return self._back_to_first_error(outcome.errors)
        self.step = 5
        self.errors = {**EMPTY_ERRORS, "numero_permis": outcome.message or accounts.MSG_LICENCE_MISMATCH}
        return focus_on("numero_permis")

    def _back_to_first_error(self, errors: dict[str, list[str]]):
        by_field = {
            "last_name": "nom",
            "first_names": "prenoms",
            "birth_date": "date_naissance",
            "email": "email",
            "password": "password",
            "licence_format": "format",
            "licence_number": "numero_permis",
            "terms_accepted": "cgu",
        }
        problems = {by_field[key]: " ".join(texts) for key, texts in errors.items() if key in by_field}
        for step, names in FIELDS_BY_STEP.items():
            if any(problems.get(name) for name in names):
                self.step = step
                break
        self.errors = {**EMPTY_ERRORS, **problems}
        return focus_on("etape-titre")
