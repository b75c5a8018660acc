"""The key browser journeys again, on the production set-up: PostgreSQL, Redis, two workers.

The tests are those of the SQLite portal (sign-up, login, dashboard), imported here so pytest runs
them a second time with `portal` bound to the production portal (conftest.production_portal, a
fresh database on the system PostgreSQL and the system Redis). Required when CI=true.
"""

from __future__ import annotations

import pytest

from tests.e2e.test_account_journey import (  # noqa: F401 (collected again, on this portal)
    test_a_new_driver_signs_up_activates_logs_in_sees_the_balance_and_logs_out,
    test_login_refuses_a_wrong_password_with_one_message,
    test_private_pages_send_a_stranger_to_the_login_page,
    test_the_wizard_keeps_the_step_and_what_was_typed_on_reload_but_never_the_password,
)
from tests.e2e.test_dashboard import (  # noqa: F401
    test_the_dashboard_shows_the_engines_balance_history_and_forecast,
    test_the_simulator_shows_the_result_without_saving_anything,
)


@pytest.fixture
def portal(production_portal):
    """Overrides the SQLite portal for every test of this module (and the `page` fixture's)."""
    return production_portal
