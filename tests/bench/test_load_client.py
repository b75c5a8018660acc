"""The load generator reads the portal's answers as a browser would (bench/load_client.py)."""

from __future__ import annotations

from bench import load_client
from bench.load_client import DASHBOARD_STATE, LOGIN_STATE, ROOT
from mespoints.state.dashboard import DashboardState
from mespoints.state.login import LoginState
from mespoints.state.scripts import login_with_ticket_script


def test_the_state_names_the_generator_sends_are_the_portals():
    assert LoginState.get_full_name() == LOGIN_STATE
    assert DashboardState.get_full_name() == DASHBOARD_STATE
    assert hasattr(LoginState, "submit") and hasattr(DashboardState, "simulate")


def test_the_ticket_is_read_from_the_script_the_login_sends():
    script = login_with_ticket_script("AbC-12_xyz", "/tableau-de-bord")
    update = {"events": [{"name": "_call_script", "payload": {"javascript_code": script}}]}
    assert load_client.login_ticket(update) == "AbC-12_xyz"
    assert load_client.login_answered(update)


def test_the_ticket_is_read_from_a_state_var_too():
    update = {"delta": {LOGIN_STATE: {"ticket_rx_state_": "T0k3n"}}}
    assert load_client.login_ticket(update) == "T0k3n"


def test_a_refused_login_ends_the_wait_without_a_ticket():
    update = {"delta": {LOGIN_STATE: {"message_rx_state_": "Adresse ou mot de passe incorrect."}}}
    assert load_client.login_answered(update)
    assert load_client.login_ticket(update) is None


def test_an_update_without_an_answer_keeps_the_login_waiting():
    update = {"delta": {LOGIN_STATE: {"message_rx_state_": "", "email_error_rx_state_": ""}}}
    assert not load_client.login_answered(update)


def test_a_page_is_loaded_once_the_root_state_is_hydrated():
    assert load_client.hydrated({"delta": {ROOT: {"is_hydrated_rx_state_": True}}})
    assert not load_client.hydrated({"delta": {ROOT: {"is_hydrated_rx_state_": False}}})
    assert not load_client.hydrated({"delta": {DASHBOARD_STATE: {"balance_rx_state_": 8}}})


def test_a_simulation_is_answered_by_its_result_or_its_error():
    assert load_client.simulation_answered({"delta": {DASHBOARD_STATE: {"simulated_rx_state_": True}}})
    assert load_client.simulation_answered({"delta": {DASHBOARD_STATE: {"offence_error_rx_state_": "x"}}})
    assert not load_client.simulation_answered({"delta": {DASHBOARD_STATE: {"balance_rx_state_": 8}}})


def test_distinct_drivers_get_distinct_addresses():
    from bench.bench_load import client_ip

    addresses = {client_ip(index) for index in range(70_000)}
    assert len(addresses) == 70_000
