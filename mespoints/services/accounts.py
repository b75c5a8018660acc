"""Account use cases: sign-up, activation, login, password reset, account changes, closure.

Every function is keyword-only, takes the engine and `now` (naive UTC, injected by callers and
tests) and returns a small frozen result; none raises for a user mistake. Forms get
`errors: dict[field, list[French message]]` keyed by the input's name.

Security decisions (issue "accounts"):
- Never reveal whether an email has an account: sign-up, activation resend and password reset
  answer the same whatever the address; what differs goes by mail to the address's owner.
- Emails are stored normalized (trimmed, lower case). Passwords as argon2id (services.security).
- Mailed links carry a 256-bit token; only its SHA-256 is stored; a token is consumed by ONE
  conditional UPDATE (`used_at IS NULL AND expires_at > now`), so it works once, even under races.
- Every mail is written to the outbox in the same transaction as the change it reports.
- Login failures are counted per email address (known or not, see services.rate_limit) and per IP,
  before the password is verified (taken back when it is right), so parallel attempts cannot
  outrun the count. A lockout never blocks a password reset, and a reset clears it.
- A not-yet-activated account is told so only after its password was verified (LoginStatus
  NOT_ACTIVATED); an unknown email or a wrong password both give MSG_INVALID_LOGIN.
- An unactivated account whose activation links have all expired no longer holds its email or
  licence: a new sign-up with either deletes it (otherwise a typo in the address, or an impostor,
  would lock the licence for good).
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import enum
import logging
import unicodedata
from collections.abc import Callable
from typing import TypeVar

from babel.dates import format_datetime
from sqlalchemy import ColumnElement, Engine, delete, exists, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from mespoints import routes
from mespoints.db.accounts import Account, AccountSession, AccountToken
from mespoints.db.engine import session_scope
from mespoints.domain import identity, password_policy
from mespoints.domain.licence_format import LICENCE_FORMATS
from mespoints.domain.licence_number import normalize_licence_number
from mespoints.services import mail, mail_templates, national_file, rate_limit, security
from mespoints.services import sessions as sessions_service
from mespoints.services.clock import PARIS, utcnow
from mespoints.services.sessions import LOGIN_TICKET, end_all_sessions_in
from mespoints.settings import get_settings

logger = logging.getLogger(__name__)

# One source of truth for each validity window.
ACTIVATION_VALIDITY = dt.timedelta(hours=12)
PASSWORD_RESET_VALIDITY = dt.timedelta(hours=1)
EMAIL_CHANGE_VALIDITY = dt.timedelta(hours=24)

# Paths of the pages mailed links open (appended to settings.base_url).
ACTIVATION_PATH = routes.ACTIVATION  # /activation
PASSWORD_RESET_PATH = routes.PASSWORD_RESET  # /mot-de-passe/nouveau
EMAIL_CHANGE_PATH = routes.EMAIL_CHANGE_CONFIRM  # /compte/confirmer-adresse
LOGIN_PATH = routes.LOGIN
PASSWORD_FORGOTTEN_PATH = routes.PASSWORD_FORGOTTEN

# AccountToken.purpose values.
ACTIVATION = "activation"
PASSWORD_RESET = "password_reset"
EMAIL_CHANGE = "email_change"


MSG_LICENCE_MISMATCH = "Les informations saisies ne correspondent à aucun permis de conduire."
MSG_INVALID_LOGIN = "Adresse électronique ou mot de passe incorrect."
MSG_NOT_ACTIVATED = (
    "Votre compte n'est pas encore activé. Ouvrez le lien reçu par courriel "
    "ou demandez un nouveau lien d'activation."
)
MSG_TERMS = "Vous devez accepter les conditions générales d'utilisation pour créer un compte."
MSG_LICENCE_FORMAT = "Indiquez le format de votre permis de conduire."
MSG_LICENCE_NUMBER = "Le numéro de permis comporte de 5 à 19 lettres et chiffres."
MSG_WRONG_PASSWORD = "Mot de passe incorrect."
MSG_WRONG_CURRENT_PASSWORD = "Le mot de passe actuel est incorrect."
MSG_SAME_PASSWORD = "Choisissez un mot de passe différent de l'actuel."
MSG_SAME_EMAIL = "C'est déjà l'adresse électronique de votre compte."


def too_many_attempts_message(retry_after: int) -> str:
    """« Trop de tentatives. Réessayez dans N minutes. » (N rounded up)."""
    return f"Trop de tentatives. Réessayez dans {rate_limit.minutes_text(retry_after)}."


Errors = dict[str, list[str]]


# ---------------------------------------------------------------------------------------------
# Result types


class RegisterStatus(enum.StrEnum):
    CHECK_MAILBOX = "check_mailbox"  # normal end, also when the email already has an account
    LICENCE_MISMATCH = "licence_mismatch"  # also when the licence already has an account
    RATE_LIMITED = "rate_limited"
    FIELD_ERRORS = "field_errors"


@dataclasses.dataclass(frozen=True)
class SignupDraft:
    """What the sign-up wizard collected, as typed (re-validated by `register`)."""

    last_name: str
    first_names: str
    birth_date: str | dt.date
    email: str
    password: str
    licence_format: str  # "card" or "three_part"
    licence_number: str
    terms_accepted: bool
    # The wizard hashes the password as soon as its step accepts it, so its state never holds the
    # password; then `password` is empty and the policy was applied by that step (on the server).
    password_hash: str | None = None


@dataclasses.dataclass(frozen=True)
class RegisterOutcome:
    status: RegisterStatus
    errors: Errors = dataclasses.field(default_factory=dict)  # FIELD_ERRORS: by SignupDraft field
    message: str | None = None  # LICENCE_MISMATCH, RATE_LIMITED
    retry_after: int | None = None  # RATE_LIMITED: seconds


class LicenceCheckStatus(enum.StrEnum):
    OK = "ok"
    MISMATCH = "mismatch"
    RATE_LIMITED = "rate_limited"
    FIELD_ERRORS = "field_errors"


@dataclasses.dataclass(frozen=True)
class LicenceCheck:
    status: LicenceCheckStatus
    message: str | None = None
    errors: Errors = dataclasses.field(default_factory=dict)
    retry_after: int | None = None


class ActivationResult(enum.StrEnum):
    ACTIVATED = "activated"
    EXPIRED = "expired"
    INVALID = "invalid"  # unknown or already used


class RequestStatus(enum.StrEnum):
    CHECK_MAILBOX = "check_mailbox"  # whether or not the address has an account
    RATE_LIMITED = "rate_limited"
    FIELD_ERRORS = "field_errors"


@dataclasses.dataclass(frozen=True)
class RequestOutcome:
    """Answer to "mail me a link" requests (activation resend, password reset, email change)."""

    status: RequestStatus
    errors: Errors = dataclasses.field(default_factory=dict)
    message: str | None = None
    retry_after: int | None = None


class LoginStatus(enum.StrEnum):
    OK = "ok"
    INVALID = "invalid"
    NOT_ACTIVATED = "not_activated"  # only once the password was verified correct
    THROTTLED = "throttled"


@dataclasses.dataclass(frozen=True)
class LoginResult:
    status: LoginStatus
    account_id: int | None = None  # OK only
    message: str | None = None  # French, for every status but OK
    retry_after: int | None = None  # THROTTLED: seconds


class TokenStatus(enum.StrEnum):
    DONE = "done"
    EXPIRED = "expired"
    INVALID = "invalid"  # unknown or already used
    FIELD_ERRORS = "field_errors"
    TAKEN = "taken"  # email change only: the new address got an account meanwhile


@dataclasses.dataclass(frozen=True)
class TokenOutcome:
    """Result of following a mailed link (password reset, email change confirmation)."""

    status: TokenStatus
    errors: Errors = dataclasses.field(default_factory=dict)


class ChangeStatus(enum.StrEnum):
    DONE = "done"
    FIELD_ERRORS = "field_errors"
    THROTTLED = "throttled"  # too many wrong passwords: retry_after, message


@dataclasses.dataclass(frozen=True)
class ChangeOutcome:
    """Result of an account-page action confirmed by the password."""

    status: ChangeStatus
    errors: Errors = dataclasses.field(default_factory=dict)
    message: str | None = None
    retry_after: int | None = None


# ---------------------------------------------------------------------------------------------
# Helpers


def _link(path: str, token: str | None = None) -> str:
    base = get_settings().base_url
    return f"{base}{path}" if token is None else f"{base}{path}?jeton={token}"


def _first_name(first_names: str) -> str:
    return first_names.split()[0] if first_names.split() else first_names


def _today(now: dt.datetime) -> dt.date:
    return get_settings().today or now.replace(tzinfo=dt.UTC).astimezone(PARIS).date()


def paris_time_text(moment: dt.datetime) -> str:
    """« 14 h 05 le 17 mai 2025 (heure de Paris) » for a naive UTC timestamp; « le 1er juillet »."""
    local = moment.replace(tzinfo=dt.UTC).astimezone(PARIS)
    # French writes the first day of a month as an ordinal (« 1er »), every other day as a number.
    day = "1er" if local.day == 1 else str(local.day)
    clock_text = format_datetime(local, "H 'h' mm", locale="fr_FR")
    month_text = format_datetime(local, "MMMM y", locale="fr_FR")
    return f"{clock_text} le {day} {month_text} (heure de Paris)"


def normalize_email(raw: object) -> tuple[str | None, str | None]:
    """identity.validate_email, then lower case: the stored and compared form of an address."""
    value, error = identity.validate_email(raw)
    return (value.lower() if value else None), error


def _lenient_email(raw: object) -> str:
    """The lookup form of what was typed in a login or request form (never an error)."""
    value, _ = normalize_email(raw)
    if value:
        return value
    return raw.strip().lower()[:1000] if isinstance(raw, str) else ""


def mask_email(email: str) -> str:
    """« j•••@e•••.fr »: enough for the owner to recognize, too little for anyone else."""
    local, _, domain = email.partition("@")
    name, dot, tld = domain.rpartition(".")
    if not dot:
        name, tld = domain, ""
    masked_domain = (name[:1] + "•••" + dot + tld) if name else domain
    return f"{local[:1]}•••@{masked_domain}"


T = TypeVar("T")


def _retrying(engine: Engine, work: Callable[[Session], T], attempts: int = 3) -> T:
    """Run `work` in a transaction; on a unique-constraint race, run it again (it then sees the row)."""
    for attempt in range(attempts):
        try:
            with session_scope(engine) as session:
                return work(session)
        except IntegrityError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def _new_token_row(
    session: Session,
    *,
    account_id: int,
    purpose: str,
    now: dt.datetime,
    validity: dt.timedelta,
    new_email: str | None = None,
) -> str:
    raw, token_hash = security.new_token()
    session.add(
        AccountToken(
            account_id=account_id,
            purpose=purpose,
            token_hash=token_hash,
            created_at=now,
            expires_at=now + validity,
            new_email=new_email,
        )
    )
    session.flush()
    return raw


def _retire_tokens(session: Session, *, account_id: int, purposes: tuple[str, ...], now: dt.datetime) -> None:
    """Older unused links of these kinds stop working (only the newest mailed link is valid)."""
    session.exec(
        update(AccountToken)
        .where(
            col(AccountToken.account_id) == account_id,
            col(AccountToken.purpose).in_(purposes),
            col(AccountToken.used_at).is_(None),
        )
        .values(used_at=now)
    )


def _consume_token(session: Session, *, token: str, purpose: str, now: dt.datetime) -> int | None:
    """Mark the token used with one conditional UPDATE; its account id, or None if not usable."""
    return session.exec(
        update(AccountToken)
        .where(
            col(AccountToken.token_hash) == security.hash_token(token),
            col(AccountToken.purpose) == purpose,
            col(AccountToken.used_at).is_(None),
            col(AccountToken.expires_at) > now,
        )
        .values(used_at=now)
        .returning(col(AccountToken.account_id))
    ).scalar_one_or_none()


def _token_failure(session: Session, *, token: str, purpose: str, now: dt.datetime) -> TokenStatus:
    """Why a token could not be consumed: EXPIRED if it exists unused but too old, else INVALID."""
    row = session.exec(
        select(AccountToken).where(
            col(AccountToken.token_hash) == security.hash_token(token), col(AccountToken.purpose) == purpose
        )
    ).one_or_none()
    if row is not None and row.used_at is None and row.expires_at <= now:
        return TokenStatus.EXPIRED
    return TokenStatus.INVALID


def _peek_token(
    session: Session, *, token: str, purpose: str, now: dt.datetime
) -> tuple[TokenStatus, Account | None]:
    row = session.exec(
        select(AccountToken).where(
            col(AccountToken.token_hash) == security.hash_token(token), col(AccountToken.purpose) == purpose
        )
    ).one_or_none()
    if row is None or row.used_at is not None:
        return TokenStatus.INVALID, None
    if row.expires_at <= now:
        return TokenStatus.EXPIRED, None
    account = session.get(Account, row.account_id)
    return (TokenStatus.DONE, account) if account is not None else (TokenStatus.INVALID, None)


def _stale_unactivated(now: dt.datetime) -> ColumnElement[bool]:
    """Accounts never activated and with no activation link still valid."""
    live_link = exists().where(
        col(AccountToken.account_id) == Account.id,
        col(AccountToken.purpose) == ACTIVATION,
        col(AccountToken.used_at).is_(None),
        col(AccountToken.expires_at) > now,
    )
    return (col(Account.activated_at).is_(None)) & ~live_link


def _send(session: Session, *, to: str, message: mail_templates.Message, now: dt.datetime) -> None:
    mail.enqueue(session, to=to, message=message, now=now)


def _send_limited(
    session: Session, *, limit: rate_limit.Limit, to: str, message: mail_templates.Message, now: dt.datetime
) -> None:
    """Mail unless this address already got `limit` such mails (silently: nothing is revealed)."""
    if rate_limit.hit(session, limit=limit, key=to, now=now) is None:
        _send(session, to=to, message=message, now=now)


def _prepare_password(password: object) -> str:
    return password if isinstance(password, str) else ""


# ---------------------------------------------------------------------------------------------
# Sign-up


def _validate_draft(draft: SignupDraft, *, now: dt.datetime) -> tuple[Errors, dict[str, object]]:
    errors: Errors = {}
    values: dict[str, object] = {}

    def take(field: str, result: tuple[object, str | None]) -> None:
        value, error = result
        if error:
            errors[field] = [error]
        else:
            values[field] = value

    take("last_name", identity.validate_name(draft.last_name, field_label="nom"))
    take("first_names", identity.validate_name(draft.first_names, field_label="prénom"))
    take("birth_date", identity.validate_birth_date(draft.birth_date, today=_today(now)))
    take("email", normalize_email(draft.email))
    if draft.licence_format in LICENCE_FORMATS:
        values["licence_format"] = draft.licence_format
    else:
        errors["licence_format"] = [MSG_LICENCE_FORMAT]
    number = normalize_licence_number(draft.licence_number) if isinstance(draft.licence_number, str) else None
    if number:
        values["licence_number"] = number
    else:
        errors["licence_number"] = [MSG_LICENCE_NUMBER]
    password_problems = (
        []
        if draft.password_hash
        else password_policy.check_password(
            draft.password,
            last_name=values.get("last_name") or draft.last_name,  # type: ignore[arg-type]
            first_names=values.get("first_names") or draft.first_names,  # type: ignore[arg-type]
            birth_date=values.get("birth_date"),  # type: ignore[arg-type]
            email=values.get("email") or draft.email,  # type: ignore[arg-type]
        )
    )
    if password_problems:
        errors["password"] = password_problems
    if draft.terms_accepted is not True:
        errors["terms_accepted"] = [MSG_TERMS]
    return errors, values


def register(*, engine: Engine, draft: SignupDraft, now: dt.datetime) -> RegisterOutcome:
    """Create an account and mail its activation link, after checking everything again.

    - FIELD_ERRORS: `errors` keyed by SignupDraft field names (nothing stored).
    - RATE_LIMITED: 5 failed identity checks for this licence number within an hour.
    - LICENCE_MISMATCH (MSG_LICENCE_MISMATCH): no licence with this number, format, name and
      birth date; also when the licence already has an account, then that account's address is
      mailed `licence_already_registered`.
    - CHECK_MAILBOX: the account exists, unactivated, and its activation link was mailed; or the
      email already had an account: nothing is created and that address is mailed
      `account_already_exists` (at most 5 sign-up mails an hour to one address).
    """
    errors, values = _validate_draft(draft, now=now)
    if errors:
        return RegisterOutcome(RegisterStatus.FIELD_ERRORS, errors=errors)
    email = str(values["email"])
    licence_number = str(values["licence_number"])
    last_name = str(values["last_name"])
    first_names = str(values["first_names"])
    birth_date: dt.date = values["birth_date"]  # type: ignore[assignment]

    with session_scope(engine) as session:
        wait = rate_limit.retry_after(
            session, limit=rate_limit.LICENCE_CHECK_PER_LICENCE, key=licence_number, now=now
        )
        if wait is not None:
            return RegisterOutcome(
                RegisterStatus.RATE_LIMITED, message=too_many_attempts_message(wait), retry_after=wait
            )
        found = national_file.find_licence_for_identity(
            session,
            licence_number=licence_number,
            licence_format=str(values["licence_format"]),
            last_name=last_name,
            birth_date=birth_date,
        )
        if found is None:
            rate_limit.record(
                session, limit=rate_limit.LICENCE_CHECK_PER_LICENCE, key=licence_number, now=now
            )
            return RegisterOutcome(RegisterStatus.LICENCE_MISMATCH, message=MSG_LICENCE_MISMATCH)
        licence_number = found

    # Hash before looking the email up, so both paths take the same time.
    password_hash = draft.password_hash or security.hash_password(draft.password)

    def work(session: Session) -> RegisterOutcome:
        session.exec(
            delete(Account).where(
                or_(col(Account.email) == email, col(Account.licence_number) == licence_number),
                _stale_unactivated(now),
            )
        )
        existing = session.exec(select(Account).where(col(Account.email) == email)).one_or_none()
        if existing is not None:
            _send_limited(
                session,
                limit=rate_limit.SIGNUP_MAIL_PER_EMAIL,
                to=existing.email,
                message=mail_templates.account_already_exists(
                    first_name=_first_name(existing.first_names),
                    login_link=_link(LOGIN_PATH),
                    reset_link=_link(PASSWORD_FORGOTTEN_PATH),
                ),
                now=now,
            )
            return RegisterOutcome(RegisterStatus.CHECK_MAILBOX)
        holder = session.exec(
            select(Account).where(col(Account.licence_number) == licence_number)
        ).one_or_none()
        if holder is not None:
            _send_limited(
                session,
                limit=rate_limit.SIGNUP_MAIL_PER_EMAIL,
                to=holder.email,
                message=mail_templates.licence_already_registered(
                    first_name=_first_name(holder.first_names),
                    login_link=_link(LOGIN_PATH),
                    reset_link=_link(PASSWORD_FORGOTTEN_PATH),
                ),
                now=now,
            )
            return RegisterOutcome(RegisterStatus.LICENCE_MISMATCH, message=MSG_LICENCE_MISMATCH)
        account = Account(
            email=email,
            password_hash=password_hash,
            last_name=last_name,
            first_names=first_names,
            birth_date=birth_date,
            licence_number=licence_number,
            created_at=now,
        )
        session.add(account)
        session.flush()  # a concurrent sign-up with this email or licence fails here
        assert account.id is not None
        raw = _new_token_row(
            session, account_id=account.id, purpose=ACTIVATION, now=now, validity=ACTIVATION_VALIDITY
        )
        rate_limit.record(session, limit=rate_limit.SIGNUP_MAIL_PER_EMAIL, key=email, now=now)
        _send(
            session,
            to=email,
            message=mail_templates.activation(
                first_name=_first_name(first_names),
                link=_link(ACTIVATION_PATH, raw),
                expires_at_text=paris_time_text(now + ACTIVATION_VALIDITY),
            ),
            now=now,
        )
        return RegisterOutcome(RegisterStatus.CHECK_MAILBOX)

    # A concurrent sign-up that won the race makes ours fail on a unique constraint: run again,
    # and this time the existing account takes the "already exists" path.
    return _retrying(engine, work)


def check_licence(
    *,
    engine: Engine,
    attempt_key: str,
    last_name: str,
    birth_date: str | dt.date,
    licence_format: str,
    licence_number: str,
    now: dt.datetime,
) -> LicenceCheck:
    """Wizard step 5: does a licence with this number and format belong to this person?

    `attempt_key` identifies the browser session (e.g. the Reflex client token). After 5 failed
    checks within an hour for this browser or for this licence number, RATE_LIMITED with
    « Trop de tentatives. Réessayez dans N minutes. ». Only mismatches count: once the data
    match, the person may check again. Unreadable input gives FIELD_ERRORS (keys last_name,
    birth_date, licence_format, licence_number) and counts nothing. OK does not tell whether the
    licence already has an account (`register` handles that, by mail).
    """
    errors: Errors = {}
    name, error = identity.validate_name(last_name, field_label="nom")
    if error:
        errors["last_name"] = [error]
    birth, error = identity.validate_birth_date(birth_date, today=_today(now))
    if error:
        errors["birth_date"] = [error]
    if licence_format not in LICENCE_FORMATS:
        errors["licence_format"] = [MSG_LICENCE_FORMAT]
    number = normalize_licence_number(licence_number) if isinstance(licence_number, str) else None
    if not number:
        errors["licence_number"] = [MSG_LICENCE_NUMBER]
    if errors:
        return LicenceCheck(LicenceCheckStatus.FIELD_ERRORS, errors=errors)
    assert name is not None and birth is not None and number is not None

    # An empty attempt_key (no browser session) counts under the licence number only.
    counters = [(rate_limit.LICENCE_CHECK_PER_LICENCE, number)]
    if attempt_key:
        counters.append((rate_limit.LICENCE_CHECK_PER_BROWSER, attempt_key))
    with session_scope(engine) as session:
        waits = [rate_limit.retry_after(session, limit=limit, key=key, now=now) for limit, key in counters]
        wait = max((w for w in waits if w is not None), default=None)
        if wait is not None:
            return LicenceCheck(
                LicenceCheckStatus.RATE_LIMITED, message=too_many_attempts_message(wait), retry_after=wait
            )
        found = national_file.find_licence_for_identity(
            session, licence_number=number, licence_format=licence_format, last_name=name, birth_date=birth
        )
        if found is None:
            for limit, key in counters:
                rate_limit.record(session, limit=limit, key=key, now=now)
            return LicenceCheck(LicenceCheckStatus.MISMATCH, message=MSG_LICENCE_MISMATCH)
    return LicenceCheck(LicenceCheckStatus.OK)


# ---------------------------------------------------------------------------------------------
# Activation


def activate(*, engine: Engine, token: str, now: dt.datetime) -> ActivationResult:
    """Follow an activation link: ACTIVATED (once), EXPIRED (12 h after it was sent), INVALID."""
    if not isinstance(token, str) or not token:
        return ActivationResult.INVALID
    with session_scope(engine) as session:
        account_id = _consume_token(session, token=token, purpose=ACTIVATION, now=now)
        if account_id is None:
            failure = _token_failure(session, token=token, purpose=ACTIVATION, now=now)
            return ActivationResult.EXPIRED if failure is TokenStatus.EXPIRED else ActivationResult.INVALID
        session.exec(
            update(Account)
            .where(col(Account.id) == account_id, col(Account.activated_at).is_(None))
            .values(activated_at=now)
        )
    return ActivationResult.ACTIVATED


def resend_activation(*, engine: Engine, email: str, now: dt.datetime) -> RequestOutcome:
    """Mail a new activation link if this address has an account not yet activated.

    The answer is CHECK_MAILBOX whether or not such an account exists (RATE_LIMITED after 3
    requests an hour for one address, counted whatever the address). A new link retires the
    older ones: only the newest mailed link works. A badly typed address gives FIELD_ERRORS
    (key "email").
    """
    address, error = normalize_email(email)
    if error or address is None:
        return RequestOutcome(RequestStatus.FIELD_ERRORS, errors={"email": [error or ""]})
    with session_scope(engine) as session:
        wait = rate_limit.hit(session, limit=rate_limit.ACTIVATION_RESEND_PER_EMAIL, key=address, now=now)
        if wait is not None:
            return RequestOutcome(
                RequestStatus.RATE_LIMITED, message=too_many_attempts_message(wait), retry_after=wait
            )
        account = session.exec(select(Account).where(col(Account.email) == address)).one_or_none()
        if account is not None and account.activated_at is None:
            assert account.id is not None
            _retire_tokens(session, account_id=account.id, purposes=(ACTIVATION,), now=now)
            raw = _new_token_row(
                session, account_id=account.id, purpose=ACTIVATION, now=now, validity=ACTIVATION_VALIDITY
            )
            _send(
                session,
                to=account.email,
                message=mail_templates.activation(
                    first_name=_first_name(account.first_names),
                    link=_link(ACTIVATION_PATH, raw),
                    expires_at_text=paris_time_text(now + ACTIVATION_VALIDITY),
                ),
                now=now,
            )
    return RequestOutcome(RequestStatus.CHECK_MAILBOX)


# ---------------------------------------------------------------------------------------------
# Login


def _throttled(wait: int) -> LoginResult:
    return LoginResult(LoginStatus.THROTTLED, message=too_many_attempts_message(wait), retry_after=wait)


class _Refused(Exception):
    """Raised inside a transaction to roll back what it counted, and answer THROTTLED."""

    def __init__(self, wait: int) -> None:
        super().__init__(wait)
        self.wait = wait


def authenticate(
    *, engine: Engine, email: str, password: str, ip: str | None, now: dt.datetime
) -> LoginResult:
    """Check an email and password.

    - THROTTLED (retry_after seconds, « Trop de tentatives. Réessayez dans N minutes. »): this
      address failed 5 times in a row (then 15 s, 30 s, 1 min … at most 15 min between tries), or
      this IP failed 30 times within 15 minutes. The password is not even checked then.
    - INVALID (MSG_INVALID_LOGIN): unknown email or wrong password, indistinguishable (a dummy
      hash is verified for unknown emails). Each one counts as a failure.
    - NOT_ACTIVATED (MSG_NOT_ACTIVATED): right password, account not activated yet.
    - OK (account_id): then call sessions.create_login_ticket. Resets the failure count and
      upgrades a hash made with older parameters.

    `ip` None or empty (client address unknown): only the per-address back-off applies; unknown
    clients are not lumped together under one IP count.

    Every attempt is counted as a failure (for the address and the IP) before the password is
    verified, and taken back once it proves right: simultaneous attempts cannot all slip past
    the check while the first ones are being verified.
    """
    address = _lenient_email(email)
    password = _prepare_password(password)
    ip_event: int | None = None
    try:
        with session_scope(engine) as session:
            if ip:
                ip_wait, ip_event = rate_limit.take(
                    session, limit=rate_limit.LOGIN_FAILURES_PER_IP, key=ip, now=now
                )
                if ip_wait is not None:
                    email_wait = rate_limit.login_blocked_for(session, email=address, now=now)
                    return _throttled(max(ip_wait, email_wait or 0))
            wait = rate_limit.begin_login_attempt(session, email=address, now=now)
            if wait is not None:
                raise _Refused(wait)  # the IP event counted above is rolled back
            found = session.exec(select(Account).where(col(Account.email) == address)).one_or_none()
    except _Refused as refused:
        return _throttled(refused.wait)

    # Hash outside any transaction: SQLite holds its write lock for the whole transaction.
    if found is None or len(password) > 4 * password_policy.MAX_LENGTH:
        security.verify_dummy(password[: 4 * password_policy.MAX_LENGTH])
        matches, new_hash = False, None
    else:
        matches, new_hash = security.verify_password(password, found.password_hash)

    if not matches:
        return LoginResult(LoginStatus.INVALID, message=MSG_INVALID_LOGIN)  # counted beforehand
    assert found is not None  # only a real account's hash can match
    with session_scope(engine) as session:
        rate_limit.clear_login_failures(session, email=address)
        if ip_event is not None:
            rate_limit.release(session, event_id=ip_event)
        if new_hash:
            session.exec(update(Account).where(col(Account.id) == found.id).values(password_hash=new_hash))
    if found.activated_at is None:
        return LoginResult(LoginStatus.NOT_ACTIVATED, message=MSG_NOT_ACTIVATED)
    return LoginResult(LoginStatus.OK, account_id=found.id)


def _check_password_with_throttle(
    engine: Engine, *, account: Account, password: object, now: dt.datetime
) -> tuple[bool, int | None]:
    """(matches, seconds to wait): the account page's password confirmations share the login back-off.

    Counted before verifying, as in `authenticate`; a right password clears the count.
    """
    with session_scope(engine) as session:
        wait = rate_limit.begin_login_attempt(session, email=account.email, now=now)
    if wait is not None:
        return False, wait
    matches, new_hash = security.verify_password(_prepare_password(password), account.password_hash)
    if matches:
        with session_scope(engine) as session:
            rate_limit.clear_login_failures(session, email=account.email)
            if new_hash:
                session.exec(
                    update(Account).where(col(Account.id) == account.id).values(password_hash=new_hash)
                )
    return matches, None


def _load_account(engine: Engine, account_id: int) -> Account | None:
    with session_scope(engine) as session:
        return session.get(Account, account_id)


# ---------------------------------------------------------------------------------------------
# Password reset


def request_password_reset(*, engine: Engine, email: str, now: dt.datetime) -> RequestOutcome:
    """Mail a reset link (valid 1 hour, single use) if this address has an account.

    CHECK_MAILBOX whether or not it has one; RATE_LIMITED after 3 requests an hour for one
    address (counted whatever the address). Never blocked by a login lockout. A new link retires
    the older ones. A badly typed address gives FIELD_ERRORS (key "email").
    """
    address, error = normalize_email(email)
    if error or address is None:
        return RequestOutcome(RequestStatus.FIELD_ERRORS, errors={"email": [error or ""]})
    with session_scope(engine) as session:
        wait = rate_limit.hit(session, limit=rate_limit.PASSWORD_RESET_PER_EMAIL, key=address, now=now)
        if wait is not None:
            return RequestOutcome(
                RequestStatus.RATE_LIMITED, message=too_many_attempts_message(wait), retry_after=wait
            )
        account = session.exec(select(Account).where(col(Account.email) == address)).one_or_none()
        if account is not None:
            assert account.id is not None
            _retire_tokens(session, account_id=account.id, purposes=(PASSWORD_RESET,), now=now)
            raw = _new_token_row(
                session,
                account_id=account.id,
                purpose=PASSWORD_RESET,
                now=now,
                validity=PASSWORD_RESET_VALIDITY,
            )
            _send(
                session,
                to=account.email,
                message=mail_templates.password_reset(
                    first_name=_first_name(account.first_names), link=_link(PASSWORD_RESET_PATH, raw)
                ),
                now=now,
            )
    return RequestOutcome(RequestStatus.CHECK_MAILBOX)


def check_reset_token(*, engine: Engine, token: str, now: dt.datetime) -> TokenStatus:
    """Whether a reset link can still be used (DONE), or EXPIRED / INVALID: lets the page say so
    before the person types a new password. Consumes nothing."""
    if not isinstance(token, str) or not token:
        return TokenStatus.INVALID
    with session_scope(engine) as session:
        status, _ = _peek_token(session, token=token, purpose=PASSWORD_RESET, now=now)
    return status


def reset_password(*, engine: Engine, token: str, new_password: str, now: dt.datetime) -> TokenOutcome:
    """Set a new password from a reset link.

    EXPIRED / INVALID (used, unknown); FIELD_ERRORS with key "new_password" (password policy; the
    link stays usable); DONE: the link is used up, every session of the account ends, the login
    lockout is cleared, an unactivated account becomes activated (the link proved the address),
    and a `password_changed` notice is mailed. No automatic login.
    """
    if not isinstance(token, str) or not token:
        return TokenOutcome(TokenStatus.INVALID)
    with session_scope(engine) as session:
        status, account = _peek_token(session, token=token, purpose=PASSWORD_RESET, now=now)
    if account is None:
        return TokenOutcome(status)
    problems = password_policy.check_password(
        new_password,
        last_name=account.last_name,
        first_names=account.first_names,
        birth_date=account.birth_date,
        email=account.email,
    )
    if problems:
        return TokenOutcome(TokenStatus.FIELD_ERRORS, errors={"new_password": problems})
    password_hash = security.hash_password(new_password)
    with session_scope(engine) as session:
        account_id = _consume_token(session, token=token, purpose=PASSWORD_RESET, now=now)
        if account_id is None:
            return TokenOutcome(_token_failure(session, token=token, purpose=PASSWORD_RESET, now=now))
        account = session.get(Account, account_id)
        if account is None:
            return TokenOutcome(TokenStatus.INVALID)
        account.password_hash = password_hash
        if account.activated_at is None:
            account.activated_at = now
        session.add(account)
        # Login tickets too: one handed out just before the reset must not open a session after it.
        _retire_tokens(session, account_id=account_id, purposes=(PASSWORD_RESET, LOGIN_TICKET), now=now)
        end_all_sessions_in(session, account_id=account_id, now=now)
        rate_limit.clear_login_failures(session, email=account.email)
        _send(
            session,
            to=account.email,
            message=mail_templates.password_changed(
                first_name=_first_name(account.first_names), reset_link=_link(PASSWORD_FORGOTTEN_PATH)
            ),
            now=now,
        )
    return TokenOutcome(TokenStatus.DONE)


# ---------------------------------------------------------------------------------------------
# Account page


def _throttled_change(wait: int) -> ChangeOutcome:
    return ChangeOutcome(ChangeStatus.THROTTLED, message=too_many_attempts_message(wait), retry_after=wait)


def request_email_change(
    *, engine: Engine, account_id: int, new_email: str, password: str, now: dt.datetime
) -> ChangeOutcome:
    """Mail a confirmation link to the NEW address; the account keeps its address until confirmed.

    FIELD_ERRORS keys: "new_email", "password" (MSG_WRONG_PASSWORD). THROTTLED after repeated
    wrong passwords (shared with the login back-off). DONE means "check the new mailbox": also
    when the new address already belongs to another account, in which case nothing is sent (no
    account can be probed this way). At most 3 requests an hour per account (beyond: DONE, no mail).
    """
    account = _load_account(engine, account_id)
    if account is None:
        return ChangeOutcome(ChangeStatus.FIELD_ERRORS, errors={"password": [MSG_WRONG_PASSWORD]})
    address, error = normalize_email(new_email)
    if error or address is None:
        return ChangeOutcome(ChangeStatus.FIELD_ERRORS, errors={"new_email": [error or ""]})
    if address == account.email:
        return ChangeOutcome(ChangeStatus.FIELD_ERRORS, errors={"new_email": [MSG_SAME_EMAIL]})
    matches, wait = _check_password_with_throttle(engine, account=account, password=password, now=now)
    if wait is not None:
        return _throttled_change(wait)
    if not matches:
        return ChangeOutcome(ChangeStatus.FIELD_ERRORS, errors={"password": [MSG_WRONG_PASSWORD]})
    with session_scope(engine) as session:
        taken = session.exec(select(Account.id).where(col(Account.email) == address)).one_or_none()
        allowed = rate_limit.hit(
            session, limit=rate_limit.EMAIL_CHANGE_PER_ACCOUNT, key=str(account_id), now=now
        )
        if taken is None and allowed is None:
            _retire_tokens(session, account_id=account_id, purposes=(EMAIL_CHANGE,), now=now)
            raw = _new_token_row(
                session,
                account_id=account_id,
                purpose=EMAIL_CHANGE,
                now=now,
                validity=EMAIL_CHANGE_VALIDITY,
                new_email=address,
            )
            _send(
                session,
                to=address,
                message=mail_templates.email_change_verification(
                    first_name=_first_name(account.first_names), link=_link(EMAIL_CHANGE_PATH, raw)
                ),
                now=now,
            )
    return ChangeOutcome(ChangeStatus.DONE)


def confirm_email_change(*, engine: Engine, token: str, now: dt.datetime) -> TokenOutcome:
    """Follow the link mailed to the new address (valid 24 h, single use).

    DONE: the account now uses the new address, the old one gets `email_changed_notice` (with the
    new address masked), and pending reset or email-change links are retired. EXPIRED, INVALID,
    or TAKEN when another account got that address in the meantime.
    """
    if not isinstance(token, str) or not token:
        return TokenOutcome(TokenStatus.INVALID)
    try:
        with session_scope(engine) as session:
            account_id = _consume_token(session, token=token, purpose=EMAIL_CHANGE, now=now)
            if account_id is None:
                return TokenOutcome(_token_failure(session, token=token, purpose=EMAIL_CHANGE, now=now))
            new_email = session.exec(
                select(AccountToken.new_email).where(
                    col(AccountToken.token_hash) == security.hash_token(token)
                )
            ).one()
            account = session.get(Account, account_id)
            if account is None or not new_email:
                return TokenOutcome(TokenStatus.INVALID)
            old_email = account.email
            account.email = new_email
            session.add(account)
            session.flush()  # unique email: raises if the address was taken meanwhile
            _retire_tokens(session, account_id=account_id, purposes=(PASSWORD_RESET, EMAIL_CHANGE), now=now)
            rate_limit.clear_login_failures(session, email=old_email)
            _send(
                session,
                to=old_email,
                message=mail_templates.email_changed_notice(
                    first_name=_first_name(account.first_names), new_email_masked=mask_email(new_email)
                ),
                now=now,
            )
    except IntegrityError:
        return TokenOutcome(TokenStatus.TAKEN)
    return TokenOutcome(TokenStatus.DONE)


def change_password(
    *,
    engine: Engine,
    account_id: int,
    current_password: str,
    new_password: str,
    current_session_id: str | None,
    now: dt.datetime,
) -> ChangeOutcome:
    """Change the password from the account page.

    FIELD_ERRORS keys: "current_password" (MSG_WRONG_CURRENT_PASSWORD), "new_password" (policy,
    MSG_SAME_PASSWORD). THROTTLED after repeated wrong passwords. DONE: every other session of
    the account ends (this one stays), pending reset links and login tickets stop working, and a
    `password_changed` notice is mailed.
    """
    account = _load_account(engine, account_id)
    if account is None:
        return ChangeOutcome(
            ChangeStatus.FIELD_ERRORS, errors={"current_password": [MSG_WRONG_CURRENT_PASSWORD]}
        )
    matches, wait = _check_password_with_throttle(engine, account=account, password=current_password, now=now)
    if wait is not None:
        return _throttled_change(wait)
    if not matches:
        return ChangeOutcome(
            ChangeStatus.FIELD_ERRORS, errors={"current_password": [MSG_WRONG_CURRENT_PASSWORD]}
        )
    problems = password_policy.check_password(
        new_password,
        last_name=account.last_name,
        first_names=account.first_names,
        birth_date=account.birth_date,
        email=account.email,
    )
    if not problems and unicodedata.normalize("NFKC", new_password) == unicodedata.normalize(
        "NFKC", current_password
    ):
        problems = [MSG_SAME_PASSWORD]
    if problems:
        return ChangeOutcome(ChangeStatus.FIELD_ERRORS, errors={"new_password": problems})
    password_hash = security.hash_password(new_password)
    with session_scope(engine) as session:
        session.exec(update(Account).where(col(Account.id) == account_id).values(password_hash=password_hash))
        end_all_sessions_in(session, account_id=account_id, now=now, except_session_id=current_session_id)
        # Login tickets too, as for a reset: one handed out before the change opens nothing after it.
        _retire_tokens(session, account_id=account_id, purposes=(PASSWORD_RESET, LOGIN_TICKET), now=now)
        _send(
            session,
            to=account.email,
            message=mail_templates.password_changed(
                first_name=_first_name(account.first_names), reset_link=_link(PASSWORD_FORGOTTEN_PATH)
            ),
            now=now,
        )
    return ChangeOutcome(ChangeStatus.DONE)


def close_account(*, engine: Engine, account_id: int, password: str, now: dt.datetime) -> ChangeOutcome:
    """Close the account, confirmed by its password; then its personal data are deleted.

    FIELD_ERRORS key "password" (MSG_WRONG_PASSWORD); THROTTLED as for login. DONE: the goodbye
    mail `account_closed` is queued, then the account row, its tokens, its sessions and its login
    failure record are deleted, all in one transaction. The only trace left is that outbox row,
    encrypted at rest (and the anonymous, hashed rate-limit events, gone within the hour). The
    licence itself belongs to the national file and stays.
    """
    account = _load_account(engine, account_id)
    if account is None:
        return ChangeOutcome(ChangeStatus.FIELD_ERRORS, errors={"password": [MSG_WRONG_PASSWORD]})
    matches, wait = _check_password_with_throttle(engine, account=account, password=password, now=now)
    if wait is not None:
        return _throttled_change(wait)
    if not matches:
        return ChangeOutcome(ChangeStatus.FIELD_ERRORS, errors={"password": [MSG_WRONG_PASSWORD]})
    with session_scope(engine) as session:
        _send(
            session,
            to=account.email,
            message=mail_templates.account_closed(first_name=_first_name(account.first_names)),
            now=now,
        )
        session.exec(delete(AccountToken).where(col(AccountToken.account_id) == account_id))
        session.exec(delete(AccountSession).where(col(AccountSession.account_id) == account_id))
        rate_limit.clear_login_failures(session, email=account.email)
        session.exec(delete(Account).where(col(Account.id) == account_id))
    return ChangeOutcome(ChangeStatus.DONE)


# ---------------------------------------------------------------------------------------------
# Housekeeping

HOUSEKEEPING_INTERVAL_SECONDS = 3600.0


def housekeeping(*, engine: Engine, now: dt.datetime) -> int:
    """Every purge of the accounts services in one call (run hourly); returns rows removed.

    Dead sessions and login tickets (services.sessions), mailed links used or expired for more
    than a day, accounts never activated whose activation links have all expired (the activation
    mail says to sign up again after the deadline), and rate-limit events and login back-off
    records out of every window (services.rate_limit), and mails sent more than a week ago.
    """
    removed = sessions_service.purge_expired(engine=engine, now=now)
    with session_scope(engine) as session:
        removed += (
            session.exec(
                delete(AccountToken).where(
                    or_(col(AccountToken.used_at).is_not(None), col(AccountToken.expires_at) <= now),
                    col(AccountToken.expires_at) <= now - dt.timedelta(days=1),
                )
            ).rowcount
            or 0
        )
        stale = list(session.exec(select(Account.id).where(_stale_unactivated(now))))
        if stale:
            session.exec(delete(AccountToken).where(col(AccountToken.account_id).in_(stale)))
            removed += session.exec(delete(Account).where(col(Account.id).in_(stale))).rowcount or 0
        removed += rate_limit.purge(session, now=now)
    removed += mail.purge_sent(engine=engine, now=now)
    return int(removed)


async def run_housekeeping_forever(
    *, engine: Engine, interval: float = HOUSEKEEPING_INTERVAL_SECONDS
) -> None:
    """Runs `housekeeping` every `interval` seconds until cancelled (an asyncio coroutine).

    Register it as a lifespan task: ``app.register_lifespan_task(run_housekeeping_forever,
    engine=get_engine())``. Each round runs in a worker thread, so the event loop never waits on
    the database; a failed round is logged and the next one runs as planned. Several workers may
    each run it: every purge is a plain DELETE of what is already dead.
    """
    while True:
        try:
            removed = await asyncio.to_thread(housekeeping, engine=engine, now=utcnow())
            logger.info("housekeeping removed %d rows", removed)
        except Exception:  # a database hiccup must not stop housekeeping for good
            logger.exception("housekeeping round failed")
        await asyncio.sleep(interval)
