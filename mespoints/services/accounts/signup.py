"""Sign-up: the licence check of wizard step 5, and the end of the wizard (`register`).

Whether the email or the licence already has an account is told only by mail, to the address
concerned: once identity and licence match, `register` always answers CHECK_MAILBOX, and the
mail sender (`_signup_request`) decides what to send. A licence is bound to an account at
activation, not here (services.accounts.activation).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from mespoints import routes
from mespoints.db.accounts import Account
from mespoints.db.engine import session_scope
from mespoints.domain import identity, password_policy
from mespoints.domain.account_policy import ACTIVATION_VALIDITY
from mespoints.services import mail_templates, national_file, rate_limit, security
from mespoints.services.accounts import tokens
from mespoints.services.accounts.common import first_name, link, normalize_email, paris_time_text, today_of
from mespoints.services.accounts.outcome import (
    MSG_LICENCE_MISMATCH,
    MSG_TERMS,
    Errors,
    Outcome,
    Status,
    field_errors,
    rate_limited,
)
from mespoints.services.accounts.requests import handles, send, send_limited, submit

SIGNUP_REQUEST = "signup"


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


def _licence_counters(*, number: str, attempt_key: str, ip: str | None) -> list[tuple[rate_limit.Limit, str]]:
    """Who a failed licence check counts against: the licence, the browser, the client's network."""
    counters = [(rate_limit.LICENCE_CHECK_PER_LICENCE, number)]
    if attempt_key:
        counters.append((rate_limit.LICENCE_CHECK_PER_BROWSER, attempt_key))
    if ip:
        counters.append((rate_limit.LICENCE_CHECK_PER_IP, rate_limit.ip_key(ip)))
    return counters


def _match_licence(
    session: Session,
    *,
    claim: identity.LicenceClaim,
    counters: list[tuple[rate_limit.Limit, str]],
    now: dt.datetime,
    given_names: str | None = None,
) -> Outcome | str:
    """The licence number as the national file spells it, or why not (RATE_LIMITED, MISMATCH)."""
    waits = [rate_limit.retry_after(session, limit=limit, key=key, now=now) for limit, key in counters]
    wait = max((w for w in waits if w is not None), default=None)
    if wait is not None:
        return rate_limited(wait)
    found = national_file.find_licence_for_identity(
        session,
        licence_number=claim.licence_number,
        licence_format=claim.licence_format,
        last_name=claim.last_name,
        birth_date=claim.birth_date,
        given_names=given_names,
    )
    if found is None:
        for limit, key in counters:
            rate_limit.record(session, limit=limit, key=key, now=now)
        return Outcome(Status.MISMATCH, message=MSG_LICENCE_MISMATCH)
    return found


def check_licence(
    *,
    engine: Engine,
    attempt_key: str,
    last_name: str,
    birth_date: str | dt.date,
    licence_format: str,
    licence_number: str,
    now: dt.datetime,
    ip: str | None = None,
) -> Outcome:
    """Wizard step 5: does a licence with this number and format belong to this person?

    `attempt_key` identifies the browser (the Reflex client token, which a client may change at
    will), `ip` the client's address (IPv6 counted by /64). After 5 failed checks within an hour
    for this licence number, this browser, or 20 from this network, RATE_LIMITED. Only
    mismatches count. Unreadable input gives FIELD_ERRORS (keys last_name, birth_date,
    licence_format, licence_number) and counts nothing. DONE does not tell whether the licence
    already has an account.
    """
    claim, problems = identity.validate_licence_claim(
        last_name=last_name,
        birth_date=birth_date,
        licence_format=licence_format,
        licence_number=licence_number,
        today=today_of(now),
    )
    if claim is None:
        return field_errors({field: [message] for field, message in problems.items()})
    counters = _licence_counters(number=claim.licence_number, attempt_key=attempt_key, ip=ip)
    with session_scope(engine) as session:
        matched = _match_licence(session, claim=claim, counters=counters, now=now)
    return matched if isinstance(matched, Outcome) else Outcome(Status.DONE)


def _validate_draft(draft: SignupDraft, *, now: dt.datetime) -> tuple[Errors, dict[str, Any]]:
    errors: Errors = {}
    person, problems = identity.validate_identity(
        last_name=draft.last_name,
        first_names=draft.first_names,
        birth_date=draft.birth_date,
        today=today_of(now),
    )
    claim, claim_problems = identity.validate_licence_claim(
        last_name=draft.last_name,
        birth_date=draft.birth_date,
        licence_format=draft.licence_format,
        licence_number=draft.licence_number,
        today=today_of(now),
    )
    for field, message in {**claim_problems, **problems}.items():
        errors[field] = [message]
    email, error = normalize_email(draft.email)
    if error:
        errors["email"] = [error]
    if not draft.password_hash:
        password_problems = password_policy.check_password(
            draft.password,
            last_name=person.last_name if person else draft.last_name,
            first_names=person.first_names if person else draft.first_names,
            birth_date=person.birth_date if person else None,
            email=email or draft.email,
        )
        if password_problems:
            errors["password"] = password_problems
    if draft.terms_accepted is not True:
        errors["terms_accepted"] = [MSG_TERMS]
    return errors, {"person": person, "claim": claim, "email": email}


def register(*, engine: Engine, draft: SignupDraft, now: dt.datetime, ip: str | None = None) -> Outcome:
    """The end of the wizard: check everything again, then ask the sender to create the account.

    - FIELD_ERRORS: `errors` keyed by SignupDraft field names (nothing stored).
    - RATE_LIMITED: too many failed licence checks for this licence number (or network).
    - MISMATCH (MSG_LICENCE_MISMATCH): no licence with this number, format, name and birth date.
    - CHECK_MAILBOX otherwise, always: a sign-up request is queued, and the sender mails the
      activation link, or « you already have an account » to an address that has one, or « this
      licence is bound to another account » (`_signup_request`).
    """
    errors, values = _validate_draft(draft, now=now)
    if errors:
        return field_errors(errors)
    person: identity.Identity = values["person"]
    claim: identity.LicenceClaim = values["claim"]
    counters = _licence_counters(number=claim.licence_number, attempt_key="", ip=ip)
    with session_scope(engine) as session:
        matched = _match_licence(session, claim=claim, counters=counters, now=now)
    if isinstance(matched, Outcome):
        return matched
    # Hashed here only when a caller gives the password itself (the wizard hashes in its step).
    password_hash = draft.password_hash or security.hash_password(draft.password)
    with session_scope(engine) as session:
        submit(
            session,
            name=SIGNUP_REQUEST,
            data={
                "email": values["email"],
                "password_hash": password_hash,
                "last_name": person.last_name,
                "first_names": person.first_names,
                "birth_date": person.birth_date.isoformat(),
                "licence_number": matched,
            },
            now=now,
        )
    return Outcome(Status.CHECK_MAILBOX)


def activated_holder(session: Session, licence_number: str) -> Account | None:
    """The activated account this licence is bound to, if any."""
    return session.exec(
        select(Account).where(
            col(Account.licence_number) == licence_number, col(Account.activated_at).is_not(None)
        )
    ).one_or_none()


def mail_licence_taken(session: Session, *, to: str, first_names: str, now: dt.datetime) -> None:
    send_limited(
        session,
        limit=rate_limit.SIGNUP_MAIL_PER_EMAIL,
        to=to,
        message=mail_templates.signup_licence_taken(
            first_name=first_name(first_names),
            login_link=link(routes.LOGIN),
            reset_link=link(routes.PASSWORD_FORGOTTEN),
        ),
        now=now,
    )


@handles(SIGNUP_REQUEST)
def _signup_request(session: Session, data: dict[str, Any], now: dt.datetime) -> None:
    """Creates the account and mails its activation link, or tells the address why not."""
    email, licence_number = str(data["email"]), str(data["licence_number"])
    existing = session.exec(
        select(Account).where(col(Account.email) == email, col(Account.activated_at).is_not(None))
    ).one_or_none()
    if existing is not None:
        _mail_already(session, template=mail_templates.account_already_exists, to=existing, now=now)
        return
    holder = activated_holder(session, licence_number)
    if holder is not None:
        _mail_already(session, template=mail_templates.licence_already_registered, to=holder, now=now)
        mail_licence_taken(session, to=email, first_names=str(data["first_names"]), now=now)
        return
    if rate_limit.hit(session, limit=rate_limit.SIGNUP_MAIL_PER_EMAIL, key=email, now=now) is not None:
        return  # enough activation mails to this address this hour: no churn, no mail flood
    # A sign-up not activated yet never holds its address: the newer sign-up replaces it (else
    # anyone could squat an address by starting a sign-up with it and renewing its link).
    session.exec(delete(Account).where(col(Account.email) == email, col(Account.activated_at).is_(None)))
    account = Account(
        email=email,
        password_hash=str(data["password_hash"]),
        last_name=str(data["last_name"]),
        first_names=str(data["first_names"]),
        birth_date=dt.date.fromisoformat(str(data["birth_date"])),
        licence_number=licence_number,
        created_at=now,
    )
    try:
        with session.begin_nested():  # a concurrent sign-up with this email fails here
            session.add(account)
            session.flush()
    except IntegrityError:
        existing = session.exec(select(Account).where(col(Account.email) == email)).one_or_none()
        if existing is None:
            raise  # not the address's unique constraint: a real failure, retried later
        _mail_already(session, template=mail_templates.account_already_exists, to=existing, now=now)
        return
    assert account.id is not None
    raw = tokens.issue(
        session, account_id=account.id, purpose=tokens.ACTIVATION, now=now, validity=ACTIVATION_VALIDITY
    )
    send(
        session,
        to=email,
        message=mail_templates.activation(
            first_name=first_name(account.first_names),
            link=link(routes.ACTIVATION, raw),
            expires_at_text=paris_time_text(now + ACTIVATION_VALIDITY),
        ),
        now=now,
    )


def _mail_already(
    session: Session, *, template: Callable[..., mail_templates.Message], to: Account, now: dt.datetime
) -> None:
    """« You already have an account » or « someone tried your licence », to that account's address."""
    send_limited(
        session,
        limit=rate_limit.SIGNUP_MAIL_PER_EMAIL,
        to=to.email,
        message=template(
            first_name=first_name(to.first_names),
            login_link=link(routes.LOGIN),
            reset_link=link(routes.PASSWORD_FORGOTTEN),
        ),
        now=now,
    )
