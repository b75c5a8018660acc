"""The mail outbox against a real SMTP server (aiosmtpd), on SQLite and PostgreSQL; the templates;
the encryption of what the outbox stores."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import email
import email.policy
import hashlib
import os
import secrets
import socket
import stat
import threading
import time
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import Engine, select, text

from mespoints.db.engine import make_engine, session_scope
from mespoints.db.mail import OutboxMail
from mespoints.services import mail, mail_templates, secrets_box
from mespoints.services.mail import SmtpTransport, backoff, deliver_due, enqueue, list_mailbox
from mespoints.settings import Settings, get_settings

NOW = dt.datetime(2026, 3, 1, 9, 0, 0)


class RecordingHandler:
    """An SMTP server's DATA handler that keeps every accepted message."""

    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        return [
            email.message_from_bytes(envelope.content, policy=email.policy.default)  # type: ignore[misc]
            for envelope in self.envelopes
        ]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.handler = RecordingHandler()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def transport(self) -> SmtpTransport:
        return SmtpTransport(host="127.0.0.1", port=self.port, timeout=5)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer(_free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def stopped_smtp_server() -> Iterator[SmtpServer]:
    """A server whose port is known but closed until the test starts it."""
    server = SmtpServer(_free_port())
    yield server
    server.stop()


def _activation(token: str = "tok") -> mail_templates.Message:
    return mail_templates.activation(
        first_name="Julie",
        link=f"http://localhost:3000/activation?jeton={token}",
        expires_at_text="aujourd'hui à 21 h 00",
    )


def _enqueue(engine: Engine, *, to: str = "julie@exemple.fr", message=None, now=NOW) -> int:
    with session_scope(engine) as session:
        return enqueue(session, to=to, message=message or _activation(), now=now)


def _row(engine: Engine, mail_id: int) -> dict:
    table = OutboxMail.__table__  # type: ignore[attr-defined]
    with engine.connect() as connection:
        row = connection.execute(select(table).where(table.c.id == mail_id)).one()
    return dict(row._mapping)


# --- delivery ---------------------------------------------------------------------------------


def test_a_mail_is_delivered_with_text_and_html_parts_and_correct_headers(engine, smtp_server):
    token = secrets.token_urlsafe(32)
    mail_id = _enqueue(engine, to="julie@exemple.fr", message=_activation(token))

    assert deliver_due(engine=engine, now=NOW, transport=smtp_server.transport) == 1

    [envelope] = smtp_server.handler.envelopes
    assert envelope.rcpt_tos == ["julie@exemple.fr"]
    mail_from = get_settings().mail_from
    assert envelope.mail_from == email.utils.parseaddr(mail_from)[1]
    [received] = smtp_server.handler.messages()
    assert received["Subject"] == "Activez votre compte Mes Points Permis"
    assert received["From"] == mail_from
    assert received["To"] == "julie@exemple.fr"
    assert received["Message-ID"] and received["Date"]
    assert received.get_content_type() == "multipart/alternative"
    plain = received.get_body(preferencelist=("plain",))
    html = received.get_body(preferencelist=("html",))
    assert plain is not None and html is not None
    assert f"jeton={token}" in plain.get_content()
    assert "Bonjour Julie," in plain.get_content()
    assert f'href="http://localhost:3000/activation?jeton={token}"' in html.get_content()
    assert NOW <= _row(engine, mail_id)["sent_at"] < NOW + dt.timedelta(seconds=5)


def test_a_delivered_mail_is_not_sent_again(engine, smtp_server):
    _enqueue(engine)
    assert deliver_due(engine=engine, now=NOW, transport=smtp_server.transport) == 1
    assert deliver_due(engine=engine, now=NOW + dt.timedelta(hours=2), transport=smtp_server.transport) == 0
    assert len(smtp_server.handler.envelopes) == 1


def test_an_address_with_an_accented_domain_is_sent_in_idna_form(engine, smtp_server):
    _enqueue(engine, to="julie@bücher.fr")
    assert deliver_due(engine=engine, now=NOW, transport=smtp_server.transport) == 1
    assert smtp_server.handler.envelopes[0].rcpt_tos == ["julie@xn--bcher-kva.fr"]


def test_a_failed_mail_is_retried_with_back_off_and_delivered_once_the_server_is_up(
    engine, stopped_smtp_server
):
    server = stopped_smtp_server
    mail_id = _enqueue(engine)

    assert deliver_due(engine=engine, now=NOW, transport=server.transport) == 0
    row = _row(engine, mail_id)
    assert row["attempts"] == 1
    assert row["sent_at"] is None
    assert row["claimed_until"] is None
    assert NOW + dt.timedelta(seconds=30) <= row["next_attempt_at"] < NOW + dt.timedelta(seconds=31)
    assert row["last_error"].startswith("ConnectionRefusedError")

    # Not due yet: nothing is tried.
    assert deliver_due(engine=engine, now=NOW + dt.timedelta(seconds=20), transport=server.transport) == 0
    assert _row(engine, mail_id)["attempts"] == 1

    # Second failure: the wait doubles.
    second = NOW + dt.timedelta(seconds=31)
    assert deliver_due(engine=engine, now=second, transport=server.transport) == 0
    row = _row(engine, mail_id)
    assert row["attempts"] == 2
    assert second + dt.timedelta(seconds=60) <= row["next_attempt_at"] < second + dt.timedelta(seconds=61)

    server.start()
    third = second + dt.timedelta(seconds=61)
    assert deliver_due(engine=engine, now=third, transport=server.transport) == 1
    row = _row(engine, mail_id)
    assert row["attempts"] == 3
    assert row["sent_at"] is not None and row["last_error"] is None
    assert len(server.handler.envelopes) == 1


def test_back_off_doubles_from_thirty_seconds_up_to_one_hour():
    assert [backoff(n).total_seconds() for n in range(1, 9)] == [30, 60, 120, 240, 480, 960, 1920, 3600]
    assert backoff(1000) == dt.timedelta(hours=1)


def test_a_mail_claimed_by_a_sender_that_died_is_sent_again_after_the_claim_expires(engine, smtp_server):
    mail_id = _enqueue(engine)
    assert mail._claim(engine, mail_id=mail_id, now=NOW) is not None  # a sender took it, then died

    assert deliver_due(engine=engine, now=NOW + dt.timedelta(minutes=1), transport=smtp_server.transport) == 0
    later = NOW + dt.timedelta(seconds=mail.CLAIM_SECONDS + 1)
    assert deliver_due(engine=engine, now=later, transport=smtp_server.transport) == 1
    assert len(smtp_server.handler.envelopes) == 1


class SlowRecordingTransport:
    def __init__(self) -> None:
        self.sent: list[str] = []
        self._lock = threading.Lock()

    def send(self, message: EmailMessage) -> None:
        time.sleep(0.005)
        with self._lock:
            self.sent.append(str(message["To"]))


def test_two_senders_working_at_once_send_each_mail_exactly_once(engine):
    recipients = [f"personne{i}@exemple.fr" for i in range(12)]
    for recipient in recipients:
        _enqueue(engine, to=recipient)
    transport = SlowRecordingTransport()
    counts: list[int] = []
    errors: list[BaseException] = []

    def sender() -> None:
        try:
            counts.append(deliver_due(engine=engine, now=NOW, transport=transport))
        except BaseException as error:  # noqa: BLE001 (reported by the assertion below)
            errors.append(error)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(transport.sent) == sorted(recipients)
    assert sum(counts) == len(recipients)


def test_without_smtp_configured_mails_stay_in_the_outbox(engine, monkeypatch):
    monkeypatch.setattr(mail, "get_settings", lambda: Settings(smtp_host=None))
    mail_id = _enqueue(engine)

    assert deliver_due(engine=engine, now=NOW) == 0

    row = _row(engine, mail_id)
    assert row["sent_at"] is None and row["attempts"] == 0
    [item] = list_mailbox(engine=engine)
    assert item.id == mail_id and item.sent_at is None


def test_a_mail_enqueued_in_a_transaction_that_rolls_back_is_never_sent(engine):
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        enqueue(session, to="julie@exemple.fr", message=_activation(), now=NOW)
        raise RuntimeError("sign-up failed after the mail was queued")
    assert list_mailbox(engine=engine) == []


def test_the_outbox_holds_no_token_in_clear(engine):
    token = secrets.token_urlsafe(32)
    _enqueue(engine, message=_activation(token))

    with engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM mail_outbox")).all()
    assert len(rows) == 1
    stored = " ".join(str(value) for value in rows[0])
    assert token not in stored
    assert "jeton=" not in stored

    [item] = list_mailbox(engine=engine)
    assert token in item.text and token in item.html


def test_the_mailbox_lists_decrypted_mails_newest_first(engine):
    first = _enqueue(engine, to="a@exemple.fr", now=NOW)
    second = _enqueue(
        engine,
        to="b@exemple.fr",
        message=mail_templates.account_closed(first_name="Paul"),
        now=NOW + dt.timedelta(minutes=1),
    )
    items = list_mailbox(engine=engine)
    assert [item.id for item in items] == [second, first]
    assert items[0].recipient == "b@exemple.fr"
    assert items[0].subject == "Votre compte Mes Points Permis a été fermé"
    assert "Bonjour Paul," in items[0].text
    assert items[0].created_at == NOW + dt.timedelta(minutes=1)
    assert len(list_mailbox(engine=engine, limit=1)) == 1


def test_the_recorded_error_never_shows_the_smtp_credentials():
    settings = Settings(
        smtp_host="smtp.exemple.fr", smtp_starttls=True, smtp_user="portail", smtp_password="s3cr3t-Pa55"
    )
    error = OSError("login portail with s3cr3t-Pa55 refused")
    described = mail._describe_error(error, settings=settings)
    assert "s3cr3t-Pa55" not in described and "portail" not in described
    assert described.startswith("OSError:")


def test_the_background_sender_delivers_due_mails_until_cancelled(sqlite_engine, smtp_server):
    from mespoints.services.clock import utcnow

    _enqueue(sqlite_engine, now=utcnow())

    async def scenario() -> None:
        task = asyncio.create_task(
            mail.run_sender_forever(engine=sqlite_engine, interval=0.05, transport=smtp_server.transport)
        )
        for _ in range(100):
            if smtp_server.handler.envelopes:
                break
            await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())
    assert len(smtp_server.handler.envelopes) == 1


def test_the_background_sender_stops_at_once_without_smtp(sqlite_engine, monkeypatch):
    monkeypatch.setattr(mail, "get_settings", lambda: Settings(smtp_host=None))
    asyncio.run(asyncio.wait_for(mail.run_sender_forever(engine=sqlite_engine), timeout=2))


# --- templates --------------------------------------------------------------------------------

LINK = "https://mespoints.exemple.fr/lien?jeton=abc&x=1"
ALL_TEMPLATES = [
    mail_templates.activation(first_name="<b>Zoé</b>", link=LINK, expires_at_text="21 h 00"),
    mail_templates.account_already_exists(first_name="<b>Zoé</b>", login_link=LINK, reset_link=LINK),
    mail_templates.licence_already_registered(first_name="<b>Zoé</b>", login_link=LINK, reset_link=LINK),
    mail_templates.password_reset(first_name="<b>Zoé</b>", link=LINK),
    mail_templates.password_changed(first_name="<b>Zoé</b>", reset_link=LINK),
    mail_templates.email_change_verification(first_name="<b>Zoé</b>", link=LINK),
    mail_templates.email_changed_notice(
        first_name="<b>Zoé</b>", new_email_masked="z***@exemple.fr", cancel_link=LINK, validity_text="7 jours"
    ),
    mail_templates.email_change_requested(
        first_name="<b>Zoé</b>", new_email_masked="z***@exemple.fr", cancel_link=LINK, validity_text="7 jours"
    ),
    mail_templates.signup_licence_taken(first_name="<b>Zoé</b>", login_link=LINK, reset_link=LINK),
    mail_templates.account_closed(first_name="<b>Zoé</b>"),
]


@pytest.mark.parametrize("message", ALL_TEMPLATES, ids=lambda m: m.subject)
def test_every_template_greets_in_french_and_escapes_the_name_in_html(message):
    assert message.subject and "\n" not in message.subject
    assert message.text.startswith("Bonjour <b>Zoé</b>,")
    assert "L'équipe Mes Points Permis" in message.text
    assert '<html lang="fr">' in message.html
    assert "Bonjour &lt;b&gt;Zoé&lt;/b&gt;," in message.html
    assert "<b>" not in message.html and "<img" not in message.html


@pytest.mark.parametrize("message", [m for m in ALL_TEMPLATES if LINK in m.text], ids=lambda m: m.subject)
def test_links_appear_in_both_parts_escaped_in_html(message):
    assert "jeton=abc&x=1" in message.text
    assert 'href="https://mespoints.exemple.fr/lien?jeton=abc&amp;x=1"' in message.html


def test_the_activation_mail_says_until_when_the_link_works():
    message = mail_templates.activation(first_name="Julie", link=LINK, expires_at_text="demain à 9 h 30")
    assert "Ce lien est valable jusqu'à demain à 9 h 30." in message.text


def test_the_email_changed_notice_names_only_the_masked_new_address():
    notice = mail_templates.email_changed_notice(
        first_name="Julie", new_email_masked="j***@exemple.fr", cancel_link=LINK, validity_text="7 jours"
    )
    assert "j***@exemple.fr" in notice.text and "j***@exemple.fr" in notice.html
    assert "Julie" in notice.text


# --- encryption at rest -----------------------------------------------------------------------


def test_a_generated_key_file_is_private_and_reused(tmp_path):
    path = tmp_path / "data" / "secret.key"
    first = secrets_box.load_or_create_key_file(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert secrets_box.load_or_create_key_file(path) == first
    box = secrets_box.make_box(None, key_file=path)
    assert box.decrypt(box.encrypt(b"bonjour")) == b"bonjour"


def test_a_passphrase_or_a_fernet_key_can_be_the_secret_key(tmp_path):
    for secret in ["une phrase secrète assez longue", Fernet.generate_key().decode()]:
        box = secrets_box.make_box(secret, key_file=tmp_path / "unused.key")
        assert box.decrypt(box.encrypt(b"jeton")) == b"jeton"
    assert not (tmp_path / "unused.key").exists()


def test_keys_rotate_the_first_encrypts_and_every_one_decrypts(tmp_path):
    old = secrets_box.make_box("ancienne clé")
    token = old.encrypt(b"lien")
    rotated = secrets_box.make_box("nouvelle clé,ancienne clé")
    assert rotated.decrypt(token) == b"lien"
    with pytest.raises(InvalidToken):
        old.decrypt(rotated.encrypt(b"lien"))


def test_encrypt_hides_the_text_and_decrypt_restores_it():
    token = secrets_box.encrypt("https://exemple.fr/?jeton=XYZ")
    assert "XYZ" not in token
    assert secrets_box.decrypt(token) == "https://exemple.fr/?jeton=XYZ"
    with pytest.raises(InvalidToken):
        secrets_box.decrypt("pas un jeton é")


def test_sent_mails_are_deleted_after_a_week_and_unsent_ones_never(sqlite_engine):
    import datetime as dt

    from sqlalchemy import update as sql_update

    from mespoints.db.engine import session_scope as scope
    from mespoints.db.mail import OutboxMail
    from mespoints.services import mail as mail_service
    from mespoints.services.mail_templates import Message

    now = dt.datetime(2026, 11, 22, 12, 0)
    with scope(sqlite_engine) as session:
        sent = mail_service.enqueue(
            session, to="a@exemple.fr", message=Message("s", "t", "<p>t</p>"), now=now
        )
        recent = mail_service.enqueue(
            session, to="b@exemple.fr", message=Message("s", "t", "<p>t</p>"), now=now
        )
        mail_service.enqueue(session, to="c@exemple.fr", message=Message("s", "t", "<p>t</p>"), now=now)
        session.execute(sql_update(OutboxMail).where(OutboxMail.id == sent).values(sent_at=now))
        session.execute(
            sql_update(OutboxMail).where(OutboxMail.id == recent).values(sent_at=now + dt.timedelta(days=6))
        )
    later = now + dt.timedelta(days=7, seconds=1)
    assert mail_service.purge_sent(engine=sqlite_engine, now=later) == 1
    assert mail_service.purge_sent(engine=sqlite_engine, now=later) == 0
    assert len(mail_service.list_mailbox(engine=sqlite_engine)) == 2


def test_a_passphrase_is_stretched_with_scrypt_under_the_documented_salt(tmp_path):
    passphrase = "une phrase secrète assez longue"
    stretched = hashlib.scrypt(
        passphrase.encode(), salt=b"mespoints/MESPOINTS_SECRET_KEY/outbox/v1", n=2**15, r=8, p=1,
        maxmem=2**26, dklen=32,
    )  # fmt: skip
    box = secrets_box.make_box(passphrase, key_file=tmp_path / "unused.key")
    assert box.decrypt(Fernet(base64.urlsafe_b64encode(stretched)).encrypt(b"lien")) == b"lien"
    # One SHA-256 of the passphrase (what a GPU tries by billions a second) opens nothing.
    weak = Fernet(base64.urlsafe_b64encode(hashlib.sha256(passphrase.encode()).digest()))
    with pytest.raises(InvalidToken):
        box.decrypt(weak.encrypt(b"lien"))


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604], ids=lambda mode: f"{mode:04o}")
def test_a_key_file_other_users_can_reach_is_refused(tmp_path, mode):
    path = tmp_path / "secret.key"
    path.write_text(Fernet.generate_key().decode() + "\n")
    path.chmod(mode)
    with pytest.raises(secrets_box.KeyFileError, match="chmod 600"):
        secrets_box.make_box(None, key_file=path)
    path.chmod(0o600)
    box = secrets_box.make_box(None, key_file=path)
    assert box.decrypt(box.encrypt(b"ok")) == b"ok"


# --- Several workers on PostgreSQL: FOR UPDATE SKIP LOCKED ----------------------------------------


def _in_thread(target) -> threading.Thread:
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


def test_on_postgresql_a_sender_skips_a_mail_another_holds_instead_of_waiting(postgres_engine):
    engine = postgres_engine
    held, *others = [_enqueue(engine, to=f"personne{i}@exemple.fr") for i in range(3)]
    transport = SlowRecordingTransport()
    counts: list[int] = []
    with engine.connect() as holder:
        holder.begin()  # another sender, mid-claim, holds this row's lock
        holder.execute(select(OutboxMail.id).where(OutboxMail.id == held).with_for_update())
        thread = _in_thread(lambda: counts.append(deliver_due(engine=engine, now=NOW, transport=transport)))
        thread.join(timeout=10)
        waited = thread.is_alive()
        holder.rollback()
    thread.join(timeout=10)

    assert not waited, "the sender waited on a row lock another sender held"
    assert counts == [len(others)]
    assert _row(engine, held)["sent_at"] is None
    assert deliver_due(engine=engine, now=NOW, transport=transport) == 1  # released: sent now
    assert len(transport.sent) == 3


def test_on_postgresql_two_workers_with_their_own_pools_send_each_mail_exactly_once(postgres_engine):
    recipients = [f"personne{i}@exemple.fr" for i in range(40)]
    for recipient in recipients:
        _enqueue(postgres_engine, to=recipient)
    other_worker = make_engine(postgres_engine.url.render_as_string(hide_password=False))
    transport = SlowRecordingTransport()
    counts: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def sender(engine: Engine) -> None:
        try:
            start.wait()
            counts.append(deliver_due(engine=engine, now=NOW, transport=transport, limit=100))
        except BaseException as error:  # noqa: BLE001 (reported by the assertion below)
            errors.append(error)

    try:
        threads = [_in_thread(lambda e=e: sender(e)) for e in (postgres_engine, other_worker)]
        for thread in threads:
            thread.join(timeout=60)
    finally:
        other_worker.dispose()

    assert errors == []
    assert sorted(transport.sent) == sorted(recipients)  # each once: no duplicate, none missing
    assert sum(counts) == len(recipients)
    assert all(count > 0 for count in counts), counts  # both worked: neither waited the other out


def test_on_postgresql_a_request_another_sender_is_processing_is_skipped_not_waited_for(postgres_engine):
    engine = postgres_engine
    seen: list[str] = []

    def handler(session, data, now) -> None:
        seen.append(data["n"])

    with session_scope(engine) as session:
        held, *_ = [mail.enqueue_request(session, name="note", data={"n": str(i)}, now=NOW) for i in range(3)]
    counts: list[int] = []
    with engine.connect() as holder:
        holder.begin()
        holder.execute(select(OutboxMail.id).where(OutboxMail.id == held).with_for_update())
        thread = _in_thread(
            lambda: counts.append(mail.process_requests(engine=engine, now=NOW, handlers={"note": handler}))
        )
        thread.join(timeout=10)
        waited = thread.is_alive()
        holder.rollback()
    thread.join(timeout=10)

    assert not waited, "the sender waited on a request another sender held"
    assert counts == [2] and sorted(seen) == ["1", "2"]
    assert mail.process_requests(engine=engine, now=NOW, handlers={"note": handler}) == 1
    assert mail.process_requests(engine=engine, now=NOW, handlers={"note": handler}) == 0
    assert sorted(seen) == ["0", "1", "2"]


def test_two_senders_processing_requests_at_once_process_each_exactly_once(engine):
    seen: list[str] = []
    lock = threading.Lock()

    def handler(session, data, now) -> None:
        time.sleep(0.002)
        with lock:
            seen.append(data["n"])

    with session_scope(engine) as session:
        for i in range(20):
            mail.enqueue_request(session, name="note", data={"n": str(i)}, now=NOW)
    errors: list[BaseException] = []

    def sender() -> None:
        try:
            mail.process_requests(engine=engine, now=NOW, handlers={"note": handler})
        except BaseException as error:  # noqa: BLE001 (reported by the assertion below)
            errors.append(error)

    threads = [_in_thread(sender) for _ in range(2)]
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(seen, key=int) == [str(i) for i in range(20)]
