"""First login through FranceConnect (licence steps, claims, address) and the failure page.

The identity comes from FranceConnect and is never editable: the state holds it only to show it.
The browser's only key to it is the HttpOnly cookie the callback set; every event re-reads the
server-side record through that cookie (services.accounts.franceconnect).
"""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie

import reflex as rx

from mespoints import routes
from mespoints.db.engine import get_engine
from mespoints.domain.licence_format import LICENCE_FORMATS
from mespoints.domain.licence_number import normalize_licence_number
from mespoints.services import accounts, sessions
from mespoints.services.accounts import franceconnect as fc
from mespoints.services.clock import utcnow
from mespoints.settings import get_settings
from mespoints.state.guard import (
    BUSY_MESSAGE,
    PASSWORD_CHECKS_PER_CLIENT,
    PASSWORD_CHECKS_PER_NETWORK,
    cpu_wait,
    off_the_lock,
)
from mespoints.state.scripts import focus_on, post_to

IDENTITY_COOKIE = "mpp_fc_identite"  # franceconnect_routes.IDENTITY_COOKIE (states import no routes module)

FAILURE_TEXTS = {
    "annulee": (
        "Vous avez annulé l'identification avec FranceConnect.",
        "Vous pouvez recommencer, ou vous connecter avec votre adresse électronique et votre mot de passe.",
    ),
    "refusee": (
        "FranceConnect n'a pas pu vous identifier.",
        "Recommencez dans quelques instants. Si le problème persiste, connectez-vous avec votre adresse "
        "électronique et votre mot de passe.",
    ),
    "expiree": (
        "Cette demande d'identification n'est plus valable.",
        "Pour votre sécurité, une demande ne sert qu'une fois, depuis le navigateur qui l'a faite, et "
        "pendant quelques minutes. Recommencez depuis la page de connexion.",
    ),
    "jeton": (
        "La réponse de FranceConnect n'a pas pu être vérifiée.",
        "Par sécurité, elle a été refusée. Recommencez ; si le problème persiste, réessayez plus tard.",
    ),
    "identite": (
        "Les informations d'identité transmises par FranceConnect n'ont pas pu être vérifiées.",
        "Par sécurité, elles ont été refusées. Recommencez ; si le problème persiste, réessayez plus tard.",
    ),
    "indisponible": (
        "FranceConnect ne répond pas pour le moment.",
        "Réessayez dans quelques minutes, ou connectez-vous avec votre adresse électronique et votre mot "
        "de passe.",
    ),
}
NOTHING_DONE = "Aucun compte n'a été créé ni modifié."


class FranceConnectErrorState(rx.State):
    title: str = ""
    advice: str = ""

    @rx.event
    def on_load(self) -> None:
        reason = self.router.url.query_parameters.get("motif", "")
        self.title, self.advice = FAILURE_TEXTS.get(reason, FAILURE_TEXTS["refusee"])


def identity_handle(state: rx.State) -> str:
    """The first login's handle, from the HttpOnly cookie of the socket's connection."""
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(state.router.headers.cookie or "")
    except CookieError:
        return ""
    morsel = jar.get(sessions.cookie_name(IDENTITY_COOKIE, https=get_settings().uses_https))
    return morsel.value if morsel else ""


EMPTY_ERRORS = {"format": "", "numero_permis": "", "cgu": "", "password": "", "email": ""}


class FranceConnectSignupState(rx.State):
    loaded: bool = False
    expired: bool = False
    # "adresse" (FranceConnect's address has an account), "format", "numero", "reprise" (licence on
    # a password account), "cgu", "courriel" (another address: check its mailbox).
    step: str = "format"
    given_name: str = ""
    family_name: str = ""
    birth_date: str = ""
    email: str = ""
    other_email: str = ""
    licence_format: str = ""
    licence_number: str = ""
    holder_email: str = ""
    claim_confirmed: bool = False
    errors: dict[str, str] = EMPTY_ERRORS
    message: str = ""
    # A password is being checked (state/guard.py): a second submit is ignored.
    submitting: bool = False

    def _pending(self) -> fc.PendingIdentity | None:
        return fc.load_pending(engine=get_engine(), handle=identity_handle(self), now=utcnow())

    def _expire(self):  # type: ignore[no-untyped-def]
        self.reset()
        self.loaded = self.expired = True
        return focus_on("etape-titre")

    @rx.event
    def on_load(self):
        self.reset()
        pending = self._pending()
        self.loaded = True
        if pending is None:
            self.expired = True
            return None
        if pending.done:  # linked or created: open the session
            return post_to(routes.FRANCECONNECT_SESSION)
        self.given_name, self.family_name, self.email = pending.given_name, pending.family_name, pending.email
        self.birth_date = pending.birth_date.strftime("%d/%m/%Y")
        self.step = "adresse" if pending.email_taken else "format"
        return None

    def _fail(self, field: str, text: str, focus: str | None = None):  # type: ignore[no-untyped-def]
        self.errors = {**EMPTY_ERRORS, field: text}
        return focus_on(focus or field)

    def _go(self, step: str):  # type: ignore[no-untyped-def]
        self.errors, self.message, self.step = dict(EMPTY_ERRORS), "", step
        return focus_on("etape-titre")

    # ----- the address FranceConnect gave already has an account -------------------------------

    @rx.event
    def use_other_email(self, form: dict):
        value, error = accounts.normalize_email(str(form.get("email", ""))[:254])
        if error or value is None:
            return self._fail("email", error or "Indiquez une adresse électronique.")
        self.other_email = value
        return self._go("format")

    @rx.event(background=True)
    async def link_by_email(self, form: dict):
        return await self._link(form)

    # ----- licence steps ---------------------------------------------------------------------

    @rx.event
    def submit_format(self, form: dict):
        chosen = str(form.get("format", "") or self.licence_format)
        if chosen not in LICENCE_FORMATS:
            return self._fail("format", accounts.MSG_LICENCE_FORMAT, "format-card")
        self.licence_format = chosen
        return self._go("numero")

    @rx.event
    def back_to_format(self):
        return self._go("format")

    @rx.event
    def keep_format(self, value: str) -> None:
        self.licence_format = value if value in LICENCE_FORMATS else ""

    @rx.event
    def submit_number(self, form: dict):
        number = normalize_licence_number(str(form.get("numero_permis", ""))[:300])
        if number is None:
            return self._fail("numero_permis", accounts.MSG_LICENCE_NUMBER)
        self.licence_number = number
        outcome = fc.check_licence(
            engine=get_engine(),
            handle=identity_handle(self),
            licence_format=self.licence_format,
            licence_number=number,
            now=utcnow(),
            ip=self.router.session.client_ip or None,
        )
        if outcome.status == accounts.Status.EXPIRED:
            return self._expire()
        if outcome.status == accounts.Status.DONE:
            return self._go("cgu")
        if outcome.status == accounts.Status.CLAIM_NEEDED:
            self.holder_email = outcome.message or ""
            self.claim_confirmed = False
            return self._go("reprise")
        if outcome.errors:
            text = " ".join(m for messages in outcome.errors.values() for m in messages)
            return self._fail("numero_permis", text)
        return self._fail("numero_permis", outcome.message or accounts.MSG_LICENCE_MISMATCH)

    # ----- the licence is bound to a password account ------------------------------------------

    @rx.event(background=True)
    async def link_by_licence(self, form: dict):
        return await self._link(form, licence=True)

    @rx.event
    def not_my_account(self):
        self.claim_confirmed = True
        return self._go("cgu")

    @rx.event
    def back_to_number(self):
        self.claim_confirmed = False
        return self._go("numero")

    # ----- the end -------------------------------------------------------------------------------

    @rx.event
    def finish(self, form: dict):
        accepted = form.get("cgu") not in (None, False, "", "false")
        outcome = fc.finish_signup(
            engine=get_engine(),
            handle=identity_handle(self),
            licence_format=self.licence_format,
            licence_number=self.licence_number,
            terms_accepted=accepted,
            claim_confirmed=self.claim_confirmed,
            other_email=self.other_email or None,
            now=utcnow(),
        )
        status = outcome.status
        if status == accounts.Status.DONE:
            return post_to(routes.FRANCECONNECT_SESSION)
        if status == accounts.Status.CHECK_MAILBOX:
            return self._go("courriel")
        if status == accounts.Status.EXPIRED:
            return self._expire()
        if status == accounts.Status.CLAIM_NEEDED:
            self.holder_email = outcome.message or ""
            return self._go("reprise")
        if status == accounts.Status.TAKEN:
            return self._go("adresse")
        if "terms_accepted" in outcome.errors:
            return self._fail("cgu", accounts.MSG_TERMS)
        self.message = outcome.message or accounts.MSG_LICENCE_MISMATCH
        return focus_on("etape-titre")

    async def _link(self, form: dict, *, licence: bool = False):  # type: ignore[no-untyped-def]
        """For the background handlers above: argon2id outside the state's lock (state/guard.py)."""
        password = str(form.get("password", ""))
        async with self:
            if self.submitting:
                return None
            if not password:
                return self._fail("password", "Indiquez le mot de passe de ce compte.")
            wait = cpu_wait(self, PASSWORD_CHECKS_PER_CLIENT, PASSWORD_CHECKS_PER_NETWORK)
            if wait is not None:
                return self._fail("password", accounts.too_many_attempts_message(wait))
            self.submitting = True
            handle = identity_handle(self)
            licence_format = self.licence_format if licence else ""
            licence_number = self.licence_number if licence else ""
        outcome = await off_the_lock(  # argon2: never on the event loop
            self,
            fc.link_with_password,
            engine=get_engine(),
            handle=handle,
            password=password,
            now=utcnow(),
            licence_format=licence_format,
            licence_number=licence_number,
        )
        async with self:
            self.submitting = False
            if outcome is None:
                return self._fail("password", BUSY_MESSAGE)
            if outcome.status == accounts.Status.DONE:
                return post_to(routes.FRANCECONNECT_SESSION)
            if outcome.status == accounts.Status.EXPIRED:
                return self._expire()
            text = " ".join(m for messages in outcome.errors.values() for m in messages)
            return self._fail("password", text or outcome.message or accounts.MSG_WRONG_PASSWORD)
