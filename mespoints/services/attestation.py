"""Signing and checking attestation codes (Ed25519, `cryptography`), with key rotation.

A code is `base64url(payload).base64url(signature)`: the payload (domain.attestation.encode) names
the key that signed it. The keys come from MESPOINTS_ATTESTATION_KEYS (`kid:base64,…`, settings):
the first signs, every one verifies, so a key rotated out of signing keeps its attestations valid
while it stays listed. Unset on a local base URL, one key is generated in data/attestation.keys
(mode 0600) on first use; elsewhere the settings refuse to start without keys.

A code is authentic only in its canonical form: base64 that would decode the same with other
padding bits, or any other character changed, is refused (one changed character, one refusal).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import Engine

from mespoints.db.engine import session_scope
from mespoints.domain import attestation as attestation_domain
from mespoints.domain.attestation import Attestation, Verdict
from mespoints.domain.points_text import format_date_fr
from mespoints.services import rate_limit
from mespoints.settings import ATTESTATION_KEYS_FILE, get_settings, parse_attestation_keys

# A code longer than this is refused before any decoding (a pasted novel, an attack).
MAX_CODE_LENGTH = 2000


@dataclass(frozen=True)
class KeyRing:
    signing_id: str
    signing_key: Ed25519PrivateKey
    verifying: dict[str, Ed25519PublicKey]

    @classmethod
    def from_text(cls, text: str) -> KeyRing:
        keys = [
            (kid, Ed25519PrivateKey.from_private_bytes(seed)) for kid, seed in parse_attestation_keys(text)
        ]
        return cls(
            signing_id=keys[0][0],
            signing_key=keys[0][1],
            verifying={kid: key.public_key() for kid, key in keys},
        )


@dataclass(frozen=True)
class Verification:
    verdict: Verdict
    attestation: Attestation | None = None  # only for an authentic code


def new_key_text(key_id: str) -> str:
    """One `kid:base64` entry with a fresh Ed25519 key (README tells how to make one)."""
    seed = Ed25519PrivateKey.generate().private_bytes_raw()
    return f"{key_id}:{base64.b64encode(seed).decode('ascii')}"


def load_or_create_key_file(path: Path) -> str:
    """The keys stored in `path`, created (0600, atomically) with one new key on first use."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(new_key_text(f"local-{secrets.token_hex(3)}") + "\n")
    return path.read_text(encoding="ascii").strip()


@functools.cache
def keyring() -> KeyRing:
    """The process's keys: MESPOINTS_ATTESTATION_KEYS, else the generated file (local base URL only)."""
    configured = get_settings().attestation_keys
    if configured and configured.strip():
        return KeyRing.from_text(configured)
    return KeyRing.from_text(load_or_create_key_file(ATTESTATION_KEYS_FILE))


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _b64decode_canonical(text: str) -> bytes:
    """Decodes unpadded base64url, refusing any text that is not exactly what _b64encode gives."""
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("not base64url") from None
    if _b64encode(data) != text:
        raise ValueError("not canonical")
    return data


def sign(attestation: Attestation, ring: KeyRing) -> str:
    """The attestation's code, signed with the ring's signing key."""
    payload = attestation_domain.encode(attestation, key_id=ring.signing_id)
    return f"{_b64encode(payload)}.{_b64encode(ring.signing_key.sign(payload))}"


def verify(code: str, ring: KeyRing, *, today: dt.date) -> Verification:
    """Authentic and valid, authentic but expired, or not authentic (then nothing of its content)."""
    code = "".join(code.split())  # a code pasted across lines
    if not code or len(code) > MAX_CODE_LENGTH or code.count(".") != 1:
        return Verification(Verdict.NOT_AUTHENTIC)
    encoded_payload, encoded_signature = code.split(".")
    try:
        payload = _b64decode_canonical(encoded_payload)
        signature = _b64decode_canonical(encoded_signature)
        key = ring.verifying.get(attestation_domain.key_id_of(payload))
        if key is None:
            return Verification(Verdict.NOT_AUTHENTIC)
        key.verify(signature, payload)
        attestation = attestation_domain.decode(payload)
    except (ValueError, InvalidSignature, UnicodeDecodeError):
        return Verification(Verdict.NOT_AUTHENTIC)
    if attestation_domain.is_expired(attestation, today):
        return Verification(Verdict.EXPIRED, attestation)
    return Verification(Verdict.VALID, attestation)


# The public page: how many codes one client network may check, against scraping.
VERIFY_PER_IP = rate_limit.Limit("verify-ip", 60, dt.timedelta(hours=1))


@dataclass(frozen=True)
class Check:
    """What the public page shows: a verdict (with the attestation when authentic), or a wait."""

    verification: Verification | None = None
    retry_after: int | None = None  # seconds, when this network checked too many codes


def check_code(*, engine: Engine, code: str, ip: str, today: dt.date, now: dt.datetime) -> Check:
    """Checks a code for the public page, counted against the client's network (rate_limit.ip_key)."""
    with session_scope(engine) as session:
        wait = rate_limit.hit(session, limit=VERIFY_PER_IP, key=rate_limit.ip_key(ip or "inconnue"), now=now)
    if wait is not None:
        return Check(retry_after=wait)
    return Check(verification=verify(code, keyring(), today=today))


@dataclass(frozen=True)
class AttestedLine:
    label: str
    value: str


@dataclass(frozen=True)
class CheckView:
    """What the public page says, in plain French."""

    verdict: str  # a Verdict, or "rate_limited"
    title: str
    lines: list[AttestedLine]  # the attested content: only for an authentic, valid attestation
    dates: str = ""  # an expired one: when it was issued and until when it was valid


def check_view(check: Check) -> CheckView:
    if check.verification is None:
        wait = rate_limit.minutes_text(check.retry_after or 60)
        return CheckView(
            verdict="rate_limited",
            title=f"Trop de vérifications depuis votre réseau. Réessayez dans {wait}.",
            lines=[],
        )
    verification = check.verification
    title = attestation_domain.VERDICTS_FR[verification.verdict]
    attested = verification.attestation
    if verification.verdict is Verdict.VALID and attested is not None:
        lines = [AttestedLine(label, value) for label, value in attestation_domain.lines_fr(attested)]
        return CheckView(verdict=verification.verdict, title=title, lines=lines)
    if verification.verdict is Verdict.EXPIRED and attested is not None:
        dates = (
            f"Délivrée le {format_date_fr(attested.issued_on)}, elle n'était valable que jusqu'au "
            f"{format_date_fr(attested.valid_until)}. Demandez à son titulaire une attestation récente."
        )
        return CheckView(verdict=verification.verdict, title=title, lines=[], dates=dates)
    return CheckView(verdict=Verdict.NOT_AUTHENTIC, title=title, lines=[])
