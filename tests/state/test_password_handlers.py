"""Password checks run outside the state's lock (state/guard.py): the handler reads the form under
`async with self:`, lets argon2 wait and run without the lock, then writes the result under the
lock again. Behaviour for the user is unchanged: errors next to the fields, focus moved, a second
submit ignored, « trop de demandes » at once when the worker's queue is too long."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from reflex.istate.data import RouterData
from reflex.state import State

from mespoints import routes
from mespoints.services import accounts, cpu_guard
from mespoints.services.accounts import Outcome, Status
from mespoints.state import guard
from mespoints.state.account import AccountState
from mespoints.state.guard import BUSY_MESSAGE, Window
from mespoints.state.login import LoginState
from mespoints.state.password import ResetPasswordState
from mespoints.state.scripts import PageLoadState
from mespoints.state.signup import SignupState

FORM = {"email": "julie@exemple.fr", "password": "Cheval-Basalte-Tambour-58"}


class Lock:
    """Stands for Reflex's state lock: `async with state:` holds it (a StateProxy's, in a
    background event)."""

    def __init__(self) -> None:
        self.held = False
        self.entries = 0

    def install(self, monkeypatch, state_class) -> None:  # type: ignore[no-untyped-def]
        lock = self

        async def enter(state: Any) -> Any:
            assert not lock.held, "nested lock"
            lock.held = True
            lock.entries += 1
            return state

        async def leave(state: Any, *exc_info: object) -> None:
            lock.held = False

        monkeypatch.setattr(state_class, "__aenter__", enter)
        monkeypatch.setattr(state_class, "__aexit__", leave)


def in_tree(state_class: type[State], path: str = "/connexion") -> Any:
    root = State(_reflex_internal_init=True)  # type: ignore[call-arg]
    root.router = RouterData.from_router_data(
        {"pathname": path, "asPath": path, "token": "client-1", "headers": {"origin": "http://x"}}
    )
    return root.get_substate(state_class.get_full_name().split(".")[1:])


@pytest.fixture
def fresh_limits(monkeypatch):
    """Rate-limit windows and CPU lanes of their own for each test."""
    monkeypatch.setattr(guard, "PASSWORD_CHECKS_PER_CLIENT", Window(10, 60))
    for module in ("mespoints.state.login", "mespoints.state.password", "mespoints.state.account"):
        monkeypatch.setattr(f"{module}.PASSWORD_CHECKS_PER_CLIENT", Window(10, 60))
    monkeypatch.setattr(cpu_guard, "_lanes", {})


@pytest.fixture
def lock(monkeypatch, fresh_limits):
    held = Lock()
    for state_class in (LoginState, ResetPasswordState, AccountState, SignupState):
        held.install(monkeypatch, state_class)
    return held


def submit_login(state: LoginState, form: dict) -> Any:
    return asyncio.run(LoginState.submit.fn(state, form))  # type: ignore[attr-defined]


def test_the_password_is_checked_without_the_lock_and_the_ticket_posted_after(monkeypatch, lock):
    seen: dict[str, Any] = {}

    def authenticate(**kwargs: Any) -> Outcome:
        seen.update(kwargs, held=lock.held)
        return Outcome(status=Status.DONE, account_id=1, ticket="T1")

    monkeypatch.setattr(accounts, "authenticate", authenticate)
    state = in_tree(LoginState)

    spec = submit_login(state, FORM)

    assert seen["held"] is False and seen["email"] == FORM["email"]
    assert lock.entries == 2  # read the form, write the result
    # The page load that POSTs the ticket is asked for in that same write (no chained event).
    assert spec is None
    request = state.parent_state.get_substate([PageLoadState.get_name()]).request
    assert request["action"] == routes.SESSION_TICKET
    assert request["fields"] == {"ticket": "T1", "suite": routes.DASHBOARD}
    assert state.submitting is False and state.message == ""


def test_a_wrong_password_shows_the_message_and_moves_the_focus(monkeypatch, lock):
    monkeypatch.setattr(accounts, "authenticate", lambda **_: Outcome(status=Status.INVALID))
    state = in_tree(LoginState)

    spec = submit_login(state, FORM)

    assert state.message == accounts.MSG_INVALID_LOGIN
    assert "ref_password" in str(spec.args)
    assert state.submitting is False


def test_empty_fields_are_refused_without_any_password_check(monkeypatch, lock):
    monkeypatch.setattr(accounts, "authenticate", lambda **_: pytest.fail("checked"))
    state = in_tree(LoginState)

    spec = submit_login(state, {"email": "", "password": ""})

    assert state.email_error and state.password_error
    assert "ref_email" in str(spec.args)
    assert lock.entries == 1


def test_a_second_submit_while_the_first_is_checked_does_nothing(monkeypatch, lock):
    calls = []
    monkeypatch.setattr(accounts, "authenticate", lambda **kwargs: calls.append(kwargs))
    state = in_tree(LoginState)
    state.submitting = True

    assert submit_login(state, FORM) is None
    assert calls == [] and state.submitting is True


def test_both_submits_at_once_run_a_single_check(monkeypatch, lock):
    started = []

    def authenticate(**kwargs: Any) -> Outcome:
        started.append(kwargs)
        return Outcome(status=Status.INVALID)

    monkeypatch.setattr(accounts, "authenticate", authenticate)
    state = in_tree(LoginState)

    async def twice() -> None:
        await asyncio.gather(
            LoginState.submit.fn(state, FORM),  # type: ignore[attr-defined]
            LoginState.submit.fn(state, FORM),  # type: ignore[attr-defined]
        )

    asyncio.run(twice())
    assert len(started) == 1 and state.submitting is False


def test_a_full_queue_is_refused_at_once_with_a_french_message(monkeypatch, lock):
    def busy(function: Any, /, *args: Any, **kwargs: Any) -> Any:
        raise cpu_guard.CpuBusy

    monkeypatch.setattr(guard, "run_cpu_bound", busy)
    state = in_tree(LoginState)

    spec = submit_login(state, FORM)

    assert (
        state.message == BUSY_MESSAGE == "Trop de demandes en ce moment : réessayez dans quelques secondes."
    )
    assert "ref_password" in str(spec.args)
    assert state.submitting is False


def test_a_failing_check_clears_the_submitting_flag_before_the_error_goes_on(monkeypatch, lock):
    def broken(**_: Any) -> Outcome:
        raise RuntimeError("database down")

    monkeypatch.setattr(accounts, "authenticate", broken)
    state = in_tree(LoginState)

    with pytest.raises(RuntimeError):
        submit_login(state, FORM)
    assert state.submitting is False and lock.held is False


def test_a_page_load_clears_a_submitting_flag_left_by_a_dead_worker(lock):
    state = in_tree(LoginState)
    state.submitting = True
    LoginState.on_load.fn(state)  # type: ignore[attr-defined]
    assert state.submitting is False


def test_the_reset_password_is_hashed_without_the_lock(monkeypatch, lock):
    seen: dict[str, Any] = {}

    def reset_password(**kwargs: Any) -> Outcome:
        seen.update(kwargs, held=lock.held)
        return Outcome(status=Status.DONE)

    monkeypatch.setattr(accounts, "reset_password", reset_password)
    state = in_tree(ResetPasswordState, routes.PASSWORD_RESET)
    state._token = "jeton-1"
    password = "Hirondelle-Basalte-Tambour-71"

    spec = asyncio.run(
        ResetPasswordState.submit.fn(state, {"password": password, "password_confirmation": password})  # type: ignore[attr-defined]
    )

    assert seen["held"] is False and seen["token"] == "jeton-1"
    assert f"{routes.LOGIN}?info=reinitialise" in str(spec.args)
    assert state._token == "" and state.submitting is False


def test_the_account_pages_password_change_is_checked_without_the_lock(monkeypatch, lock):
    from mespoints.services.sessions import SessionInfo
    from mespoints.state import account

    info = SessionInfo(
        account_id=3, email="a@exemple.fr", first_names="A", last_name="B", licence_number=None
    )
    monkeypatch.setattr(account, "current_session", lambda state: info)
    seen: dict[str, Any] = {}

    def change_password(**kwargs: Any) -> Outcome:
        # Meanwhile the page shows this form, and only this one, as being sent.
        seen.update(kwargs, held=lock.held, sending=(state.submitting, state.submitting_field))
        return Outcome(status=Status.FIELD_ERRORS, errors={"current_password": ["Mot de passe incorrect."]})

    monkeypatch.setattr(accounts, "change_password", change_password)
    state = in_tree(AccountState, routes.ACCOUNT)
    form = {
        "current_password": "x",
        "new_password": "Nouveau-Basalte-92",
        "new_password_confirmation": "Nouveau-Basalte-92",
    }

    spec = asyncio.run(AccountState.change_password.fn(state, form))  # type: ignore[attr-defined]

    assert seen["held"] is False and seen["account_id"] == 3
    assert seen["sending"] == (True, "current_password")
    assert state.errors["current_password"] == "Mot de passe incorrect."
    assert "ref_current_password" in str(spec.args)
    assert state.submitting is False


def test_the_sign_up_password_step_keeps_only_the_hash_made_outside_the_lock(monkeypatch, lock):
    from mespoints.state import signup

    seen: dict[str, Any] = {}

    def check_and_hash(password: str, confirmation: str, **personal: Any) -> tuple[list[str], str | None]:
        seen.update(personal, held=lock.held)
        return [], "$argon2id$hash"

    monkeypatch.setattr(signup, "_check_and_hash", check_and_hash)
    state = in_tree(SignupState, routes.SIGNUP)
    state.step, state.last_name, state.first_names = 3, "MARTIN", "Julie"
    state.birth_date, state.email = "17/05/1990", "julie@exemple.fr"
    password = "Hirondelle-Basalte-Tambour-71"

    spec = asyncio.run(
        SignupState.next.fn(state, {"password": password, "password_confirmation": password})  # type: ignore[attr-defined]
    )

    assert seen["held"] is False and seen["email"] == "julie@exemple.fr"
    assert state._password_hash == "$argon2id$hash" and state.password_chosen
    assert state._password_checked_for == state._personal_data()
    assert state.step == 4 and state.submitting is False
    assert "ref_etape_titre" in str(spec.args)


def test_a_sign_up_check_ending_after_the_user_went_back_changes_nothing(monkeypatch, lock):
    from mespoints.state import signup

    state = in_tree(SignupState, routes.SIGNUP)

    def check_and_hash(password: str, confirmation: str, **personal: Any) -> tuple[list[str], str | None]:
        state.step = 2  # « Précédent », answered while the hash was being made
        return ["Trop court."], None

    monkeypatch.setattr(signup, "_check_and_hash", check_and_hash)
    state.step, state.email = 3, "julie@exemple.fr"

    assert (
        asyncio.run(SignupState.next.fn(state, {"password": "abc", "password_confirmation": "abc"})) is None
    )  # type: ignore[attr-defined]
    assert state.step == 2 and state.errors == signup.EMPTY_ERRORS and state.submitting is False
