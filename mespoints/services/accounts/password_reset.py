"""« Mot de passe oublié »: the request, and the new password chosen from the mailed link."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from mespoints import routes
from mespoints.db.accounts import Account
from mespoints.db.engine import session_scope
from mespoints.domain import password_policy
from mespoints.domain.account_policy import PASSWORD_RESET_VALIDITY
from mespoints.services import mail_templates, rate_limit, security
from mespoints.services.accounts import tokens
from mespoints.services.accounts.common import first_name, link
from mespoints.services.accounts.outcome import Outcome, Status, field_errors
from mespoints.services.accounts.requests import handles, send, submit_for_address
from mespoints.services.sessions import end_all_sessions_in

RESET_REQUEST = "password_reset"
# What a new password ends: older reset links, login tickets handed out before it, and any
# pending email change (someone who knew the old password may have asked for one).
RETIRED_BY_NEW_PASSWORD = (tokens.PASSWORD_RESET, tokens.LOGIN_TICKET, tokens.EMAIL_CHANGE)


def request_password_reset(*, engine: Engine, email: str, now: dt.datetime) -> Outcome:
    """Ask for a reset link (valid 1 hour, single use); CHECK_MAILBOX whatever the address.

    The same statements run for every address: a rate-limit count (RATE_LIMITED after 3 requests
    an hour for one address) and one request row; the sender mails a link only to an account's
    address. Never blocked by a login lockout. A badly typed address gives FIELD_ERRORS ("email").
    """
    return submit_for_address(
        engine=engine, name=RESET_REQUEST, limit=rate_limit.PASSWORD_RESET_PER_EMAIL, email=email, now=now
    )


@handles(RESET_REQUEST)
def _reset_request(session: Session, data: dict[str, Any], now: dt.datetime) -> None:
    account = session.exec(select(Account).where(col(Account.email) == str(data["email"]))).one_or_none()
    if account is None or account.activated_at is None:
        return  # a sign-up not activated is no account: anyone may have started it
    assert account.id is not None
    raw = tokens.issue(
        session,
        account_id=account.id,
        purpose=tokens.PASSWORD_RESET,
        now=now,
        validity=PASSWORD_RESET_VALIDITY,
    )
    send(
        session,
        to=account.email,
        message=mail_templates.password_reset(
            first_name=first_name(account.first_names), link=link(routes.PASSWORD_RESET, raw)
        ),
        now=now,
    )


def check_reset_token(*, engine: Engine, token: str, now: dt.datetime) -> Status:
    """Whether a reset link can still be used (DONE), or EXPIRED / INVALID: lets the page say so
    before the person types a new password. Consumes nothing."""
    if not tokens.usable(token):
        return Status.INVALID
    with session_scope(engine) as session:
        status, _ = tokens.peek(session, token=token, purpose=tokens.PASSWORD_RESET, now=now)
    return status


def reset_password(*, engine: Engine, token: str, new_password: str, now: dt.datetime) -> Outcome:
    """Set a new password from a reset link.

    EXPIRED / INVALID (used, unknown); FIELD_ERRORS with key "new_password" (password policy; the
    link stays usable); DONE: the link is used up, every session of the account ends, pending
    email changes and login tickets stop working, the login lockout is cleared, and a
    `password_changed` notice is mailed. Only activated accounts get reset links. No automatic
    login. CPU-heavy (argon2): callers on the event loop use a thread.
    """
    if not tokens.usable(token):
        return Outcome(Status.INVALID)
    with session_scope(engine) as session:
        status, account = tokens.peek(session, token=token, purpose=tokens.PASSWORD_RESET, now=now)
    if account is None:
        return Outcome(status)
    problems = password_policy.check_password(
        new_password,
        last_name=account.last_name,
        first_names=account.first_names,
        birth_date=account.birth_date,
        email=account.email,
    )
    if problems:
        return field_errors({"new_password": problems})
    password_hash = security.hash_password(new_password)
    with session_scope(engine) as session:
        consumed = tokens.consume(session, token=token, purpose=tokens.PASSWORD_RESET, now=now)
        if consumed is None:
            return Outcome(tokens.failure(session, token=token, purpose=tokens.PASSWORD_RESET, now=now))
        account = session.get(Account, consumed.account_id)
        if account is None or account.activated_at is None:
            return Outcome(Status.INVALID)
        account.password_hash = password_hash
        session.add(account)
        end_all_sessions_in(session, account_id=consumed.account_id, now=now)
        rate_limit.clear_login_failures(session, email=account.email)
        after_new_password(session, account=account, now=now)
    return Outcome(Status.DONE)


def after_new_password(session: Session, *, account: Account, now: dt.datetime) -> None:
    """What any new password ends (reset links, login tickets, pending email changes), and the
    notice to the account's address."""
    assert account.id is not None
    tokens.retire(session, account_id=account.id, purposes=RETIRED_BY_NEW_PASSWORD, now=now)
    send(
        session,
        to=account.email,
        message=mail_templates.password_changed(
            first_name=first_name(account.first_names), reset_link=link(routes.PASSWORD_FORGOTTEN)
        ),
        now=now,
    )
