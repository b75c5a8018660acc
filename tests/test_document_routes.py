"""Download routes: the session cookie decides, on the server; the right type and file name."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from pypdf import PdfReader
from sqlmodel import Session, col, select
from starlette.testclient import TestClient

import mespoints.auth_routes as auth_routes
import mespoints.document_routes as document_routes
from mespoints import http
from mespoints.db.accounts import Account
from mespoints.services import sessions
from mespoints.services.clock import utcnow
from mespoints.services.demo import load_demo_data

NUMBER = "120575100123"


@pytest.fixture
def client(sqlite_engine, monkeypatch):
    load_demo_data(sqlite_engine)
    for module in (http, auth_routes, document_routes):
        monkeypatch.setattr(module, "get_engine", lambda: sqlite_engine)
    monkeypatch.setattr(document_routes, "today", lambda: dt.date(2026, 11, 22))
    return TestClient(http.SecurityHeaders(http.backend_routes()), follow_redirects=False)


def log_in(client: TestClient, engine, number: str = NUMBER) -> None:  # type: ignore[no-untyped-def]
    """A password session for the demo account of that licence, as the login ticket route opens it."""
    with Session(engine) as session:
        account = session.exec(select(Account).where(col(Account.licence_number) == number)).one()
    assert account.id is not None
    ticket = sessions.create_login_ticket(engine=engine, account_id=account.id, now=utcnow())
    response = client.post("/auth/session", data={"ticket": ticket})
    assert response.status_code == 303 and "mpp_session" in response.headers["set-cookie"]


@pytest.mark.parametrize(
    ("path", "back_to"),
    [
        ("/documents/attestation.pdf", "/documents"),
        ("/documents/releve-integral.pdf", "/documents"),
        ("/documents/agenda.ics", "/tableau-de-bord/previsionnel"),
        ("/compte/mes-donnees.json", "/compte"),
    ],
)
def test_without_a_session_every_download_leads_to_login_and_back(client, path, back_to):
    response = client.get(path)
    assert response.status_code == 303
    assert response.headers["location"] == f"/connexion?suite={back_to}"
    client.cookies.set("mpp_session", "forged-or-expired")
    assert client.get(path).status_code == 303


def test_the_attestation_is_a_pdf_attachment_for_the_sessions_own_licence(client, sqlite_engine):
    log_in(client, sqlite_engine)
    response = client.get("/documents/attestation.pdf", params={"licence": "8802D0310407"})  # ignored
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="attestation-120575100123-2026-11-22.pdf"'
    )
    assert response.headers["cache-control"] == "no-store"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "120575100123" in text and "8802D0310407" not in text


def test_a_password_session_cannot_download_the_releve(client, sqlite_engine):
    log_in(client, sqlite_engine)
    response = client.get("/documents/releve-integral.pdf")
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/plain")
    assert "FranceConnect" in response.text and "/connexion" in response.text
    assert not response.content.startswith(b"%PDF")


def test_the_calendar_and_the_data_export_have_their_types(client, sqlite_engine):
    log_in(client, sqlite_engine)
    calendar = client.get("/documents/agenda.ics")
    assert calendar.status_code == 200
    assert calendar.headers["content-type"] == "text/calendar; charset=utf-8"
    assert calendar.content.startswith(b"BEGIN:VCALENDAR")
    export = client.get("/compte/mes-donnees.json")
    assert export.status_code == 200
    assert export.headers["content-type"] == "application/json; charset=utf-8"
    assert "attachment" in export.headers["content-disposition"]
    data = json.loads(export.content)
    assert data["licence"]["licence_number"] == NUMBER
    assert data["sessions"] and data["sessions"][0]["ended_at"] is None


def test_the_data_export_is_named_after_the_day_in_paris(client, sqlite_engine, monkeypatch):
    log_in(client, sqlite_engine)
    # 23:30 UTC on 2 November is already 3 November in Paris.
    monkeypatch.setattr(document_routes, "utcnow", lambda: dt.datetime(2024, 11, 2, 23, 30))
    export = client.get("/compte/mes-donnees.json")
    assert export.status_code == 200
    assert 'filename="mes-donnees-mes-points-permis-2024-11-03.json"' in export.headers["content-disposition"]
