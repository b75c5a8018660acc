"""The dashboard's state: private (session checked on the server, data cleared first), and the simulator."""

from __future__ import annotations

import asyncio

import pytest
from reflex.state import State

from mespoints import routes
from mespoints.services.national_file import import_records
from mespoints.services.sessions import SessionInfo
from mespoints.state import dashboard as dashboard_state
from mespoints.state.dashboard import DashboardState
from tests.services.test_dashboard import AS_OF, NUMBER, record


def session_for(number: str) -> SessionInfo:
    return SessionInfo(
        account_id=1,
        email="julie@exemple.fr",
        first_names="Julie Anne",
        last_name="MARTIN",
        licence_number=number,
    )


@pytest.fixture
def signed_in(sqlite_engine, monkeypatch):
    """The state's collaborators pointed at a test database, a fixed day and a switchable session."""
    import_records(engine=sqlite_engine, records=[record()])
    current = {"session": session_for(NUMBER)}
    monkeypatch.setattr(dashboard_state, "get_engine", lambda: sqlite_engine)
    monkeypatch.setattr(dashboard_state, "today", lambda: AS_OF)
    monkeypatch.setattr(dashboard_state, "current_session", lambda state: current["session"])
    return current


def new_state() -> DashboardState:
    """The page's state inside a whole tree, as the server holds it (the header's count is
    another state of that tree)."""
    root = State(_reflex_internal_init=True)  # type: ignore[call-arg]
    return root.get_substate(DashboardState.get_full_name().split(".")[1:])


def load(state: DashboardState):  # type: ignore[no-untyped-def]
    return asyncio.run(DashboardState.on_load.fn(state))


def redirect_path(spec) -> str:
    return dict((name._js_expr, value) for name, value in spec.args)["path"]._var_value


def test_without_a_session_the_page_clears_everything_and_sends_to_login(signed_in):
    state = new_state()
    load(state)
    assert state.balance == 8 and state.history

    signed_in["session"] = None
    spec = load(state)

    assert redirect_path(spec) == f"{routes.LOGIN}?suite={routes.DASHBOARD}"
    assert (state.loaded, state.balance, state.history, state.first_names) == (False, 0, [], "")


def test_with_a_session_the_page_loads_that_accounts_licence(signed_in):
    state = new_state()

    assert load(state) is None

    assert state.loaded and not state.licence_missing
    assert (state.balance, state.maximum, state.gauge_label) == (8, 12, "8 points sur 12")
    assert state.updated_label == "2 novembre 2024"
    assert [row.rule for row in state.history] == ["six_month", "withdrawal", "withdrawal"]
    assert state.simulation_min == "1998-06-02" and state.simulation_max == "2029-11-10"


def test_an_account_whose_licence_is_not_in_the_national_file_sees_a_notice(signed_in):
    signed_in["session"] = session_for("777666555")
    state = new_state()

    load(state)

    assert state.loaded and state.licence_missing and state.balance == 0


def test_the_simulator_rechecks_the_session(signed_in):
    state = new_state()
    load(state)
    signed_in["session"] = None

    spec = DashboardState.simulate.fn(state, {"offence": "TELEPHONE", "day": "2024-11-10"})

    assert redirect_path(spec) == f"{routes.LOGIN}?suite={routes.DASHBOARD}"
    assert not state.simulated and state.balance == 0


def test_the_simulator_shows_errors_next_to_the_fields(signed_in):
    state = new_state()
    load(state)

    DashboardState.simulate.fn(state, {"offence": "", "day": "2024-13-01"})

    assert state.offence_error == "Choisissez une infraction dans la liste."
    assert state.day_error.startswith("Cette date n'est pas valable.")
    assert not state.simulated


def test_the_simulator_result_replaces_the_errors_and_keeps_the_real_balance(signed_in):
    state = new_state()
    load(state)
    DashboardState.simulate.fn(state, {"offence": "", "day": ""})

    DashboardState.simulate.fn(state, {"offence": "TELEPHONE", "day": "2024-11-10"})

    assert (state.offence_error, state.day_error) == ("", "")
    assert state.simulated and state.simulation_balance_label == "5 points sur 12"
    assert [letter.code for letter in state.simulation_letters] == ["48", "48M"]
    assert state.balance == 8  # the real balance shown above does not change
