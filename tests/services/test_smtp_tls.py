"""SMTP credentials travel only over TLS (issue 7, item 7): implicit TLS and STARTTLS against a
real server (aiosmtpd) with a self-signed certificate made here, and never a login in clear."""

from __future__ import annotations

import datetime as dt
import ipaddress
import smtplib
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from mespoints.services.mail import PlainLoginRefused, SmtpTransport
from mespoints.settings import Settings

USER, PASSWORD = "portail", "s3cr3t-Pa55"


@dataclass
class Server:
    """What the SMTP server saw: each login attempt (over TLS or not) and each accepted message."""

    logins: list[tuple[str, bool]] = field(default_factory=list)
    messages: list[bytes] = field(default_factory=list)

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        over_tls = server.transport.get_extra_info("ssl_object") is not None
        self.logins.append((auth_data.login.decode(), over_tls))
        return AuthResult(
            success=auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
        )

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, and its private key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    directory = tmp_path_factory.mktemp("tls")
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


def server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    return context


def client_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    """Trusts the test's certificate only, with hostname checks on, as the portal's default does."""
    return ssl.create_default_context(cafile=str(certificate[0]))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running(server: Server, **options) -> Iterator[int]:
    port = free_port()
    controller = Controller(
        server, hostname="127.0.0.1", port=port, authenticator=server.authenticate, **options
    )
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def message() -> EmailMessage:
    email = EmailMessage()
    email["From"] = "ne-pas-repondre@localhost"
    email["To"] = "julie@exemple.fr"
    email["Subject"] = "Activez votre compte"
    email.set_content("Bonjour Julie,")
    return email


@pytest.fixture
def implicit_tls_server(certificate) -> Iterator[tuple[Server, int]]:
    # aiosmtpd ties its "TLS required for AUTH" to STARTTLS; here the whole connection is TLS.
    server = Server()
    with running(server, ssl_context=server_context(certificate), auth_require_tls=False) as port:
        yield server, port


@pytest.fixture
def starttls_server(certificate) -> Iterator[tuple[Server, int]]:
    server = Server()
    with running(server, tls_context=server_context(certificate), require_starttls=True) as port:
        yield server, port


@pytest.fixture
def plain_server() -> Iterator[tuple[Server, int]]:
    """A server that would take a login in clear (the portal must not offer it one)."""
    server = Server()
    with running(server, auth_require_tls=False) as port:
        yield server, port


def test_the_transport_logs_in_and_sends_over_implicit_tls(implicit_tls_server, certificate):
    server, port = implicit_tls_server
    transport = SmtpTransport(
        host="127.0.0.1", port=port, implicit_tls=True, user=USER, password=PASSWORD,
        tls_context=client_context(certificate), timeout=5,
    )  # fmt: skip
    transport.send(message())
    assert server.logins == [(USER, True)]
    assert len(server.messages) == 1


def test_the_transport_logs_in_and_sends_after_starttls(starttls_server, certificate):
    server, port = starttls_server
    transport = SmtpTransport(
        host="127.0.0.1", port=port, starttls=True, user=USER, password=PASSWORD,
        tls_context=client_context(certificate), timeout=5,
    )  # fmt: skip
    transport.send(message())
    assert server.logins == [(USER, True)]
    assert len(server.messages) == 1


def test_the_certificate_is_checked_an_unknown_one_stops_before_any_login(implicit_tls_server):
    server, port = implicit_tls_server
    transport = SmtpTransport(
        host="127.0.0.1", port=port, implicit_tls=True, user=USER, password=PASSWORD, timeout=5
    )
    with pytest.raises(ssl.SSLCertVerificationError):
        transport.send(message())
    assert server.logins == [] and server.messages == []


def test_no_login_is_ever_attempted_on_a_plain_connection(plain_server):
    server, port = plain_server
    transport = SmtpTransport(host="127.0.0.1", port=port, user=USER, password=PASSWORD, timeout=5)
    with pytest.raises(PlainLoginRefused):
        transport.send(message())
    assert server.logins == [] and server.messages == []


def test_a_server_without_starttls_gets_no_login_and_no_mail(plain_server, certificate):
    server, port = plain_server
    transport = SmtpTransport(
        host="127.0.0.1", port=port, starttls=True, user=USER, password=PASSWORD,
        tls_context=client_context(certificate), timeout=5,
    )  # fmt: skip
    with pytest.raises(smtplib.SMTPNotSupportedError):
        transport.send(message())
    assert server.logins == [] and server.messages == []


def test_settings_choose_the_tls_mode_of_the_transport():
    implicit = SmtpTransport.from_settings(
        Settings(
            smtp_host="smtp.exemple.fr", smtp_port=465, smtp_ssl=True, smtp_user=USER, smtp_password=PASSWORD
        )
    )
    assert implicit is not None and implicit.implicit_tls and not implicit.starttls
    starttls = SmtpTransport.from_settings(Settings(smtp_host="smtp.exemple.fr", smtp_starttls=True))
    assert starttls is not None and starttls.starttls and not starttls.implicit_tls
    assert PASSWORD not in repr(implicit)
