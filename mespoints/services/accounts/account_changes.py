"""« Mon compte »: change the email address (and undo it), change the password, close the account.

An email change is confirmed from the NEW address; the CURRENT address is told as soon as it is
requested, with a « Ce n'était pas moi » link that cancels it (or undoes it once done), ends every
session and leads to « mot de passe oublié ». A new password (change or reset) cancels every
pending email change: someone who learnt the old password cannot finish one afterwards.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from sqlalchemy import Engine, delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from mespoints import routes
from mespoints.db.accounts import Account, AccountSession, AccountToken
from mespoints.db.alerts import AccountPreference, AlertKey, Notification
from mespoints.db.engine import session_scope
from mespoints.db.mail import MAIL, OutboxMail
from mespoints.domain import password_policy
from mespoints.domain.account_policy import EMAIL_CHANGE_CANCEL_VALIDITY, EMAIL_CHANGE_VALIDITY, duration_fr
from mespoints.services import mail_templates, rate_limit, security
from mespoints.services.accounts import tokens
from mespoints.services.accounts.common import first_name, link, mask_email, normalize_email
from mespoints.services.accounts.login import confirmed_account, load_account
from mespoints.services.accounts.outcome import (
    MSG_SAME_EMAIL,
    MSG_SAME_PASSWORD,
    MSG_WRONG_CURRENT_PASSWORD,
    MSG_WRONG_PASSWORD,
    Outcome,
    Status,
    field_errors,
)
from mespoints.services.accounts.password_reset import after_new_password
from mespoints.services.accounts.requests import handles, send, submit
from mespoints.services.sessions import end_all_sessions_in

EMAIL_CHANGE_REQUEST = "email_change"


def request_email_change(
    *,
    engine: Engine,
    account_id: int,
    new_email: str,
    password: str,
    now: dt.datetime,
    fresh_franceconnect: bool = False,
) -> Outcome:
    """Ask to move the account to another address; it keeps its address until confirmed.

    FIELD_ERRORS keys: "new_email", "password" (MSG_WRONG_PASSWORD). RATE_LIMITED after repeated
    wrong passwords (shared with the login back-off). DONE means « check the new mailbox »: one
    request row whatever the new address; the sender mails the confirmation link to the new
    address unless it belongs to another account (then nothing goes there: no account can be
    probed this way), and always tells the current address, with « Ce n'était pas moi ». At most
    3 requests an hour per account (beyond: DONE, nothing sent). CPU-heavy (argon2).
    """
    account = load_account(engine, account_id)
    if account is None:
        return field_errors({"password": [MSG_WRONG_PASSWORD]})
    address, error = normalize_email(new_email)
    if error or address is None:
        return field_errors({"new_email": [error or ""]})
    if address == account.email:
        return field_errors({"new_email": [MSG_SAME_EMAIL]})
    confirmed = confirmed_account(
        engine,
        account_id=account_id,
        password=password,
        field="password",
        wrong=MSG_WRONG_PASSWORD,
        now=now,
        fresh_franceconnect=fresh_franceconnect,
    )
    if isinstance(confirmed, Outcome):
        return confirmed
    with session_scope(engine) as session:
        allowed = rate_limit.hit(
            session, limit=rate_limit.EMAIL_CHANGE_PER_ACCOUNT, key=str(account_id), now=now
        )
        if allowed is None:
            submit(
                session,
                name=EMAIL_CHANGE_REQUEST,
                data={"account_id": account_id, "new_email": address},
                now=now,
            )
    return Outcome(Status.DONE)


def _mail_undo_link(
    session: Session,
    *,
    account_id: int,
    first_names: str,
    to: str,
    new_email: str,
    now: dt.datetime,
    done: bool,
) -> None:
    """« Ce n'était pas moi » to the address `to`; the link remembers it as the address to keep."""
    raw = tokens.issue(
        session,
        account_id=account_id,
        purpose=tokens.EMAIL_CHANGE_CANCEL,
        now=now,
        validity=EMAIL_CHANGE_CANCEL_VALIDITY,
        new_email=to,
        changed_email=new_email,
        retire_older=False,
    )
    template = mail_templates.email_changed_notice if done else mail_templates.email_change_requested
    send(
        session,
        to=to,
        message=template(
            first_name=first_name(first_names),
            new_email_masked=mask_email(new_email),
            cancel_link=link(routes.EMAIL_CHANGE_CANCEL, raw),
            validity_text=duration_fr(EMAIL_CHANGE_CANCEL_VALIDITY),
        ),
        now=now,
    )


@handles(EMAIL_CHANGE_REQUEST)
def _email_change_request(session: Session, data: dict[str, Any], now: dt.datetime) -> None:
    account = session.get(Account, int(data["account_id"]))
    new_email = str(data["new_email"])
    if account is None or account.id is None or account.email == new_email:
        return
    taken = session.exec(select(Account.id).where(col(Account.email) == new_email)).first() is not None
    if not taken:
        raw = tokens.issue(
            session,
            account_id=account.id,
            purpose=tokens.EMAIL_CHANGE,
            now=now,
            validity=EMAIL_CHANGE_VALIDITY,
            new_email=new_email,
        )
        send(
            session,
            to=new_email,
            message=mail_templates.email_change_verification(
                first_name=first_name(account.first_names), link=link(routes.EMAIL_CHANGE_CONFIRM, raw)
            ),
            now=now,
        )
    _mail_undo_link(
        session,
        account_id=account.id,
        first_names=account.first_names,
        to=account.email,
        new_email=new_email,
        now=now,
        done=False,
    )


def confirm_email_change(*, engine: Engine, token: str, now: dt.datetime) -> Outcome:
    """Follow the link mailed to the new address (valid 24 h, single use).

    DONE: the account now uses the new address, the old one is told (new address masked) with a
    fresh « Ce n'était pas moi » link, and pending reset or email-change links are retired.
    EXPIRED, INVALID (also once a new password cancelled it), or TAKEN when another account got
    that address in the meantime.
    """
    if not tokens.usable(token):
        return Outcome(Status.INVALID)
    try:
        with session_scope(engine) as session:
            consumed = tokens.consume(session, token=token, purpose=tokens.EMAIL_CHANGE, now=now)
            if consumed is None:
                return Outcome(tokens.failure(session, token=token, purpose=tokens.EMAIL_CHANGE, now=now))
            account = session.get(Account, consumed.account_id)
            if account is None or not consumed.new_email:
                return Outcome(Status.INVALID)
            old_email = account.email
            account.email = consumed.new_email
            session.add(account)
            session.flush()  # unique email: raises if the address was taken meanwhile
            tokens.retire(
                session,
                account_id=consumed.account_id,
                purposes=(tokens.PASSWORD_RESET, tokens.EMAIL_CHANGE),
                now=now,
            )
            rate_limit.clear_login_failures(session, email=old_email)
            _mail_undo_link(
                session,
                account_id=consumed.account_id,
                first_names=account.first_names,
                to=old_email,
                new_email=consumed.new_email,
                now=now,
                done=True,
            )
    except IntegrityError:
        return Outcome(Status.TAKEN)
    return Outcome(Status.DONE)


def check_undo_link(*, engine: Engine, token: str, now: dt.datetime) -> Status:
    """Whether a « Ce n'était pas moi » link can still be used (DONE), or EXPIRED / INVALID: the
    page shows its button only then. Consumes nothing (mail scanners that open links act on
    nothing)."""
    if not tokens.usable(token):
        return Status.INVALID
    with session_scope(engine) as session:
        status, _ = tokens.peek(session, token=token, purpose=tokens.EMAIL_CHANGE_CANCEL, now=now)
    return status


def cancel_email_change(*, engine: Engine, token: str, now: dt.datetime) -> Outcome:
    """« Ce n'était pas moi » (valid 7 days, single use), once confirmed by a button.

    The link keeps the address it was mailed to (A) and the one the change moved to (B).
    - If the account still uses A, the pending change is cancelled; if it uses B (the change was
      confirmed), it gets A back. If it has moved on to another address since, nothing changes
      (INVALID): an old address cannot take back an account its owner has since moved.
    - DONE: pending email changes, reset links and login tickets stop working; « Ce n'était pas
      moi » links issued after this one too (an older link outranks them, so whoever made later
      changes cannot win back the address); the password stops working (someone else knows it)
      and every session ends: the holder chooses a new password through « mot de passe oublié ».
    """
    if not tokens.usable(token):
        return Outcome(Status.INVALID)
    with session_scope(engine) as session:
        consumed = tokens.consume(session, token=token, purpose=tokens.EMAIL_CHANGE_CANCEL, now=now)
        if consumed is None:
            return Outcome(tokens.failure(session, token=token, purpose=tokens.EMAIL_CHANGE_CANCEL, now=now))
        account = session.get(Account, consumed.account_id)
        keep, moved_to = consumed.new_email, consumed.changed_email
        if account is None or not keep or account.email not in (keep, moved_to):
            return Outcome(Status.INVALID)
        if account.email != keep:
            try:
                with session.begin_nested():
                    session.exec(update(Account).where(col(Account.id) == account.id).values(email=keep))
            except IntegrityError:
                return Outcome(Status.TAKEN)  # the address now belongs to another account
        tokens.retire(
            session,
            account_id=consumed.account_id,
            purposes=(tokens.EMAIL_CHANGE, tokens.PASSWORD_RESET, tokens.LOGIN_TICKET),
            now=now,
        )
        tokens.retire_issued_after(
            session,
            account_id=consumed.account_id,
            purpose=tokens.EMAIL_CHANGE_CANCEL,
            token_id=consumed.id,
            now=now,
        )
        session.exec(
            update(Account)
            .where(col(Account.id) == consumed.account_id)
            .values(password_hash=security.DISABLED_PASSWORD)
        )
        end_all_sessions_in(session, account_id=consumed.account_id, now=now)
        rate_limit.clear_login_failures(session, email=keep)
    return Outcome(Status.DONE)


def change_password(
    *,
    engine: Engine,
    account_id: int,
    current_password: str,
    new_password: str,
    current_session_id: str | None,
    now: dt.datetime,
) -> Outcome:
    """Change the password from the account page.

    FIELD_ERRORS keys: "current_password" (MSG_WRONG_CURRENT_PASSWORD), "new_password" (policy,
    MSG_SAME_PASSWORD). RATE_LIMITED after repeated wrong passwords. DONE: every other session of
    the account ends (this one stays), pending reset links, login tickets and email changes stop
    working, and a `password_changed` notice is mailed. CPU-heavy (argon2).
    """
    account = confirmed_account(
        engine,
        account_id=account_id,
        password=current_password,
        field="current_password",
        wrong=MSG_WRONG_CURRENT_PASSWORD,
        now=now,
    )
    if isinstance(account, Outcome):
        return account
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
        return field_errors({"new_password": problems})
    password_hash = security.hash_password(new_password)
    with session_scope(engine) as session:
        session.exec(update(Account).where(col(Account.id) == account_id).values(password_hash=password_hash))
        end_all_sessions_in(session, account_id=account_id, now=now, except_session_id=current_session_id)
        after_new_password(session, account=account, now=now)
    return Outcome(Status.DONE)


def close_account(
    *, engine: Engine, account_id: int, password: str, now: dt.datetime, fresh_franceconnect: bool = False
) -> Outcome:
    """Close the account, confirmed by its password; then its personal data are deleted.

    FIELD_ERRORS key "password" (MSG_WRONG_PASSWORD); RATE_LIMITED as for login. DONE: its
    notifications, alert keys, preferences and unsent mails are deleted, the goodbye mail
    `account_closed` is queued, then the account row, its tokens, its sessions and its login
    failure record are deleted, all in one transaction. The only trace left is that outbox row,
    encrypted at rest (and the anonymous, hashed rate-limit events, gone within the hour). The
    licence itself belongs to the national file and stays.
    """
    account = confirmed_account(
        engine,
        account_id=account_id,
        password=password,
        field="password",
        wrong=MSG_WRONG_PASSWORD,
        now=now,
        fresh_franceconnect=fresh_franceconnect,
    )
    if isinstance(account, Outcome):
        return account
    with session_scope(engine) as session:
        # Alerts, notifications and preferences go with the account, and so do mails not yet sent.
        for table in (Notification, AlertKey, AccountPreference):
            session.exec(delete(table).where(col(table.account_id) == account_id))  # type: ignore[attr-defined]
        session.exec(
            delete(OutboxMail).where(
                col(OutboxMail.recipient) == account.email,
                col(OutboxMail.kind) == MAIL,
                col(OutboxMail.sent_at).is_(None),
            )
        )
        send(
            session,
            to=account.email,
            message=mail_templates.account_closed(first_name=first_name(account.first_names)),
            now=now,
        )
        session.exec(delete(AccountToken).where(col(AccountToken.account_id) == account_id))
        session.exec(delete(AccountSession).where(col(AccountSession.account_id) == account_id))
        rate_limit.clear_login_failures(session, email=account.email)
        session.exec(delete(Account).where(col(Account.id) == account_id))
    return Outcome(Status.DONE)
