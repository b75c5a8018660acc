"""The public page that checks an attestation's code (from the QR code's URL, or pasted)."""

from __future__ import annotations

import reflex as rx

from mespoints.db.engine import get_engine
from mespoints.services import attestation
from mespoints.services.attestation import CheckView
from mespoints.services.clock import today, utcnow
from mespoints.state.scripts import focus_on

RESULT_ID = "resultat-verification"


class VerifyState(rx.State):
    code: str = ""
    result: CheckView | None = None

    @rx.event
    def on_load(self):
        self.reset()
        code = str(self.router.url.query_parameters.get("code", "")).strip()
        if code:
            return self._check(code)
        return None

    @rx.event
    def check(self, form: dict):
        return self._check(str(form.get("code", "")))

    def _check(self, code: str):
        self.code = code.strip()[: attestation.MAX_CODE_LENGTH + 1]
        if not self.code:
            self.result = None
            return focus_on("code")
        outcome = attestation.check_code(
            engine=get_engine(),
            code=self.code,
            ip=self.router.session.client_ip or "",
            today=today(),
            now=utcnow(),
        )
        self.result = attestation.check_view(outcome)
        return focus_on(RESULT_ID)
