"""What states ask the browser to do: no JavaScript sent as text (strict CSP), real page loads."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from mespoints import routes
from mespoints.state.scripts import PageLoadState, clear_fields, focus_on

PACKAGE = Path(__file__).resolve().parents[2] / "mespoints"


def test_no_module_sends_javascript_to_evaluate():
    # rx.call_script and rx.call_function run through the browser's eval, which the CSP refuses.
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Attribute):
                assert node.attr not in {"call_script", "call_function", "run_script"}, path


def test_focus_and_clearing_use_reflex_refs_of_the_elements_ids():
    assert focus_on("etape-titre").handler.fn.__qualname__ == "_set_focus"
    assert "ref_etape_titre" in str(focus_on("etape-titre").args)
    assert [spec.handler.fn.__qualname__ for spec in clear_fields("a", "b")] == ["_set_value", "_set_value"]


def new_state(path: str = "/", query: str = "") -> PageLoadState:
    from reflex.istate.data import ReflexURL, RouterData

    state = PageLoadState(_reflex_internal_init=True)  # type: ignore[call-arg]
    state.router = RouterData(url=ReflexURL(f"http://127.0.0.1:3000{path}{'?' + query if query else ''}"))
    return state


def run(state: PageLoadState, handler, *args) -> None:
    handler.fn(state, *args)


def test_the_login_ticket_is_posted_by_a_form_never_put_in_a_url():
    # What LoginState.submit writes once the password is checked.
    state = new_state()
    run(state, PageLoadState.post, routes.SESSION_TICKET, {"ticket": "secret-ticket", "suite": "/documents"})
    assert state.request["method"] == "post"
    assert state.request["action"] == routes.SESSION_TICKET
    assert state.request["fields"] == {"ticket": "secret-ticket", "suite": "/documents"}
    assert "secret-ticket" not in state.request["action"]


def test_each_page_load_request_has_a_new_nonce():
    state = new_state()
    run(state, PageLoadState.post, routes.LOGOUT, {})
    first = state.request["nonce"]
    run(state, PageLoadState.post, routes.LOGOUT, {})
    assert state.request["nonce"] != first


@pytest.mark.parametrize("path", ["https://evil.example/", "/compte", "javascript:alert(1)"])
def test_a_post_to_anything_but_the_backend_routes_is_ignored(path):
    state = new_state()
    run(state, PageLoadState.post, path, {"x": "1"})
    assert state.request == {}


def test_the_unavailable_page_is_loaded_with_the_page_the_user_was_on():
    state = new_state(path="/inscription")
    run(state, PageLoadState.show_unavailable)
    assert state.request["method"] == "get"
    assert state.request["action"] == routes.UNAVAILABLE
    assert state.request["fields"] == {"retour": "/inscription"}


def test_franceconnect_login_carries_the_pages_suite():
    state = new_state(path="/connexion", query="suite=/documents")
    run(state, PageLoadState.franceconnect_login)
    assert state.request["action"] == routes.FRANCECONNECT_LOGIN
    assert state.request["fields"] == {"suite": "/documents"}
