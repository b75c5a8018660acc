"""Requests made through forms whose answer must not tell whether an address has an account.

« Mot de passe oublié », « Recevoir un nouveau lien », an email change and the end of a sign-up
only write one encrypted request row (services.mail.enqueue_request), whatever the address: the
form does the same statements, in the same time, for everybody. The mail sender then runs the
handler registered here under the request's name, which queues the right message, or none.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from mespoints.db.engine import session_scope
from mespoints.services import mail, rate_limit
from mespoints.services.accounts.common import normalize_email
from mespoints.services.accounts.outcome import Outcome, Status, field_errors, rate_limited
from mespoints.services.mail_templates import Message

HANDLERS: dict[str, mail.RequestHandler] = {}


def handles(name: str):  # type: ignore[no-untyped-def]
    """Registers the decorated function as the handler of requests called `name`."""

    def register(function: mail.RequestHandler) -> mail.RequestHandler:
        HANDLERS[name] = function
        return function

    return register


def submit(session: Session, *, name: str, data: dict[str, Any], now: dt.datetime) -> None:
    mail.enqueue_request(session, name=name, data=data, now=now)


def submit_for_address(
    *, engine: Engine, name: str, limit: rate_limit.Limit, email: str, now: dt.datetime
) -> Outcome:
    """« Send me a link at this address »: CHECK_MAILBOX after the same two statements whatever
    the address (a rate-limit count, one request row); RATE_LIMITED beyond `limit` for one
    address; FIELD_ERRORS ("email") for a badly typed one."""
    address, error = normalize_email(email)
    if error or address is None:
        return field_errors({"email": [error or ""]})
    with session_scope(engine) as session:
        wait = rate_limit.hit(session, limit=limit, key=address, now=now)
        if wait is not None:
            return rate_limited(wait)
        submit(session, name=name, data={"email": address}, now=now)
    return Outcome(Status.CHECK_MAILBOX)


def process_requests(*, engine: Engine, now: dt.datetime) -> int:
    """Turns every due request into its messages now (the sender does it every second)."""
    return mail.process_requests(engine=engine, now=now, handlers=HANDLERS)


def send(session: Session, *, to: str, message: Message, now: dt.datetime) -> None:
    mail.enqueue(session, to=to, message=message, now=now)


def send_limited(
    session: Session, *, limit: rate_limit.Limit, to: str, message: Message, now: dt.datetime
) -> None:
    """Mail unless this address already got `limit` such mails (silently: nothing is revealed)."""
    if rate_limit.hit(session, limit=limit, key=to, now=now) is None:
        send(session, to=to, message=message, now=now)
