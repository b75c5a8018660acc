"""« Mes documents », the public check of an attestation and alerts, in Chromium (production build)."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import secrets
from urllib.parse import parse_qs, quote, urlsplit

import zxingcpp
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import create_engine
from sqlmodel import Session

from mespoints.db.accounts import Account
from mespoints.domain.attestation import Attestation, AttestedCategory
from mespoints.services import attestation
from mespoints.services.demo import DEMO_ACCOUNTS
from mespoints.services.security import hash_password
from tests.e2e.conftest import ARTIFACTS, DEMO_TODAY, OLD_ATTESTATION_KEY, phone_context
from tests.e2e.test_dashboard import log_in

DEFINITIVE = DEMO_ACCOUNTS[0]
TABS = ["Mon solde", "Historique", "Prévisionnel", "Courriers", "Mes documents"]


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


def download(page, name: str) -> bytes:  # type: ignore[no-untyped-def]
    with page.expect_download() as info:
        page.get_by_role("link", name=name).click()
    path = info.value.path()
    assert path is not None
    with open(path, "rb") as handle:
        return handle.read()


def test_a_driver_downloads_the_attestation_and_its_qr_code_is_verified_in_the_browser(page, browser, portal):
    log_in(page, DEFINITIVE)
    navigation = page.get_by_role("navigation", name="Mon espace conducteur")
    expect(navigation.get_by_role("link")).to_have_text(TABS)
    navigation.get_by_role("link", name="Mes documents").click()
    page.wait_for_url("**/documents")
    expect(navigation.get_by_role("link", name="Mes documents")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("heading", name="Attestation de droits à conduire")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "documents.png"), full_page=True)

    content = download(page, "Télécharger mon attestation")
    (ARTIFACTS / "attestation.pdf").write_bytes(content)
    text = pdf_text(content)
    assert "Attestation de droits à conduire" in text and "120575100123" in text
    assert "Délivrée le : 22 novembre 2026" in text and "Valable jusqu'au : 22 mars 2027" in text

    # The QR code, read from the PDF's image, leads to the public page, which needs no account.
    (image,) = PdfReader(io.BytesIO(content)).pages[0].images
    (barcode,) = zxingcpp.read_barcodes(image.image)
    url = barcode.text
    assert url.startswith(f"{portal.url}/verifier?code=")
    stranger = browser.new_context(base_url=portal.url, locale="fr-FR")
    check = stranger.new_page()
    check.goto(url)
    verdict = check.get_by_test_id("verdict")
    expect(verdict).to_contain_text("authentique")
    expect(verdict).to_contain_text("valide")
    expect(verdict).to_contain_text("MARTIN-DÉMO Julie Anne")
    expect(verdict).to_contain_text("8 points sur 12")
    check.screenshot(path=str(ARTIFACTS / "verifier-valide.png"), full_page=True)

    # The same code with one character changed, pasted into the form: not authentic, nothing shown.
    code = parse_qs(urlsplit(url).query)["code"][0]
    middle = len(code) // 2
    forged = code[:middle] + ("A" if code[middle] != "A" else "B") + code[middle + 1 :]
    check.goto("/verifier")
    check.get_by_label("Code de vérification").fill(forged)
    check.get_by_role("button", name="Vérifier").click()
    expect(verdict).to_contain_text("n'est pas authentique")
    expect(verdict).not_to_contain_text("MARTIN")
    stranger.close()


def test_an_expired_attestation_and_one_signed_with_a_rotated_out_key_are_told_apart(page, portal):
    old_key = attestation.KeyRing.from_text(OLD_ATTESTATION_KEY)  # no longer signs, still listed

    def code(issued_on: dt.date) -> str:
        content = Attestation(
            licence_number="120575100123",
            format="card",
            last_name="MARTIN-DÉMO",
            first_names="Julie Anne",
            birth_date=dt.date(1975, 5, 12),
            categories=(AttestedCategory("B", dt.date(1995, 9, 18)),),
            valid=True,
            balance=8,
            maximum=12,
            issued_on=issued_on,
        )
        return attestation.sign(content, old_key)

    today = dt.date.fromisoformat(DEMO_TODAY)
    page.goto(f"/verifier?code={quote(code(today - dt.timedelta(days=30)))}")
    verdict = page.get_by_test_id("verdict")
    expect(verdict).to_contain_text("authentique et valide")

    page.goto(f"/verifier?code={quote(code(dt.date(2026, 1, 10)))}")
    expect(verdict).to_contain_text("authentique")
    expect(verdict).to_contain_text("expirée")
    expect(verdict).to_contain_text("Délivrée le 10 janvier 2026")
    expect(verdict).to_contain_text("10 mai 2026")
    expect(verdict).not_to_contain_text("MARTIN")


def test_a_password_session_is_told_why_and_how_to_get_the_releve_and_cannot_download_it(page, portal):
    log_in(page, DEFINITIVE)
    page.goto("/documents")
    explanation = page.get_by_test_id("releve-franceconnect")
    expect(explanation).to_contain_text("FranceConnect")
    expect(explanation.get_by_role("link", name="Se connecter avec FranceConnect")).to_have_attribute(
        "href", re.compile(r"^/connexion")
    )
    expect(page.get_by_role("link", name="Télécharger mon relevé intégral")).to_have_count(0)
    refused = page.request.get("/documents/releve-integral.pdf")
    assert refused.status == 403
    assert "FranceConnect" in refused.text()


def test_the_calendar_and_the_personal_data_download_from_the_browser(page, portal):
    log_in(page, DEFINITIVE)
    page.goto("/tableau-de-bord/previsionnel")
    expect(page.get_by_role("heading", name="Mon calendrier prévisionnel")).to_be_visible()
    calendar = download(page, "Ajouter à mon agenda")
    assert calendar.startswith(b"BEGIN:VCALENDAR") and b"BEGIN:VEVENT" in calendar
    page.goto("/compte")
    data = json.loads(download(page, "Télécharger mes données"))
    assert data["account"]["email"] == DEFINITIVE.email
    assert data["licence"]["licence_number"] == "120575100123"


def test_the_documents_and_verification_pages_fit_a_320_pixel_phone(browser, portal):
    context = phone_context(browser, portal)
    tab = context.new_page()
    tab.goto("/verifier?code=abc")
    expect(tab.get_by_test_id("verdict")).to_contain_text("n'est pas authentique")
    assert tab.evaluate("document.documentElement.scrollWidth") <= 320
    log_in(tab, DEFINITIVE)
    tab.goto("/documents")
    expect(tab.get_by_role("link", name="Télécharger mon attestation")).to_be_visible()
    assert tab.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()


def _feed_line(number: str, *events: dict) -> str:
    return json.dumps(
        {
            "licence_number": number,
            "format": "card",
            "last_name": "ALERTE",
            "first_names": "Camille",
            "birth_date": "1985-03-04",
            "issued_on": "2005-06-01",
            "early_training": False,
            "categories": [{"category": "B", "obtained_on": "2005-06-01"}],
            "events": list(events),
            "updated_at": "2026-11-20T03:00:00+00:00",
        }
    )


def test_importing_a_feed_with_a_new_withdrawal_sends_exactly_one_alert_and_again_none(
    page, portal, tmp_path
):
    number = f"AL{secrets.randbelow(10**9):09d}"
    email = f"alerte-{number.lower()}@exemple.fr"
    old = {
        "id": "OLD",
        "kind": "infraction",
        "committed_at": "2024-01-02T10:00:00",
        "effective_on": "2024-02-01",
        "offence_class": "C3",
        "points": 3,
        "label": "Ancienne infraction",
        "place": "Lyon (69)",
    }
    new = {
        **old,
        "id": "NEW",
        "committed_at": "2026-10-01T10:00:00",
        "effective_on": "2026-11-10",
        "points": 2,
    }
    first = tmp_path / "first.jsonl"
    first.write_text(_feed_line(number, old) + "\n", encoding="utf-8")
    assert portal.cli("import-feed", str(first)).returncode == 0
    password = "Alerte-e2e-" + secrets.token_hex(6)
    engine = create_engine(f"sqlite:///{portal.database}")
    with Session(engine) as session:
        now = dt.datetime(2026, 11, 1, 8, 0)
        session.add(
            Account(
                email=email,
                password_hash=hash_password(password),
                last_name="ALERTE",
                first_names="Camille",
                birth_date=dt.date(1985, 3, 4),
                licence_number=number,
                created_at=now,
                activated_at=now,
            )
        )
        session.commit()
    engine.dispose()
    # The same feed again: alerts start for the account, with the withdrawal of 2024 as known.
    assert portal.cli("import-feed", str(first)).returncode == 0

    second = tmp_path / "second.jsonl"
    second.write_text(_feed_line(number, old, new) + "\n", encoding="utf-8")
    assert portal.cli("import-feed", str(second)).returncode == 0
    mail = portal.mailbox.wait_for(email, "Un retrait de points a été enregistré")
    body = mail.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert "Un retrait de 2 points" in body and "Votre solde est désormais de" in body
    assert "Ancienne infraction" not in body and "Lyon" not in body

    assert portal.cli("import-feed", str(second)).returncode == 0
    page.wait_for_timeout(3000)  # the sender delivers every second: time for a second mail to arrive
    assert portal.mailbox.count_to(email) == 1

    class Driver:
        pass

    driver = Driver()
    driver.email, driver.password = email, password  # type: ignore[attr-defined]
    log_in(page, driver)
    expect(page.get_by_test_id("notifications-non-lues")).to_contain_text("1")
    page.get_by_role("link", name=re.compile("^Notifications")).click()
    expect(page.get_by_role("heading", name="Un retrait de points a été enregistré")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "notifications.png"), full_page=True)
    page.get_by_role("button", name="Marquer comme lue").click()
    expect(page.get_by_test_id("notifications-non-lues")).to_have_count(0)
