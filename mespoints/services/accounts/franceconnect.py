"""Accounts reached through FranceConnect: login, first login, linking, and taking back a licence.

- The holder is identified by `sub`, stored as SHA-256 of the issuer and the sub
  (`account.franceconnect_sub_hash`): equality is all the portal needs, the demonstration and the
  real provider never share accounts, and the raw pseudonym stays out of the database.
- `state`, nonce and PKCE verifier live server-side only (`franceconnect_request`: the state's
  SHA-256, the rest encrypted), bound to the browser by an HttpOnly cookie, consumed once by one
  conditional UPDATE, valid FRANCECONNECT_REQUEST_VALIDITY.
- A first login keeps the vouched identity server-side (`franceconnect_identity`, encrypted), the
  browser holding only a random handle in an HttpOnly cookie. The driver then gives the licence
  format and number (they must match the identity: family name normalised as for any sign-up,
  birth date), accepts the terms, and the account exists, activated, without password or mail.
- A licence bound to a PASSWORD account is never moved nor linked silently: the driver says
  « C'est mon compte » (that account's password links FranceConnect to it) or « Ce compte n'est
  pas le mien » (the licence moves; the other account loses it, its sessions end, its address is
  told by mail).
- The FranceConnect email is the contact address. If an account already uses it, the driver
  links to it (its password) or gives another address, which then receives an activation link.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import secrets
from typing import Any

from sqlalchemy import Engine, delete, or_, update
from sqlmodel import Session, col, select

from mespoints import routes
from mespoints.db.accounts import Account, FranceConnectIdentity, FranceConnectRequest
from mespoints.db.engine import session_scope
from mespoints.domain import identity as identity_rules
from mespoints.domain.account_policy import (
    ACTIVATION_VALIDITY,
    FRANCECONNECT_IDENTITY_VALIDITY,
    FRANCECONNECT_REQUEST_VALIDITY,
)
from mespoints.domain.licence_format import LICENCE_FORMATS
from mespoints.services import mail_templates, national_file, rate_limit, secrets_box, sessions
from mespoints.services.accounts import tokens
from mespoints.services.accounts.activation import bind_licence
from mespoints.services.accounts.common import (
    first_name,
    link,
    mask_email,
    normalize_email,
    paris_time_text,
    today_of,
)
from mespoints.services.accounts.login import confirm_password
from mespoints.services.accounts.outcome import (
    MSG_LICENCE_FORMAT,
    MSG_TERMS,
    MSG_WRONG_PASSWORD,
    Outcome,
    Status,
    field_errors,
    rate_limited,
)
from mespoints.services.accounts.requests import send, send_limited
from mespoints.services.accounts.signup import _match_licence, activated_holder
from mespoints.services.security import hash_token

LOGIN = "login"
LOGOUT = "logout"

MSG_LICENCE_OF_ANOTHER_FC = (
    "Ce permis est déjà rattaché à un autre compte ouvert avec FranceConnect. Écrivez au service "
    "indiqué dans les mentions légales : il vérifiera la situation."
)
MSG_ALREADY_LINKED = "Ce compte est déjà relié à une autre identité FranceConnect."
MSG_NOT_YOUR_LICENCE = (
    "Le permis rattaché au compte qui utilise cette adresse n'est pas celui de l'identité transmise par "
    "FranceConnect : ce compte ne peut pas être relié. Indiquez une autre adresse électronique."
)
logger = logging.getLogger(__name__)
MSG_EXPIRED = "Votre identification FranceConnect a expiré. Recommencez depuis la page de connexion."


def sub_hash(issuer: str, sub: str) -> str:
    return hashlib.sha256(f"{issuer}\n{sub}".encode()).hexdigest()


# ----- the server-side half of a request to the provider ------------------------------------


@dataclasses.dataclass(frozen=True)
class Started:
    state: str  # ≥ 32 characters from `secrets`, sent to the provider
    browser_secret: str  # the flow cookie's value: the callback must come from this browser
    payload: dict[str, str]


def begin_request(*, engine: Engine, purpose: str, payload: dict[str, str], now: dt.datetime) -> Started:
    """Store a request's secrets server-side; the raw state and browser secret are returned once."""
    state, browser_secret = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with session_scope(engine) as session:
        session.add(
            FranceConnectRequest(
                state_hash=hash_token(state),
                browser_hash=hash_token(browser_secret),
                purpose=purpose,
                payload_encrypted=secrets_box.encrypt(json.dumps(payload)),
                created_at=now,
                expires_at=now + FRANCECONNECT_REQUEST_VALIDITY,
            )
        )
    return Started(state=state, browser_secret=browser_secret, payload=payload)


def new_login_secrets() -> dict[str, str]:
    """The nonce and PKCE verifier of one login (both from `secrets`, ≥ 43 characters)."""
    return {"nonce": secrets.token_urlsafe(32), "code_verifier": secrets.token_urlsafe(48)}


def consume_request(
    *, engine: Engine, state: str, browser_secret: str, purpose: str, now: dt.datetime
) -> dict[str, str] | None:
    """The request's secrets, once: None when the state is unknown, used, expired, or was issued to
    another browser (it is burnt all the same)."""
    if not state or len(state) > 200:
        return None
    with session_scope(engine) as session:
        row = session.exec(
            update(FranceConnectRequest)
            .where(
                col(FranceConnectRequest.state_hash) == hash_token(state),
                col(FranceConnectRequest.purpose) == purpose,
                col(FranceConnectRequest.used_at).is_(None),
                col(FranceConnectRequest.expires_at) > now,
            )
            .values(used_at=now)
            .returning(col(FranceConnectRequest.browser_hash), col(FranceConnectRequest.payload_encrypted))
        ).one_or_none()
    if row is None or not browser_secret or not secrets.compare_digest(row[0], hash_token(browser_secret)):
        return None
    payload: dict[str, str] = json.loads(secrets_box.decrypt(row[1]))
    return payload


# ----- after the provider vouched for someone -------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Admission:
    """Either a session for a known holder, or a first login to finish (handle for its cookie)."""

    session_id: str | None = None
    handle: str | None = None


def admit(
    *,
    engine: Engine,
    issuer: str,
    sub: str,
    id_token: str,
    claims: dict[str, str],
    next_path: str,
    now: dt.datetime,
) -> Admission | None:
    """A known holder gets a session; anyone else a first login to finish. None: the identity is
    unusable (no valid birth date or address)."""
    holder = sub_hash(issuer, sub)
    try:
        birth_date = dt.date.fromisoformat(claims["birthdate"])
    except (KeyError, ValueError):
        return None
    email, error = normalize_email(claims.get("email", ""))
    if error or email is None:
        return None
    id_token_encrypted = secrets_box.encrypt(id_token)
    with session_scope(engine) as session:
        account = session.exec(
            select(Account).where(col(Account.franceconnect_sub_hash) == holder)
        ).one_or_none()
        if account is not None and account.id is not None and account.activated_at is not None:
            return Admission(
                session_id=sessions.open_session_in(
                    session,
                    account_id=account.id,
                    now=now,
                    auth_method=sessions.AuthMethod.FRANCECONNECT,
                    id_token_encrypted=id_token_encrypted,
                )
            )
        raw_handle = secrets.token_urlsafe(32)
        payload = {
            "given_name": claims["given_name"][:200],
            "family_name": claims["family_name"][:100],
            "birthdate": birth_date.isoformat(),
            "email": email,
            "id_token_encrypted": id_token_encrypted,
            "next": next_path,
        }
        session.add(
            FranceConnectIdentity(
                handle_hash=hash_token(raw_handle),
                sub_hash=holder,
                payload_encrypted=secrets_box.encrypt(json.dumps(payload)),
                created_at=now,
                expires_at=now + FRANCECONNECT_IDENTITY_VALIDITY,
            )
        )
    return Admission(handle=raw_handle)


@dataclasses.dataclass(frozen=True)
class PendingIdentity:
    """A first login in progress: what FranceConnect said, and whether its address is free."""

    given_name: str
    family_name: str
    birth_date: dt.date
    email: str
    email_taken: bool
    done: bool  # the account exists; the session route opens the session


def _pending_row(session: Session, handle: str, now: dt.datetime) -> FranceConnectIdentity | None:
    if not handle or len(handle) > 200:
        return None
    return session.exec(
        select(FranceConnectIdentity).where(
            col(FranceConnectIdentity.handle_hash) == hash_token(handle),
            col(FranceConnectIdentity.used_at).is_(None),
            col(FranceConnectIdentity.expires_at) > now,
        )
    ).one_or_none()


def _payload(row: FranceConnectIdentity) -> dict[str, Any]:
    return json.loads(secrets_box.decrypt(row.payload_encrypted))  # type: ignore[no-any-return]


def load_pending(*, engine: Engine, handle: str, now: dt.datetime) -> PendingIdentity | None:
    with session_scope(engine) as session:
        row = _pending_row(session, handle, now)
        if row is None:
            return None
        data = _payload(row)
        taken = _address_in_use(session, str(data["email"]))
    return PendingIdentity(
        given_name=data["given_name"],
        family_name=data["family_name"],
        birth_date=dt.date.fromisoformat(data["birthdate"]),
        email=data["email"],
        email_taken=taken,
        done=row.account_id is not None,
    )


def _claim_for(
    data: dict[str, Any], licence_format: str, licence_number: str, now: dt.datetime
) -> identity_rules.LicenceClaim | Outcome:
    """The licence claim of the vouched identity: its family name and birth date, never typed."""
    if licence_format not in LICENCE_FORMATS:
        return field_errors({"licence_format": [MSG_LICENCE_FORMAT]})
    claim, problems = identity_rules.validate_licence_claim(
        last_name=data["family_name"],
        birth_date=dt.date.fromisoformat(data["birthdate"]),
        licence_format=licence_format,
        licence_number=licence_number,
        today=today_of(now),
    )
    if claim is None:
        return field_errors({field: [message] for field, message in problems.items()})
    return claim


def check_licence(
    *,
    engine: Engine,
    handle: str,
    licence_format: str,
    licence_number: str,
    now: dt.datetime,
    ip: str | None = None,
) -> Outcome:
    """The licence step of a first login: the licence must be this person's.

    DONE: free (or already this holder's). CLAIM_NEEDED: bound to a password account (`message`
    holds its masked address). LICENCE_TAKEN: bound to another FranceConnect holder. Else
    MISMATCH, RATE_LIMITED (the sign-up's counters), FIELD_ERRORS, or EXPIRED (the identity).
    """
    with session_scope(engine) as session:
        found = _pending_licence(
            session,
            handle=handle,
            licence_format=licence_format,
            licence_number=licence_number,
            ip=ip,
            now=now,
        )
        if isinstance(found, Outcome):
            return found
        row, _, matched = found
        return _holder_status(session, matched, row.sub_hash)


def _pending_licence(
    session: Session,
    *,
    handle: str,
    licence_format: str,
    licence_number: str,
    ip: str | None,
    now: dt.datetime,
) -> tuple[FranceConnectIdentity, dict[str, Any], str] | Outcome:
    """The first login in progress (not yet finished), what FranceConnect said, and the licence
    number as the national file spells it; or why not (EXPIRED, FIELD_ERRORS, MISMATCH…)."""
    row = _pending_row(session, handle, now)
    if row is None or row.account_id is not None:
        return Outcome(Status.EXPIRED, message=MSG_EXPIRED)
    data = _payload(row)
    claim = _claim_for(data, licence_format, licence_number, now)
    if isinstance(claim, Outcome):
        return claim
    matched = _match_vouched(session, row=row, data=data, claim=claim, ip=ip, now=now)
    if isinstance(matched, Outcome):
        return matched
    return row, data, matched


def _holder_status(session: Session, licence_number: str, holder_hash: str) -> Outcome:
    holder = activated_holder(session, licence_number)
    if holder is None or holder.franceconnect_sub_hash == holder_hash:
        return Outcome(Status.DONE)
    if holder.franceconnect_sub_hash is None:
        return Outcome(Status.CLAIM_NEEDED, message=mask_email(holder.email))
    return Outcome(Status.LICENCE_TAKEN, message=MSG_LICENCE_OF_ANOTHER_FC)


def link_with_password(
    *,
    engine: Engine,
    handle: str,
    password: object,
    now: dt.datetime,
    licence_format: str = "",
    licence_number: str = "",
) -> Outcome:
    """« C'est mon compte »: the password of the account holding the licence (licence given) or
    using the FranceConnect address (no licence) links FranceConnect to it. DONE (account_id):
    the session route then opens a FranceConnect session on it."""
    with session_scope(engine) as session:
        row = _pending_row(session, handle, now)
        if row is None:
            return Outcome(Status.EXPIRED, message=MSG_EXPIRED)
        data = _payload(row)
        if licence_number:
            claim = _claim_for(data, licence_format, licence_number, now)
            if isinstance(claim, Outcome):
                return claim
            found = _match_vouched(session, row=row, data=data, claim=claim, ip=None, now=now)
            if isinstance(found, Outcome):
                return found
            target = activated_holder(session, found)
        else:
            target = session.exec(
                select(Account).where(
                    col(Account.email) == data["email"], col(Account.activated_at).is_not(None)
                )
            ).one_or_none()
            # Linked by its address only if it holds no licence, or this person's: else someone
            # who bound another's licence to an account with their own address would get a
            # FranceConnect session on it (and its relevé intégral).
            if target is not None and target.licence_number and not _holds_own_licence(session, target, data):
                return Outcome(Status.FIELD_ERRORS, errors={"password": [MSG_NOT_YOUR_LICENCE]})
    if target is None or target.id is None:
        return Outcome(Status.EXPIRED, message=MSG_EXPIRED)
    if target.franceconnect_sub_hash not in (None, row.sub_hash):
        return Outcome(Status.FIELD_ERRORS, errors={"password": [MSG_ALREADY_LINKED]})
    matches, wait = confirm_password(engine, account=target, password=password, now=now)
    if wait is not None:
        return rate_limited(wait)
    if not matches:
        return Outcome(Status.FIELD_ERRORS, errors={"password": [MSG_WRONG_PASSWORD]})
    if target.activated_at is None:  # a pending sign-up answers like no account at all
        return Outcome(Status.FIELD_ERRORS, errors={"password": [MSG_WRONG_PASSWORD]})
    with session_scope(engine) as session:
        linked = session.exec(
            update(Account)
            .where(
                col(Account.id) == target.id,
                or_(
                    col(Account.franceconnect_sub_hash).is_(None),
                    col(Account.franceconnect_sub_hash) == row.sub_hash,
                ),
            )
            .values(franceconnect_sub_hash=row.sub_hash)
        ).rowcount
        if linked != 1:
            return Outcome(Status.FIELD_ERRORS, errors={"password": [MSG_ALREADY_LINKED]})
        # The password was known to whoever used it so far: its other sessions end.
        sessions.end_all_sessions_in(session, account_id=target.id, now=now)
        _mark_done(session, row_id=row.id, account_id=target.id)
    logger.info("FranceConnect linked to account %s", target.id)
    return Outcome(Status.DONE, account_id=target.id)


def _match_vouched(
    session: Session,
    *,
    row: FranceConnectIdentity,
    data: dict[str, Any],
    claim: identity_rules.LicenceClaim,
    ip: str | None,
    now: dt.datetime,
) -> Outcome | str:
    """The licence of a vouched identity (family name, first given name, birth date), counted
    against the identity itself (and its network): no per-licence count a squatter could fill."""
    counters = [(rate_limit.LICENCE_CHECK_PER_IDENTITY, row.sub_hash)]
    if ip:
        counters.append((rate_limit.LICENCE_CHECK_PER_IP, rate_limit.ip_key(ip)))
    return _match_licence(
        session, claim=claim, counters=counters, now=now, given_names=str(data["given_name"])
    )


def _holds_own_licence(session: Session, account: Account, data: dict[str, Any]) -> bool:
    """The account's licence belongs to the person FranceConnect vouched for."""
    return (
        account.licence_number is not None
        and national_file.find_licence_for_identity(
            session,
            licence_number=account.licence_number,
            licence_format=None,
            last_name=str(data["family_name"]),
            birth_date=dt.date.fromisoformat(str(data["birthdate"])),
            given_names=str(data["given_name"]),
        )
        is not None
    )


def _mark_done(session: Session, *, row_id: int | None, account_id: int) -> None:
    session.exec(
        update(FranceConnectIdentity)
        .where(col(FranceConnectIdentity.id) == row_id, col(FranceConnectIdentity.used_at).is_(None))
        .values(account_id=account_id)
    )


def finish_signup(
    *,
    engine: Engine,
    handle: str,
    licence_format: str,
    licence_number: str,
    terms_accepted: bool,
    claim_confirmed: bool,
    now: dt.datetime,
    other_email: str | None = None,
) -> Outcome:
    """The end of a first login: the account, activated, without password.

    DONE (account_id): the session route opens the session. With `other_email` (the FranceConnect
    address belongs to another account): CHECK_MAILBOX, that address gets an activation link (or,
    if it has an account, a mail saying so). A licence bound to a password account moves only
    with `claim_confirmed` (« Ce compte n'est pas le mien »), else CLAIM_NEEDED.
    """
    if terms_accepted is not True:
        return field_errors({"terms_accepted": [MSG_TERMS]})
    contact: str | None = None
    if other_email is not None:
        contact, error = normalize_email(other_email)
        if error or contact is None:
            return field_errors({"email": [error or ""]})
    with session_scope(engine) as session:
        found = _pending_licence(
            session,
            handle=handle,
            licence_format=licence_format,
            licence_number=licence_number,
            ip=None,
            now=now,
        )
        if isinstance(found, Outcome):
            return found
        row, data, matched = found
        status = _holder_status(session, matched, row.sub_hash)
        if status.status == Status.LICENCE_TAKEN:
            return status
        if status.status == Status.CLAIM_NEEDED and not claim_confirmed:
            return status
        email = contact or str(data["email"])
        # Every refusal comes before anything changes: a licence moves only with an account made.
        if _address_in_use(session, email):
            if contact is None:
                return Outcome(Status.TAKEN)  # the page offers linking or another address
            _mail_address_taken(session, to=email, now=now)
            session.exec(
                update(FranceConnectIdentity)
                .where(col(FranceConnectIdentity.id) == row.id)
                .values(used_at=now)
            )
            return Outcome(Status.CHECK_MAILBOX)
        # A sign-up not activated holds neither its address nor this identity: replaced.
        session.exec(
            delete(Account).where(
                or_(col(Account.email) == email, col(Account.franceconnect_sub_hash) == row.sub_hash),
                col(Account.activated_at).is_(None),
            )
        )
        if status.status == Status.CLAIM_NEEDED:
            _take_back(session, licence_number=matched, now=now)
        account = Account(
            email=email,
            password_hash=None,
            last_name=data["family_name"],
            first_names=data["given_name"],
            birth_date=dt.date.fromisoformat(data["birthdate"]),
            licence_number=matched,
            created_at=now,
            franceconnect_sub_hash=row.sub_hash,
        )
        session.add(account)
        session.flush()
        assert account.id is not None
        if contact is not None:  # another address: proven by the activation link
            _mail_activation(session, account=account, now=now)
            session.exec(
                update(FranceConnectIdentity)
                .where(col(FranceConnectIdentity.id) == row.id)
                .values(used_at=now)
            )
            return Outcome(Status.CHECK_MAILBOX)
        if not bind_licence(session, account=account, now=now):
            return Outcome(Status.LICENCE_TAKEN, message=MSG_LICENCE_OF_ANOTHER_FC)
        _mark_done(session, row_id=row.id, account_id=account.id)
        return Outcome(Status.DONE, account_id=account.id)


def _address_in_use(session: Session, email: str) -> bool:
    """An activated account uses this address (a sign-up not activated never holds one)."""
    return (
        session.exec(
            select(Account.id).where(col(Account.email) == email, col(Account.activated_at).is_not(None))
        ).first()
        is not None
    )


def _take_back(session: Session, *, licence_number: str, now: dt.datetime) -> None:
    """« Ce compte n'est pas le mien »: the password account loses the licence, its sessions end,
    its address is told."""
    holder = activated_holder(session, licence_number)
    if holder is None or holder.id is None:
        return
    session.exec(
        update(Account)
        .where(col(Account.id) == holder.id)
        .values(licence_number=None, licence_claimed_at=now)
    )
    sessions.end_all_sessions_in(session, account_id=holder.id, now=now)
    send(
        session,
        to=holder.email,
        message=mail_templates.licence_claimed(
            first_name=first_name(holder.first_names),
            licence_number=licence_number,
            login_link=link(routes.LOGIN),
        ),
        now=now,
    )


def _mail_activation(session: Session, *, account: Account, now: dt.datetime) -> None:
    assert account.id is not None
    raw = tokens.issue(
        session, account_id=account.id, purpose=tokens.ACTIVATION, now=now, validity=ACTIVATION_VALIDITY
    )
    send(
        session,
        to=account.email,
        message=mail_templates.activation(
            first_name=first_name(account.first_names),
            link=link(routes.ACTIVATION, raw),
            expires_at_text=paris_time_text(now + ACTIVATION_VALIDITY),
        ),
        now=now,
    )


def _mail_address_taken(session: Session, *, to: str, now: dt.datetime) -> None:
    send_limited(
        session,
        limit=rate_limit.SIGNUP_MAIL_PER_EMAIL,
        to=to,
        message=mail_templates.account_already_exists(
            first_name="", login_link=link(routes.LOGIN), reset_link=link(routes.PASSWORD_FORGOTTEN)
        ),
        now=now,
    )


def open_finished_session(*, engine: Engine, handle: str, now: dt.datetime) -> tuple[str, str] | None:
    """The session route: a first login whose account exists becomes a FranceConnect session,
    once. Returns (raw session id, next page) or None."""
    with session_scope(engine) as session:
        row = _pending_row(session, handle, now)
        if row is None or row.account_id is None:
            return None
        consumed = session.exec(
            update(FranceConnectIdentity)
            .where(col(FranceConnectIdentity.id) == row.id, col(FranceConnectIdentity.used_at).is_(None))
            .values(used_at=now)
        ).rowcount
        account = session.get(Account, row.account_id)
        if not consumed or account is None or account.activated_at is None:
            return None
        data = _payload(row)
        session_id = sessions.open_session_in(
            session,
            account_id=row.account_id,
            now=now,
            auth_method=sessions.AuthMethod.FRANCECONNECT,
            id_token_encrypted=data["id_token_encrypted"],
        )
    return session_id, str(data.get("next") or routes.DASHBOARD)
