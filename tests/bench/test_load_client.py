"""The load generator reads the portal's answers as a browser would (bench/load_client.py)."""

from __future__ import annotations

from bench import load_client
from bench.load_client import DASHBOARD_STATE, LOGIN_STATE, PAGE_LOAD_STATE, ROOT
from mespoints import routes
from mespoints.state.dashboard import DashboardState
from mespoints.state.login import LoginState
from mespoints.state.scripts import PageLoadState


def test_the_state_names_the_generator_sends_are_the_portals():
    assert LoginState.get_full_name() == LOGIN_STATE
    assert DashboardState.get_full_name() == DASHBOARD_STATE
    assert hasattr(LoginState, "submit") and hasattr(DashboardState, "simulate")


def test_the_ticket_is_read_from_the_page_load_request():
    state = PageLoadState(_reflex_internal_init=True)  # type: ignore[call-arg]
    PageLoadState.post.fn(state, routes.SESSION_TICKET, {"ticket": "T0k3n", "suite": "/tableau-de-bord"})
    update = {"delta": {PAGE_LOAD_STATE: {"request_rx_state_": state.request}}}
    assert load_client.login_ticket(update) == "T0k3n"
    assert load_client.login_answered(update)


def test_a_page_load_elsewhere_carries_no_ticket():
    request = {"nonce": "n", "method": "post", "action": "/auth/logout", "fields": {"ticket": "x"}}
    assert load_client.login_ticket({"delta": {PAGE_LOAD_STATE: {"request_rx_state_": request}}}) is None


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
