"""The driver's dashboard: loaded on the server for the signed-in account only, and the simulator."""

from __future__ import annotations

import reflex as rx

from mespoints import routes
from mespoints.db.engine import get_engine
from mespoints.domain.situation import ProbationInfo, StageInfo, StatusInfo
from mespoints.services import dashboard
from mespoints.services.clock import today
from mespoints.services.dashboard import (
    BalanceSeries,
    ForecastRow,
    HistoryRow,
    LetterRow,
)
from mespoints.services.sessions import SessionInfo
from mespoints.settings import get_settings
from mespoints.state.auth import current_session, holds_personal_data, to_login
from mespoints.state.notifications import show_unread
from mespoints.state.scripts import focus_on

# The official scale, for the simulator's list (static: the page builds its options once).
OFFENCE_OPTIONS: list[tuple[str, str]] = dashboard.offence_choices()
SIMULATION_RESULT_ID = "resultat-simulation"


@holds_personal_data
class DashboardState(rx.State):
    """Only what the page shows; every personal value is cleared before each load."""

    loaded: bool = False
    licence_missing: bool = False
    # The licence's holder took it back through FranceConnect: nothing of it is shown any more.
    licence_claimed: bool = False
    first_names: str = ""
    as_of_label: str = ""
    balance: int = 0
    maximum: int = 0
    gauge_label: str = ""
    gauge_percent: int = 0
    updated_label: str = ""
    status: StatusInfo = StatusInfo(valid=True, title="")
    probation: ProbationInfo = ProbationInfo(kind="", title="")
    history: rx.Field[list[HistoryRow]] = rx.field(default_factory=list)
    forecast: rx.Field[list[ForecastRow]] = rx.field(default_factory=list)
    letters: rx.Field[list[LetterRow]] = rx.field(default_factory=list)
    stage: StageInfo = StageInfo(available_now=False, points_now=0, possible_from="")
    chart: BalanceSeries = BalanceSeries(days=1, today=0, history=[], forecast=[], years=[], summary="")
    # « Ajouter à mon agenda »: the backend route as the browser reaches it.
    calendar_href: str = ""
    # « Et si… »
    simulation_min: str = ""
    simulation_max: str = ""
    offence_code: str = ""
    simulation_day: str = ""
    offence_error: str = ""
    day_error: str = ""
    simulated: bool = False
    simulation_summary: str = ""
    simulation_fine: str = ""
    simulation_balance_label: str = ""
    simulation_invalidated: bool = False
    simulation_letters: rx.Field[list[LetterRow]] = rx.field(default_factory=list)
    simulation_forecast: rx.Field[list[ForecastRow]] = rx.field(default_factory=list)

    @rx.event
    async def on_load(self):
        # Private page: nothing of a previous account may survive, whatever happens next.
        self.reset()
        info = current_session(self)
        await show_unread(self, engine=get_engine(), account_id=info.account_id if info else None)
        if info is None:
            # Back to the page asked for (« Mon solde », « Historique »…) after login.
            return to_login(routes.safe_next(self.router.url.path.rstrip("/") or routes.DASHBOARD))
        self._show_licence(info)
        return None

    def _show_licence(self, info: SessionInfo) -> None:
        """The licence of a checked session, as every driver tab shows it (« Mes documents » too,
        from its own on_load: one event per page load)."""
        self.calendar_href = get_settings().backend_route(routes.CALENDAR_ICS)
        if info.licence_number is None:
            self.first_names = info.first_names
            self.loaded = self.licence_claimed = True
            return
        data = dashboard.load_dashboard(
            engine=get_engine(), licence_number=info.licence_number, as_of=today()
        )
        self.first_names = info.first_names
        self.loaded = True
        if data is None:
            self.licence_missing = True
            return
        self.as_of_label = data.as_of_label
        self.balance = data.balance
        self.maximum = data.maximum
        self.gauge_label = data.gauge_label
        self.gauge_percent = data.gauge_percent
        self.updated_label = data.updated_label
        self.status = data.status
        self.probation = data.probation
        self.history = data.history
        self.forecast = data.forecast
        self.letters = data.letters
        self.stage = data.stage
        self.chart = data.chart
        self.simulation_min = data.issued_on
        self.simulation_max = data.simulation_until

    @rx.event
    def simulate(self, form: dict):
        """« Et si… »: nothing is saved; the session is checked again first."""
        info = current_session(self)
        if info is None or info.licence_number is None:
            self.reset()
            return to_login(routes.DASHBOARD)
        self.offence_code = str(form.get("offence", ""))[:64]
        self.simulation_day = str(form.get("day", "")).strip()[:10]
        self._clear_simulation()
        outcome = dashboard.simulate_offence(
            engine=get_engine(),
            licence_number=info.licence_number,
            as_of=today(),
            offence_code=self.offence_code,
            day=self.simulation_day,
        )
        if outcome is None:
            self.licence_missing = True
            return None
        self.offence_error = outcome.offence_error
        self.day_error = outcome.day_error
        if outcome.result is None:
            return focus_on("offence" if self.offence_error else "day")
        result = outcome.result
        self.simulated = True
        self.simulation_summary = result.summary
        self.simulation_fine = result.fine_label
        self.simulation_balance_label = result.balance_label
        self.simulation_invalidated = result.invalidated
        self.simulation_letters = result.letters
        self.simulation_forecast = result.forecast
        return focus_on(SIMULATION_RESULT_ID)

    def _clear_simulation(self) -> None:
        self.offence_error = self.day_error = ""
        self.simulated = False
        self.simulation_summary = self.simulation_fine = self.simulation_balance_label = ""
        self.simulation_invalidated = False
        self.simulation_letters = []
        self.simulation_forecast = []
