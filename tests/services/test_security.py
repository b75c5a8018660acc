"""Password hashing parameters, hash upgrades and secret tokens."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys

import pytest

from mespoints.services import security

ARGON2_HASH = re.compile(r"^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$")


@pytest.fixture
def production_hashing():
    previous = security.use_argon2_cost(security.PRODUCTION_COST)
    yield
    security.use_argon2_cost(previous)


@pytest.fixture
def cheap_hashing():
    previous = security.use_argon2_cost(security.TEST_COST)
    yield
    security.use_argon2_cost(previous)


def parameters(password_hash: str) -> tuple[int, int, int]:
    found = ARGON2_HASH.match(password_hash)
    assert found, password_hash
    memory, time_cost, parallelism = (int(part) for part in found.groups())
    return memory, time_cost, parallelism


def test_the_portal_hashes_with_argon2id_at_the_owasp_parameters_out_of_the_box():
    # A fresh interpreter: no test hook has run there, this is what the portal stores.
    stored = subprocess.run(
        [sys.executable, "-c", "from mespoints.services import security; print(security.hash_password('x'))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    memory, time_cost, parallelism = parameters(stored)
    assert memory >= 19456 and time_cost >= 2 and parallelism >= 1
    assert (memory, time_cost, parallelism) == (19456, 2, 1)
    assert security.Argon2Cost(memory_kib=19456, time_cost=2, parallelism=1) == security.PRODUCTION_COST


def test_a_production_hash_verifies_and_needs_no_upgrade(production_hashing):
    password_hash = security.hash_password("cheval-Rouge-tambour-93")
    assert parameters(password_hash) == (19456, 2, 1)
    assert security.verify_password("cheval-Rouge-tambour-93", password_hash) == (True, None)


def test_a_wrong_password_does_not_verify(cheap_hashing):
    password_hash = security.hash_password("cheval-Rouge-tambour-93")
    assert security.verify_password("cheval-rouge-tambour-93", password_hash) == (False, None)
    assert security.verify_password("x", "not a hash") == (False, None)


def test_a_hash_made_with_weaker_parameters_is_upgraded_on_verification(production_hashing):
    weak = security._make_context(security.Argon2Cost(memory_kib=1024, time_cost=1, parallelism=1)).hash(
        "secret"
    )

    matches, new_hash = security.verify_password("secret", weak)

    assert matches is True
    assert new_hash is not None and parameters(new_hash) == (19456, 2, 1)
    assert security.verify_password("secret", new_hash) == (True, None)


def test_the_same_password_typed_in_another_unicode_form_verifies(cheap_hashing):
    composed = "Éléphant-rose-du-matin"
    decomposed = "E\u0301le\u0301phant-rose-du-matin"
    assert security.verify_password(decomposed, security.hash_password(composed))[0] is True


def test_the_test_hook_changes_the_cost_and_gives_back_the_previous_one(production_hashing):
    previous = security.use_argon2_cost(security.TEST_COST)
    try:
        assert previous == security.PRODUCTION_COST
        assert parameters(security.hash_password("x")) == (64, 1, 1)
    finally:
        security.use_argon2_cost(previous)
    assert security.current_argon2_cost() == security.PRODUCTION_COST


def test_new_tokens_are_256_bit_url_safe_and_stored_as_their_sha256():
    raw, stored = security.new_token()
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", raw)
    assert stored == hashlib.sha256(raw.encode()).hexdigest() == security.hash_token(raw)
    assert len({security.new_token()[0] for _ in range(1000)}) == 1000


@pytest.fixture
def verified_hashes(production_hashing, monkeypatch) -> list[str]:
    """The stored hashes argon2 verifies passwords against, as the services call it."""
    verified: list[str] = []
    real_verify = security._context.verify
    monkeypatch.setattr(
        security._context,
        "verify",
        lambda secret, hashed: verified.append(hashed) or real_verify(secret, hashed),
    )
    return verified


def test_the_dummy_verification_spends_a_real_hash_computation(verified_hashes):
    security.verify_dummy("anything")
    assert len(verified_hashes) == 1 and verified_hashes[0].startswith("$argon2id$v=19$m=19456,t=2,p=1$")


@pytest.mark.parametrize("stored", [security.DISABLED_PASSWORD, "not-a-hash", ""])
def test_a_disabled_or_malformed_stored_hash_never_matches_and_costs_a_real_verification(
    stored, verified_hashes
):
    """A password disabled by « Ce n'était pas moi » must not answer faster than a wrong password:
    the time would tell that the address has an account (found by a review: 8 ms against 100)."""
    assert security.verify_password("Cheval-Basalte-Tambour-58", stored) == (False, None)
    assert len(verified_hashes) == 1 and verified_hashes[0].startswith("$argon2id$v=19$m=19456,t=2,p=1$")
