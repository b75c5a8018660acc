"""« Mes documents »: which documents this session may download, and where."""

from __future__ import annotations

import reflex as rx

from mespoints import routes
from mespoints.db.engine import get_engine
from mespoints.services import documents
from mespoints.services.clock import today
from mespoints.services.documents import DocumentsView
from mespoints.settings import get_settings
from mespoints.state.auth import current_session, holds_personal_data, to_login
from mespoints.state.dashboard import DashboardState
from mespoints.state.notifications import show_unread


@holds_personal_data
class DocumentsState(rx.State):
    view: DocumentsView | None = None

    @rx.event
    async def on_load(self):
        self.reset()
        info = current_session(self)
        await show_unread(self, engine=get_engine(), account_id=info.account_id if info else None)
        if info is None:
            return to_login(routes.DOCUMENTS)
        self.view = documents.documents_view(info, today=today(), backend_route=get_settings().backend_route)
        # The balance first, as on every driver tab: the dashboard's reader, in this same event.
        board = await self.get_state(DashboardState)
        board.reset()
        board._show_licence(info)
        return None
