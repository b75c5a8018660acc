"""Password hashing and secret tokens, nothing else.

Passwords: libpass (passlib's maintained fork) with argon2id at the OWASP parameters; login
calls `verify_and_update` so hashes made with older parameters are upgraded, and
`verify_dummy` spends the same time when the account does not exist.

Tokens and session ids: `secrets.token_urlsafe(32)` (256 bits); only their SHA-256 is stored.
"""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
import unicodedata

from passlib.context import CryptContext


@dataclasses.dataclass(frozen=True)
class Argon2Cost:
    """Argon2id cost parameters: memory in KiB, passes, lanes."""

    memory_kib: int
    time_cost: int
    parallelism: int


# OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1 (about 35 ms on 2 cores).
PRODUCTION_COST = Argon2Cost(memory_kib=19456, time_cost=2, parallelism=1)
# Tests only, through `use_argon2_cost`: the cheapest argon2id, so suites stay fast.
TEST_COST = Argon2Cost(memory_kib=64, time_cost=1, parallelism=1)


def _make_context(cost: Argon2Cost) -> CryptContext:
    return CryptContext(
        schemes=["argon2"],
        deprecated="auto",
        argon2__type="ID",
        argon2__memory_cost=cost.memory_kib,
        argon2__rounds=cost.time_cost,
        argon2__parallelism=cost.parallelism,
    )


_context = _make_context(PRODUCTION_COST)
_dummy_hash: str | None = None


def use_argon2_cost(cost: Argon2Cost) -> Argon2Cost:
    """TEST HOOK: hash with `cost` from now on; returns the previous cost to restore later.

    Only test fixtures call this (e.g. `use_argon2_cost(TEST_COST)` in an autouse fixture);
    production code never does, so the portal always hashes with PRODUCTION_COST.
    """
    global _context, _dummy_hash
    previous = current_argon2_cost()
    _context = _make_context(cost)
    _dummy_hash = None
    return previous


def current_argon2_cost() -> Argon2Cost:
    handler = _context.handler("argon2")
    return Argon2Cost(
        memory_kib=handler.memory_cost, time_cost=handler.default_rounds, parallelism=handler.parallelism
    )


def _normalized(password: str) -> str:
    # The same password typed on another keyboard may arrive composed differently (NFKC, as the
    # password policy counts it).
    return unicodedata.normalize("NFKC", password)


def hash_password(password: str) -> str:
    """An argon2id hash of `password` (NFKC-normalized) with the current parameters."""
    return _context.hash(_normalized(password))


# Stored instead of a hash when a password must not open the account any more (« Ce n'était
# pas moi »): no password matches it; the holder chooses a new one through « mot de passe oublié ».
DISABLED_PASSWORD = "!disabled"


def verify_password(password: str, password_hash: str) -> tuple[bool, str | None]:
    """(matches, new hash or None): a new hash when the stored one uses older parameters."""
    try:
        return _context.verify_and_update(_normalized(password), password_hash)
    except ValueError:
        # A disabled (DISABLED_PASSWORD) or malformed stored hash never matches, in the time of a
        # real verification: answering at once would tell that this address has an account.
        verify_dummy(password)
        return False, None


def verify_dummy(password: str) -> None:
    """Spend the time of one verification, for an unknown email (timing tells nothing)."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _context.hash(secrets.token_urlsafe(16))
    _context.verify(_normalized(password), _dummy_hash)


def new_token() -> tuple[str, str]:
    """A fresh secret (raw, 256 bits, URL-safe) and its SHA-256 hex, the only form stored."""
    raw = secrets.token_urlsafe(32)
    return raw, hash_token(raw)


def hash_token(raw: str) -> str:
    """SHA-256 hex of a token, session id or other secret/identifier kept out of the database."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()
