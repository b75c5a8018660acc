"""Which provider the button uses: the demo provider only locally and only without an issuer."""

from __future__ import annotations

import pytest

from mespoints.franceconnect_config import DEMO_PATH, demo_enabled, provider_config
from mespoints.settings import Settings


def test_a_local_portal_without_issuer_uses_the_demo_provider_under_its_own_address() -> None:
    settings = Settings(base_url="http://localhost:3000")
    config = provider_config(settings)
    assert demo_enabled(settings) and config is not None and config.demo
    assert config.issuer == f"http://localhost:3000{DEMO_PATH}"
    assert config.redirect_uri == "http://localhost:3000/auth/franceconnect/callback"
    assert config.post_logout_redirect_uri == "http://localhost:3000/auth/franceconnect/logged-out"
    assert config.scopes == "openid given_name family_name birthdate email"


@pytest.mark.parametrize("base_url", ["https://mespoints.example.fr", "https://192.0.2.10:3000"])
def test_a_public_portal_without_issuer_has_no_franceconnect_at_all(base_url: str) -> None:
    settings = Settings(
        base_url=base_url,
        secret_key="une phrase secrete assez longue pour les tests",
        attestation_keys="k1:" + "A" * 43,
    )
    assert not demo_enabled(settings)
    assert provider_config(settings) is None


def test_a_configured_issuer_is_used_and_the_demo_provider_never_starts() -> None:
    settings = Settings(
        base_url="http://localhost:3000",
        franceconnect_issuer="https://fcp-low.sbx.dev-franceconnect.fr/api/v2/",
        franceconnect_client_id="id",
        franceconnect_client_secret="secret",
        franceconnect_scopes="openid  family_name birthdate email",
    )
    config = provider_config(settings)
    assert not demo_enabled(settings)
    assert config is not None and not config.demo
    assert config.issuer == "https://fcp-low.sbx.dev-franceconnect.fr/api/v2"
    assert config.scopes == "openid family_name birthdate email"


def test_an_issuer_without_client_registration_hides_the_button() -> None:
    settings = Settings(base_url="http://localhost:3000", franceconnect_issuer="https://fc.example")
    assert provider_config(settings) is None and not demo_enabled(settings)


def test_make_dev_sends_the_provider_back_to_the_back_end_port() -> None:
    settings = Settings(base_url="http://localhost:3000", port=3000, backend_port=8000)
    config = provider_config(settings)
    assert config is not None
    assert config.redirect_uri == "http://localhost:8000/auth/franceconnect/callback"
