"""Sending mail through the outbox: written with what caused it, delivered at least once.

- ``enqueue`` adds a row in the caller's transaction: a sign-up that rolls back sends nothing,
  one that commits cannot lose its activation mail.
- ``deliver_due`` sends the due rows through SMTP (or any ``Transport``). A row is claimed before
  sending, so several workers never send it at the same time: on PostgreSQL the claiming
  transaction picks the next due row with ``FOR UPDATE SKIP LOCKED`` (senders never wait on each
  other's rows), on SQLite (writes are serial) by a conditional UPDATE. It is marked sent only
  once the server accepted it. A failure schedules a retry with exponential
  back-off (30 s × 2^attempts, at most one hour). A sender that dies mid-send leaves its claim
  to expire, and the mail is sent again: at least once, never lost.
- Without SMTP configured, mails stay in the outbox; ``list_mailbox`` shows them (development
  mailbox page).
- ``enqueue_request`` adds a REQUEST row: what a form asked for (« mot de passe oublié »…), to be
  turned into a message by ``process_requests`` (through the handler of its name), or into none
  for an unknown address. The form's own work is then the same whoever asks: same statements,
  same time. A request is processed once: the row is deleted in the transaction that queues
  its message (taken with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, by ``DELETE … RETURNING``
  on SQLite); a handler that fails leaves it for a later round (with back-off).
- ``run_sender_forever`` is an asyncio coroutine the app registers as a lifespan task: it
  processes requests always, and delivers mail when MESPOINTS_SMTP_HOST is set.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import smtplib
import ssl
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Any, Protocol

from sqlalchemy import Engine, and_, delete, or_, select, update
from sqlmodel import Session, col

from mespoints.db.engine import session_scope
from mespoints.db.mail import MAIL, REQUEST, OutboxMail
from mespoints.services import secrets_box
from mespoints.services.clock import utcnow
from mespoints.services.mail_templates import Message
from mespoints.settings import Settings, get_settings

logger = logging.getLogger(__name__)
_outbox = OutboxMail.__table__  # type: ignore[attr-defined]

BACKOFF_BASE_SECONDS = 30
# A request that keeps failing (a bug, not a passing outage: ~2 hours of back-off) is dropped.
MAX_REQUEST_ATTEMPTS = 8
BACKOFF_MAX_SECONDS = 3600
# Longer than any SMTP exchange (timeout below); a crashed sender's rows come back after it.
CLAIM_SECONDS = 300
SMTP_TIMEOUT_SECONDS = 30


class Transport(Protocol):
    """Hands one message to a mail server; raises when the server did not accept it."""

    def send(self, message: EmailMessage) -> None: ...


class PlainLoginRefused(smtplib.SMTPException):
    """SMTP credentials would cross the network in clear: the portal never sends them so."""


@dataclass(frozen=True)
class SmtpTransport:
    """SMTP with STARTTLS or implicit TLS, and login only over TLS. One connection per message."""

    host: str
    port: int = 25
    starttls: bool = False
    implicit_tls: bool = False
    user: str | None = None
    password: str | None = None
    timeout: float = SMTP_TIMEOUT_SECONDS
    # The system's trusted authorities when None; tests give one that trusts their own server.
    tls_context: ssl.SSLContext | None = field(default=None, compare=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpTransport | None:
        if not settings.smtp_host:
            return None
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            starttls=settings.smtp_starttls,
            implicit_tls=settings.smtp_ssl,
            user=settings.smtp_user,
            password=settings.smtp_password,
        )

    def send(self, message: EmailMessage) -> None:
        context = self.tls_context or ssl.create_default_context()
        client = (
            smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
            if self.implicit_tls
            else smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        )
        with client:
            if self.starttls and not self.implicit_tls:
                # Raises when the server does not offer STARTTLS: never falls back to clear text.
                client.starttls(context=context)
            if self.user:
                if not isinstance(client.sock, ssl.SSLSocket):
                    raise PlainLoginRefused("SMTP login refused on a connection without TLS")
                client.login(self.user, self.password or "")
            refused = client.send_message(message)
            if refused:  # only one recipient: a partial refusal is a refusal
                raise smtplib.SMTPRecipientsRefused(refused)

    def __repr__(self) -> str:  # never show the password in logs
        return f"SmtpTransport(host={self.host!r}, port={self.port})"


@dataclass(frozen=True)
class MailboxItem:
    """One outbox message as the development mailbox page shows it."""

    id: int
    created_at: dt.datetime
    recipient: str
    subject: str
    text: str
    html: str
    sent_at: dt.datetime | None


def enqueue(session: Session, *, to: str, message: Message, now: dt.datetime) -> int:
    """Adds ``message`` for ``to`` to the outbox in the session's transaction; returns its id."""
    payload = json.dumps({"text": message.text, "html": message.html}, ensure_ascii=False)
    row = OutboxMail(
        created_at=now,
        recipient=to,
        subject=message.subject,
        payload_encrypted=secrets_box.encrypt(payload),
        attempts=0,
        next_attempt_at=now,
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


def enqueue_request(session: Session, *, name: str, data: dict[str, Any], now: dt.datetime) -> int:
    """Adds a request for ``process_requests`` (encrypted: it may hold an address or a hash)."""
    payload = json.dumps({"request": name, "data": data}, ensure_ascii=False)
    row = OutboxMail(
        created_at=now,
        recipient="",
        subject="",
        payload_encrypted=secrets_box.encrypt(payload),
        attempts=0,
        next_attempt_at=now,
        kind=REQUEST,
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


# A handler queues the messages a request calls for, in the session's transaction.
RequestHandler = Callable[[Session, dict[str, Any], dt.datetime], None]


def process_requests(
    *, engine: Engine, now: dt.datetime, handlers: Mapping[str, RequestHandler], limit: int = 100
) -> int:
    """Turns due requests into messages; returns how many were processed.

    Each request is deleted in the transaction where its handler runs, so it is processed once, or
    not at all and kept for a retry. On PostgreSQL the transaction takes the next due request with
    ``FOR UPDATE SKIP LOCKED`` (a request another sender is processing is skipped, not waited
    for); on SQLite, ``DELETE … RETURNING`` of each due id (one sender wins it).
    """
    postgres = _skips_locked_rows(engine)
    due_ids = [] if postgres else _due_ids(engine, kind=REQUEST, now=now, limit=limit)
    done = 0
    for index in range(limit if postgres else len(due_ids)):
        request_id: int | None = None if postgres else due_ids[index]
        try:
            with session_scope(engine) as session:
                taken = (
                    _take_next_request(session, now=now)
                    if postgres
                    else _take_request(session, request_id=due_ids[index], now=now)
                )
                if taken is None:
                    if postgres:
                        break  # nothing due that no other sender holds
                    continue  # another sender took it
                request_id, payload_encrypted = taken
                payload = json.loads(secrets_box.decrypt(payload_encrypted))
                handler = handlers[payload["request"]]
                handler(session, payload["data"], now)
            done += 1
        except Exception as error:  # kept for a later round, then dropped; logged
            if request_id is None:
                raise  # no request taken: the database failed, the round stops (and is logged)
            _request_failed(engine, request_id=request_id, now=now, error=error)
    return done


def _skips_locked_rows(engine: Engine) -> bool:
    """PostgreSQL: claims pick rows with FOR UPDATE SKIP LOCKED. SQLite writes one at a time."""
    return engine.dialect.name == "postgresql"


def _due_ids(engine: Engine, *, kind: str, now: dt.datetime, limit: int) -> list[int]:
    order = (_outbox.c.id,) if kind == REQUEST else (_outbox.c.next_attempt_at, _outbox.c.id)
    with engine.connect() as connection:
        return list(
            connection.execute(
                select(_outbox.c.id).where(_outbox.c.kind == kind, _due(now)).order_by(*order).limit(limit)
            ).scalars()
        )


def _take_request(session: Session, *, request_id: int, now: dt.datetime) -> tuple[int, str] | None:
    payload_encrypted = session.execute(
        delete(_outbox).where(_outbox.c.id == request_id, _due(now)).returning(_outbox.c.payload_encrypted)
    ).scalar_one_or_none()
    return None if payload_encrypted is None else (request_id, payload_encrypted)


def _take_next_request(session: Session, *, now: dt.datetime) -> tuple[int, str] | None:
    row = session.execute(
        select(_outbox.c.id, _outbox.c.payload_encrypted)
        .where(_outbox.c.kind == REQUEST, _due(now))
        .order_by(_outbox.c.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).one_or_none()
    if row is None:
        return None
    session.execute(delete(_outbox).where(_outbox.c.id == row.id))
    return int(row.id), str(row.payload_encrypted)


def _request_failed(engine: Engine, *, request_id: int, now: dt.datetime, error: Exception) -> None:
    """Retries later with back-off; after MAX_REQUEST_ATTEMPTS the request is dropped. The log
    names the error's class only: a request's data (an address, a hash) never reaches it."""
    with engine.begin() as connection:
        attempts = connection.execute(
            select(_outbox.c.attempts).where(_outbox.c.id == request_id)
        ).scalar_one_or_none()
        if attempts is None:
            return
        attempts += 1
        if attempts >= MAX_REQUEST_ATTEMPTS:
            connection.execute(delete(_outbox).where(_outbox.c.id == request_id))
            logger.error(
                "request %s dropped after %s attempts (%s)", request_id, attempts, error.__class__.__name__
            )
            return
        connection.execute(
            update(_outbox)
            .where(_outbox.c.id == request_id)
            .values(
                attempts=attempts,
                next_attempt_at=now + backoff(attempts),
                last_error=error.__class__.__name__,
            )
        )
    logger.warning(
        "request %s not processed (attempt %s): %s", request_id, attempts, error.__class__.__name__
    )


def backoff(attempts: int) -> dt.timedelta:
    """The wait before the next try after ``attempts`` failed ones (1 → 30 s, 2 → 60 s, …, ≤ 1 h)."""
    exponent = min(max(attempts - 1, 0), 20)
    return dt.timedelta(seconds=min(BACKOFF_BASE_SECONDS * 2**exponent, BACKOFF_MAX_SECONDS))


def deliver_due(
    *, engine: Engine, now: dt.datetime, transport: Transport | None = None, limit: int = 50
) -> int:
    """Sends up to ``limit`` due mails; returns how many the server accepted.

    Without ``transport`` the SMTP server of the settings is used; when none is configured,
    nothing is sent and the mails wait in the outbox.
    """
    settings = get_settings()
    if transport is None:
        transport = SmtpTransport.from_settings(settings)
        if transport is None:
            return 0
    sent = 0
    for mail, claim_now in _claims(engine, now=now, limit=limit):
        try:
            transport.send(_build_email(mail, mail_from=settings.mail_from))
        except Exception as error:  # noqa: BLE001 (any failure: retry later, never lose the mail)
            _record_failure(engine, mail=mail, now=claim_now, error=error, settings=settings)
            continue
        with engine.begin() as connection:
            connection.execute(
                update(_outbox)
                .where(_outbox.c.id == mail.id)
                .values(sent_at=claim_now, attempts=mail.attempts + 1, claimed_until=None, last_error=None)
            )
        sent += 1
    return sent


@dataclass(frozen=True)
class _ClaimedMail:
    id: int
    created_at: dt.datetime
    recipient: str
    subject: str
    payload_encrypted: str
    attempts: int


def _due(now: dt.datetime):  # type: ignore[no-untyped-def]
    return and_(
        _outbox.c.sent_at.is_(None),
        _outbox.c.next_attempt_at <= now,
        or_(_outbox.c.claimed_until.is_(None), _outbox.c.claimed_until < now),
    )


_CLAIMED_COLUMNS = (
    _outbox.c.id,
    _outbox.c.created_at,
    _outbox.c.recipient,
    _outbox.c.subject,
    _outbox.c.payload_encrypted,
    _outbox.c.attempts,
)


def _claims(engine: Engine, *, now: dt.datetime, limit: int) -> Iterator[tuple[_ClaimedMail, dt.datetime]]:
    """Up to ``limit`` due mails, each claimed just before it is sent, with the time of its claim.

    Claims follow the real time spent in the round, so a slow server cannot make a claim expire
    before its send is over. PostgreSQL: each claim takes the next due mail no other sender holds
    (FOR UPDATE SKIP LOCKED). SQLite: the due ids, then one conditional UPDATE per mail.
    """
    started = time.monotonic()

    def claim_time() -> dt.datetime:
        return now + dt.timedelta(seconds=time.monotonic() - started)

    if _skips_locked_rows(engine):
        for _ in range(limit):
            claim_now = claim_time()
            mail = _claim_next(engine, now=claim_now)
            if mail is None:
                return
            yield mail, claim_now
        return
    for mail_id in _due_ids(engine, kind=MAIL, now=now, limit=limit):
        claim_now = claim_time()
        claimed = _claim(engine, mail_id=mail_id, now=claim_now)
        if claimed is not None:  # else another sender took it, or it was sent meanwhile
            yield claimed, claim_now


def _claim(engine: Engine, *, mail_id: int, now: dt.datetime) -> _ClaimedMail | None:
    """Takes the row for CLAIM_SECONDS with one conditional UPDATE: only one sender wins it."""
    with engine.begin() as connection:
        claimed = connection.execute(
            update(_outbox)
            .where(and_(_outbox.c.id == mail_id, _due(now)))
            .values(claimed_until=now + dt.timedelta(seconds=CLAIM_SECONDS))
        )
        if claimed.rowcount != 1:
            return None
        row = connection.execute(select(*_CLAIMED_COLUMNS).where(_outbox.c.id == mail_id)).one()
    return _ClaimedMail(*row)


def _claim_next(engine: Engine, *, now: dt.datetime) -> _ClaimedMail | None:
    """PostgreSQL: the next due mail, locked with SKIP LOCKED and claimed for CLAIM_SECONDS in the
    same transaction; a row another sender is claiming is skipped, never waited for."""
    with engine.begin() as connection:
        row = connection.execute(
            select(*_CLAIMED_COLUMNS)
            .where(_outbox.c.kind == MAIL, _due(now))
            .order_by(_outbox.c.next_attempt_at, _outbox.c.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).one_or_none()
        if row is None:
            return None
        connection.execute(
            update(_outbox)
            .where(_outbox.c.id == row.id)
            .values(claimed_until=now + dt.timedelta(seconds=CLAIM_SECONDS))
        )
    return _ClaimedMail(*row)


def _record_failure(
    engine: Engine, *, mail: _ClaimedMail, now: dt.datetime, error: Exception, settings: Settings
) -> None:
    attempts = mail.attempts + 1
    description = _describe_error(error, settings=settings)
    logger.warning("mail %s not sent (attempt %s): %s", mail.id, attempts, description)
    with engine.begin() as connection:
        connection.execute(
            update(_outbox)
            .where(_outbox.c.id == mail.id)
            .values(
                attempts=attempts,
                next_attempt_at=now + backoff(attempts),
                claimed_until=None,
                last_error=description,
            )
        )


def _describe_error(error: Exception, *, settings: Settings) -> str:
    """Class and short reason of a failure, without credentials or message content."""
    if isinstance(error, smtplib.SMTPResponseException):
        reason = f"{error.smtp_code} {error.smtp_error!r}"
    elif isinstance(error, smtplib.SMTPRecipientsRefused):
        reason = "recipient refused"
    elif isinstance(error, secrets_box.InvalidToken):
        reason = "payload cannot be decrypted with the current MESPOINTS_SECRET_KEY"
    else:
        reason = str(error)
    for secret in (settings.smtp_password, settings.smtp_user):
        if secret:
            reason = reason.replace(secret, "***")
    return f"{error.__class__.__name__}: {reason}"[:500]


def _build_email(row: _ClaimedMail, *, mail_from: str) -> EmailMessage:
    payload = json.loads(secrets_box.decrypt(row.payload_encrypted))
    email = EmailMessage()
    email["Subject"] = row.subject
    email["From"] = mail_from
    email["To"] = _ascii_address(row.recipient)
    email["Date"] = format_datetime(row.created_at.replace(tzinfo=dt.UTC))
    sender_domain = parseaddr(mail_from)[1].rpartition("@")[2] or "localhost"
    email["Message-ID"] = make_msgid(idstring=f"outbox{row.id}", domain=sender_domain)
    email["Auto-Submitted"] = "auto-generated"
    # Quoted-printable: 7-bit safe, so any server takes it, with or without 8BITMIME.
    email.set_content(payload["text"], cte="quoted-printable")
    email.add_alternative(payload["html"], subtype="html", cte="quoted-printable")
    return email


def _ascii_address(address: str) -> str:
    """The address with its domain in IDNA form, as SMTP without SMTPUTF8 needs it."""
    local, _, domain = address.rpartition("@")
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_domain = domain
    return str(Address(addr_spec=f"{local}@{ascii_domain}"))


def list_mailbox(*, engine: Engine, limit: int = 50) -> list[MailboxItem]:
    """The newest outbox messages, decrypted, for the development mailbox page."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(_outbox)
            .where(_outbox.c.kind == MAIL)
            .order_by(_outbox.c.created_at.desc(), _outbox.c.id.desc())
            .limit(limit)
        ).all()
    items = []
    for row in rows:
        try:
            payload = json.loads(secrets_box.decrypt(row.payload_encrypted))
            text, html = str(payload["text"]), str(payload["html"])
        except (secrets_box.InvalidToken, ValueError, KeyError):
            text = html = "(message illisible : il a été chiffré avec une autre clé)"
        items.append(
            MailboxItem(
                id=row.id,
                created_at=row.created_at,
                recipient=row.recipient,
                subject=row.subject,
                text=text,
                html=html,
                sent_at=row.sent_at,
            )
        )
    return items


def sender_round(
    *,
    engine: Engine,
    now: dt.datetime,
    transport: Transport | None,
    handlers: Mapping[str, RequestHandler] | None = None,
) -> int:
    """One round of the sender: requests become messages, then due messages go out (with SMTP)."""
    done = process_requests(engine=engine, now=now, handlers=handlers) if handlers else 0
    if transport is not None:
        done += deliver_due(engine=engine, now=now, transport=transport)
    return done


async def run_sender_forever(
    *,
    engine: Engine,
    interval: float = 1.0,
    transport: Transport | None = None,
    handlers: Mapping[str, RequestHandler] | None = None,
) -> None:
    """Runs ``sender_round`` every ``interval`` seconds until cancelled (an asyncio coroutine).

    Register it as a lifespan task. Each round runs in a worker thread, so the event loop never
    waits on the database or SMTP. Without an SMTP server it still turns requests into messages,
    which then wait in the outbox (the development mailbox shows them).
    """
    if transport is None:
        transport = SmtpTransport.from_settings(get_settings())
        if transport is None:
            logger.info("no SMTP server configured: mails stay in the outbox")
    if transport is None and not handlers:
        return
    while True:
        try:
            await asyncio.to_thread(
                sender_round, engine=engine, now=utcnow(), transport=transport, handlers=handlers
            )
        except Exception:  # a database hiccup must not stop the sender for good
            logger.exception("mail sender round failed")
        await asyncio.sleep(interval)


# Sent mails are kept a little while (the development mailbox shows them), then deleted.
SENT_MAIL_RETENTION = dt.timedelta(days=7)


def purge_sent(*, engine: Engine, now: dt.datetime) -> int:
    """Deletes mails an SMTP server accepted more than SENT_MAIL_RETENTION ago; returns the count."""
    with session_scope(engine) as session:
        result = session.execute(
            delete(OutboxMail).where(col(OutboxMail.sent_at) <= now - SENT_MAIL_RETENTION)
        )
        return int(getattr(result, "rowcount", 0) or 0)
