"""Symmetric encryption of secrets at rest (Fernet: AES-128-CBC + HMAC-SHA256, with a timestamp).

The key comes from MESPOINTS_SECRET_KEY when set: a Fernet key (32 url-safe base64 bytes,
``python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"``)
or a passphrase, stretched with scrypt (N=2**15, r=8, p=1, 32 bytes) under the fixed salt
KDF_SALT: the salt only separates this use, the passphrase must carry the entropy (a Fernet
key is better). Several keys separated by commas rotate them: the first encrypts, all decrypt.
Unset, a key is generated once and kept in data/secret.key (mode 0600), on a local base URL only
(settings refuse to start elsewhere without the variable); a key file that other users may read
is refused. Several hosts sharing one database must share the key: set the variable.
"""

from __future__ import annotations

import base64
import binascii
import functools
import os
import time
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from mespoints.settings import SECRET_KEY_FILE, get_settings, key_file_problem

KEY_FILE = SECRET_KEY_FILE
# scrypt for passphrases: fixed, public salt (one key for every host, so no per-host salt).
KDF_SALT = b"mespoints/MESPOINTS_SECRET_KEY/outbox/v1"
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1

__all__ = [
    "KDF_SALT",
    "KEY_FILE",
    "InvalidToken",
    "KeyFileError",
    "decrypt",
    "encrypt",
    "load_or_create_key_file",
    "make_box",
    "stretch_passphrase",
]


class KeyFileError(RuntimeError):
    """The key file cannot be trusted (other users may read it); the message is in French."""


def stretch_passphrase(passphrase: str) -> bytes:
    """A Fernet key (url-safe base64) from a passphrase, through scrypt under KDF_SALT."""
    kdf = Scrypt(salt=KDF_SALT, length=32, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return base64.urlsafe_b64encode(kdf.derive(passphrase.encode("utf-8")))


def _fernet_from(text: str) -> Fernet:
    text = text.strip()
    try:
        if len(base64.urlsafe_b64decode(text.encode("ascii"))) == 32:
            return Fernet(text.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        pass
    return Fernet(stretch_passphrase(text))


def load_or_create_key_file(path: Path) -> str:
    """The key stored in ``path``, created (0600, atomically) on first use.

    Raises KeyFileError when the file exists with access for group or others.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if problem := key_file_problem(path):
            raise KeyFileError(f"Clé de chiffrement refusée : {problem}.") from None
        return path.read_text(encoding="ascii").strip()
    # Exactly one process wins O_EXCL; it writes the key. A concurrent reader waits until it is there.
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(Fernet.generate_key().decode("ascii") + "\n")
    return path.read_text(encoding="ascii").strip()


def make_box(secret_key: str | None, *, key_file: Path = KEY_FILE) -> MultiFernet:
    """A box from a MESPOINTS_SECRET_KEY value, or from the key file when it is unset."""
    if secret_key and secret_key.strip():
        keys = [part for part in secret_key.split(",") if part.strip()]
    else:
        keys = [_wait_for_key(key_file)]
    return MultiFernet([_fernet_from(key) for key in keys])


def _wait_for_key(path: Path) -> str:
    for _ in range(50):  # another process may be between O_EXCL and its write
        key = load_or_create_key_file(path)
        if key:
            return key
        time.sleep(0.02)
    raise RuntimeError(f"{path} is empty: delete it or set MESPOINTS_SECRET_KEY")


@functools.cache
def _box() -> MultiFernet:
    return make_box(get_settings().secret_key)


def encrypt(plaintext: str) -> str:
    """An opaque, url-safe ASCII token holding ``plaintext``."""
    return _box().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """The text inside ``token``; raises ``InvalidToken`` when it was made with another key."""
    return _box().decrypt(token.encode("ascii", "replace")).decode("utf-8")
