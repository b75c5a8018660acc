"""The app swaps Reflex's connection overlay for the portal's French notice, at the key Reflex uses:
a Reflex upgrade that moves its overlay fails here rather than bringing the English toast back
beside the notice (the browser tests: tests/e2e/test_connection_notice.py)."""

from __future__ import annotations

from reflex.app import App

from mespoints.components.connection_notice import connection_overlay


def test_the_portal_replaces_reflexs_own_connection_overlay_and_keeps_its_other_wraps():
    from mespoints.mespoints import REFLEX_OVERLAY, app

    reflex_defaults = App.__dataclass_fields__["app_wraps"].default_factory()
    assert REFLEX_OVERLAY in reflex_defaults
    assert app.app_wraps[REFLEX_OVERLAY] is connection_overlay
    assert set(app.app_wraps) == set(reflex_defaults)
