"""Activation: the link mailed at sign-up, « Recevoir un nouveau lien », and binding the licence.

The licence is bound to the account whose activation comes first: a unique index over activated
accounts backs the check below against races. The other sign-ups for that licence are told by
mail why they cannot go on, and removed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from mespoints import routes
from mespoints.db.accounts import Account
from mespoints.db.engine import session_scope
from mespoints.domain.account_policy import ACTIVATION_VALIDITY
from mespoints.services import alerts, mail_templates, rate_limit
from mespoints.services.accounts import tokens
from mespoints.services.accounts.common import first_name, link, paris_time_text, today_of
from mespoints.services.accounts.outcome import Outcome, Status
from mespoints.services.accounts.requests import handles, send, submit_for_address
from mespoints.services.accounts.signup import activated_holder, mail_licence_taken

RESEND_REQUEST = "activation_resend"


def bind_licence(session: Session, *, account: Account, now: dt.datetime) -> bool:
    """Activates `account` and binds its licence to it; False (account removed, its address told
    why by mail) when another account of that licence was activated first."""
    if account.activated_at is not None:
        return True
    if account.licence_number is None:  # lost to its holder (FranceConnect) before activation
        taken = True
    else:
        # Lock every account of this licence, in id order, before deciding: two activations at
        # once then run one after the other instead of deadlocking (PostgreSQL; SQLite writes serially).
        session.exec(
            select(Account.id)
            .where(col(Account.licence_number) == account.licence_number)
            .order_by(col(Account.id))
            .with_for_update()
        ).all()
        taken = activated_holder(session, account.licence_number) is not None
    if not taken:
        try:
            with session.begin_nested():
                session.exec(
                    update(Account)
                    .where(col(Account.id) == account.id, col(Account.activated_at).is_(None))
                    .values(activated_at=now)
                )
        except IntegrityError:  # activated meanwhile by a concurrent request
            taken = True
    if taken:
        mail_licence_taken(session, to=account.email, first_names=account.first_names, now=now)
        session.exec(delete(Account).where(col(Account.id) == account.id))
        return False
    rivals = session.exec(
        select(Account).where(
            col(Account.licence_number) == account.licence_number,
            col(Account.activated_at).is_(None),
            col(Account.id) != account.id,
        )
    ).all()
    for rival in rivals:
        mail_licence_taken(session, to=rival.email, first_names=rival.first_names, now=now)
        session.exec(delete(Account).where(col(Account.id) == rival.id))
    session.refresh(account)
    if account.id is not None and account.licence_number:
        # R223-3-1: alerts start now; the history known today is not news to the holder.
        alerts.start_alerts(
            session,
            account_id=account.id,
            licence_number=account.licence_number,
            as_of=today_of(now),
            now=now,
        )
    return True


def activate(*, engine: Engine, token: str, now: dt.datetime) -> Outcome:
    """Follow an activation link: DONE (once), EXPIRED (12 h after it was sent), INVALID, or
    LICENCE_TAKEN when another account of the same licence was activated first (then told by mail)."""
    if not tokens.usable(token):
        return Outcome(Status.INVALID)
    with session_scope(engine) as session:
        consumed = tokens.consume(session, token=token, purpose=tokens.ACTIVATION, now=now)
        if consumed is None:
            return Outcome(tokens.failure(session, token=token, purpose=tokens.ACTIVATION, now=now))
        account = session.get(Account, consumed.account_id)
        if account is None:
            return Outcome(Status.INVALID)
        if not bind_licence(session, account=account, now=now):
            return Outcome(Status.LICENCE_TAKEN)
    return Outcome(Status.DONE)


def resend_activation(*, engine: Engine, email: str, now: dt.datetime) -> Outcome:
    """Ask for a new activation link; CHECK_MAILBOX whatever the address.

    The same statements run for every address: a rate-limit count (RATE_LIMITED after 3 requests
    an hour for one address) and one request row; the sender mails a new link only to an account
    not yet activated, and that link retires the older ones. A badly typed address gives
    FIELD_ERRORS (key "email").
    """
    return submit_for_address(
        engine=engine, name=RESEND_REQUEST, limit=rate_limit.ACTIVATION_RESEND_PER_EMAIL, email=email, now=now
    )


@handles(RESEND_REQUEST)
def _resend_request(session: Session, data: dict[str, Any], now: dt.datetime) -> None:
    account = session.exec(select(Account).where(col(Account.email) == str(data["email"]))).one_or_none()
    if account is None or account.activated_at is not None:
        return
    # A new link never extends a sign-up's life past its first window (no squatting an address).
    deadline = account.created_at + ACTIVATION_VALIDITY
    if deadline <= now:
        return
    assert account.id is not None
    raw = tokens.issue(
        session, account_id=account.id, purpose=tokens.ACTIVATION, now=now, validity=deadline - now
    )
    send(
        session,
        to=account.email,
        message=mail_templates.activation(
            first_name=first_name(account.first_names),
            link=link(routes.ACTIVATION, raw),
            expires_at_text=paris_time_text(deadline),
        ),
        now=now,
    )
