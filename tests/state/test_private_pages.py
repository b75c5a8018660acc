"""Every private page loads with one event: its own on_load checks the session once and sets the
header's unread count (no separate `refresh_unread` event any more, docs/capacite.md)."""

from __future__ import annotations

import asyncio

import pytest
from reflex.state import State

from mespoints import routes
from mespoints.services import notifications
from mespoints.services.sessions import SessionInfo
from mespoints.state import account, dashboard, documents
from mespoints.state import notifications as notification_state
from mespoints.state.account import AccountState
from mespoints.state.dashboard import DashboardState
from mespoints.state.documents import DocumentsState
from mespoints.state.notifications import NotificationState
from mespoints.template import PAGES

PRIVATE = [
    (dashboard, DashboardState),
    (documents, DocumentsState),
    (account, AccountState),
    (notification_state, NotificationState),
]
ACCOUNT_ID = 4


def tree_with(state_class: type[State]) -> tuple[State, NotificationState]:
    root = State(_reflex_internal_init=True)  # type: ignore[call-arg]
    page = root.get_substate(state_class.get_full_name().split(".")[1:])
    header = root.get_substate(NotificationState.get_full_name().split(".")[1:])
    return page, header


@pytest.fixture
def counted(sqlite_engine, monkeypatch):
    """A session for account 4, whose unread count is 7; how many times the session is checked."""
    checks = {
        "count": 0,
        "session": SessionInfo(
            account_id=ACCOUNT_ID,
            email="julie@exemple.fr",
            first_names="Julie",
            last_name="MARTIN",
            licence_number="123456789012",
        ),
    }

    def current_session(state):  # type: ignore[no-untyped-def]
        checks["count"] += 1
        return checks["session"]

    for module, _ in PRIVATE:
        monkeypatch.setattr(module, "current_session", current_session, raising=False)
        monkeypatch.setattr(module, "get_engine", lambda: sqlite_engine)
    monkeypatch.setattr(
        notifications, "unread_count", lambda *, engine, account_id: 7 if account_id == ACCOUNT_ID else 0
    )
    return checks


async def load(page: State):  # type: ignore[no-untyped-def]
    result = type(page).on_load.fn(page)  # type: ignore[attr-defined]
    return await result if asyncio.iscoroutine(result) else result


@pytest.mark.parametrize(("module", "state_class"), PRIVATE, ids=lambda item: getattr(item, "__name__", ""))
def test_a_private_pages_on_load_sets_the_header_count_checking_the_session_once(
    counted, module, state_class
):
    page, header = tree_with(state_class)

    assert asyncio.run(load(page)) is None

    assert header.unread == 7
    assert counted["count"] == 1


@pytest.mark.parametrize(("module", "state_class"), PRIVATE, ids=lambda item: getattr(item, "__name__", ""))
def test_without_a_session_the_header_count_is_emptied_and_the_page_sends_to_login(
    counted, module, state_class
):
    page, header = tree_with(state_class)
    header.unread = 3
    counted["session"] = None

    spec = asyncio.run(load(page))

    assert header.unread == 0
    assert routes.LOGIN in str(spec)


def test_each_private_route_runs_only_its_pages_own_on_load():
    private = {
        routes.DASHBOARD,
        routes.DASHBOARD_HISTORY,
        routes.DOCUMENTS,
        routes.ACCOUNT,
        routes.NOTIFICATIONS,
    }
    import mespoints.mespoints  # noqa: F401 (registers every page)

    loads = {page.route: page.on_load for page in PAGES if page.route in private}
    assert set(loads) == private
    for route, on_load in loads.items():
        assert not isinstance(on_load, list), route
        assert on_load.fn.__qualname__.endswith(".on_load"), route
