"""Symmetric encryption of secrets at rest (Fernet: AES-128-CBC + HMAC-SHA256, with a timestamp).

The key comes from MESPOINTS_SECRET_KEY when set: a Fernet key (32 url-safe base64 bytes,
``python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"``)
or any passphrase, stretched with SHA-256. Several keys separated by commas rotate them: the
first encrypts, all decrypt. Unset, a key is generated once and kept in data/secret.key
(mode 0600). Several hosts sharing one database must share the key: set the variable.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import os
import time
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from mespoints.settings import DATA_DIR, get_settings

KEY_FILE = DATA_DIR / "secret.key"

__all__ = ["KEY_FILE", "InvalidToken", "decrypt", "encrypt", "load_or_create_key_file", "make_box"]


def _fernet_from(text: str) -> Fernet:
    text = text.strip()
    try:
        if len(base64.urlsafe_b64decode(text.encode("ascii"))) == 32:
            return Fernet(text.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        pass
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(text.encode("utf-8")).digest()))


def load_or_create_key_file(path: Path) -> str:
    """The key stored in ``path``, created (0600, atomically) on first use."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
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
