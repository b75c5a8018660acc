"""One answer shape for every account use case that can refuse, and the French messages they give."""

from __future__ import annotations

import dataclasses
import enum

from mespoints.domain.identity import MSG_LICENCE_FORMAT, MSG_LICENCE_NUMBER
from mespoints.services import rate_limit

__all__ = ["MSG_LICENCE_FORMAT", "MSG_LICENCE_NUMBER"]

Errors = dict[str, list[str]]


class Status(enum.StrEnum):
    DONE = "done"  # what was asked happened (login, activation, reset, change, licence check)
    CHECK_MAILBOX = "check_mailbox"  # whatever the address: what differs goes by mail
    FIELD_ERRORS = "field_errors"  # `errors` by field; nothing stored
    RATE_LIMITED = "rate_limited"  # `retry_after` seconds, `message`
    MISMATCH = "mismatch"  # no licence with these data
    INVALID = "invalid"  # wrong credentials, or a link unknown or already used
    EXPIRED = "expired"  # a link past its validity
    TAKEN = "taken"  # an email change whose address got an account meanwhile
    LICENCE_TAKEN = "licence_taken"  # an activation beaten by another account of the same licence
    # FranceConnect: the holder's licence is bound to a password account; the driver must choose
    # « C'est mon compte » or « Ce compte n'est pas le mien » (services.accounts.franceconnect).
    CLAIM_NEEDED = "claim_needed"


@dataclasses.dataclass(frozen=True)
class Outcome:
    status: Status
    errors: Errors = dataclasses.field(default_factory=dict)
    message: str | None = None  # French, for the person
    retry_after: int | None = None  # RATE_LIMITED: seconds
    account_id: int | None = None  # DONE of a login
    ticket: str | None = None  # DONE of a login: the one-time ticket that opens the session

    @property
    def ok(self) -> bool:
        return self.status in (Status.DONE, Status.CHECK_MAILBOX)


MSG_LICENCE_MISMATCH = "Les informations saisies ne correspondent à aucun permis de conduire."
MSG_INVALID_LOGIN = "Adresse électronique ou mot de passe incorrect."
MSG_TERMS = "Vous devez accepter les conditions générales d'utilisation pour créer un compte."
MSG_WRONG_PASSWORD = "Mot de passe incorrect."
MSG_WRONG_CURRENT_PASSWORD = "Le mot de passe actuel est incorrect."
MSG_SAME_PASSWORD = "Choisissez un mot de passe différent de l'actuel."
MSG_SAME_EMAIL = "C'est déjà l'adresse électronique de votre compte."
MSG_FRANCECONNECT_AGAIN = (
    "Votre compte s'ouvre avec FranceConnect, sans mot de passe : pour confirmer, reconnectez-vous "
    "avec FranceConnect puis recommencez dans les 10 minutes."
)


def too_many_attempts_message(retry_after: int) -> str:
    """« Trop de tentatives. Réessayez dans N minutes. » (N rounded up)."""
    return f"Trop de tentatives. Réessayez dans {rate_limit.minutes_text(retry_after)}."


def rate_limited(retry_after: int) -> Outcome:
    return Outcome(
        Status.RATE_LIMITED, message=too_many_attempts_message(retry_after), retry_after=retry_after
    )


def field_errors(errors: Errors) -> Outcome:
    return Outcome(Status.FIELD_ERRORS, errors=errors)
