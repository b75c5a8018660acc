"""« Mes documents »: the attestation and its code, the relevé intégral, the calendar, the data export."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import os
import stat
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest
import zxingcpp
from pypdf import PdfReader
from sqlmodel import Session, col, select

from mespoints.db.accounts import Account, AccountSession
from mespoints.domain.attestation import Verdict, valid_until
from mespoints.domain.feed import FeedLicence, validate_feed_record
from mespoints.services import attestation, dashboard, documents
from mespoints.services.demo import DEMO_FEED, load_demo_data
from mespoints.services.national_file import import_records
from mespoints.services.sessions import AuthMethod, SessionInfo

TODAY = dt.date(2026, 11, 22)
BASE = "https://points.example.fr"
DEFINITIVE, PROBATIONARY, INVALIDATED = "120575100123", "300804200417", "8802D0310407"
RING = attestation.KeyRing.from_text(attestation.new_key_text("k1"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo national file, once for the module (documents only read it)."""
    from mespoints.db import migrate
    from mespoints.db.engine import make_engine

    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('documents') / 'demo.db'}")
    migrate.upgrade(engine)
    load_demo_data(engine)
    yield engine
    engine.dispose()


def pdf_text(content: bytes) -> str:
    """The text of every page, its line breaks as spaces."""
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def qr_url(content: bytes) -> str:
    """The URL the attestation's QR code holds, decoded from the PDF's image with zxing-cpp."""
    (page,) = PdfReader(io.BytesIO(content)).pages
    (image,) = page.images
    (barcode,) = zxingcpp.read_barcodes(image.image)
    assert barcode.format == zxingcpp.BarcodeFormat.QRCode
    return barcode.text


def code_of(content: bytes) -> str:
    url = qr_url(content)
    return parse_qs(urlsplit(url).query)["code"][0]


def attestation_pdf(engine, number: str = DEFINITIVE, today: dt.date = TODAY, ring=RING) -> bytes:  # type: ignore[no-untyped-def]
    content = documents.attestation_pdf(
        engine=engine, licence_number=number, today=today, base_url=BASE, ring=ring
    )
    assert content is not None
    return content


def test_the_attestation_pdf_states_the_holder_licence_categories_status_balance_and_validity(demo) -> None:
    text = pdf_text(attestation_pdf(demo))
    for expected in (
        "Attestation de droits à conduire",
        "MARTIN-DÉMO Julie Anne",
        "12 mai 1975",
        "120575100123",
        "format européen (carte de crédit)",
        "B (depuis le 18 septembre 1995)",
        "Statut du permis : valide",
        "8 points sur 12",
        "Délivrée le : 22 novembre 2026",
        "Valable jusqu'au : 22 mars 2027",
        "n'est pas un document officiel de l'État",
    ):
        assert expected in text, expected


def test_the_attestation_of_an_invalidated_licence_says_so(demo) -> None:
    text = pdf_text(attestation_pdf(demo, INVALIDATED))
    assert "invalidé (solde de points nul)" in text
    assert "format 3 volets (cartonné)" in text
    assert "0 point sur 12" in text


def test_both_pdfs_are_tagged_titled_in_french_with_real_text(demo) -> None:
    relevé = documents.releve_pdf(engine=demo, licence_number=DEFINITIVE, today=TODAY)
    assert relevé is not None
    for content, title in (
        (attestation_pdf(demo), "Attestation de droits à conduire"),
        (relevé, "Relevé d'information intégral"),
    ):
        reader = PdfReader(io.BytesIO(content))
        catalog = reader.trailer["/Root"]
        assert reader.metadata is not None and reader.metadata.title == title
        assert catalog["/Lang"] == "fr-FR"
        assert bool(catalog["/MarkInfo"]["/Marked"])
        assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
        tree = catalog["/StructTreeRoot"]["/K"]
        document = (tree[0] if isinstance(tree, list) else tree).get_object()
        kinds = [kid.get_object()["/S"] for kid in document["/K"]]
        assert kinds[0] == "/H1" and "/H2" in kinds and kinds.count("/P") > 5
        assert pdf_text(content).startswith(title)  # text, not an image of text
        # A5 portrait: a phone shows a whole line without sideways scrolling.
        width = float(reader.pages[0].mediabox.width) / 72 * 25.4
        assert round(width) == 148
    att_root = PdfReader(io.BytesIO(attestation_pdf(demo))).trailer["/Root"]["/StructTreeRoot"]["/K"]
    att_doc = (att_root[0] if isinstance(att_root, list) else att_root).get_object()
    figures = [kid.get_object() for kid in att_doc["/K"] if kid.get_object()["/S"] == "/Figure"]
    assert len(figures) == 1 and "Code QR" in figures[0]["/Alt"]


def test_the_qr_code_holds_the_verification_address_and_its_code_verifies_with_the_attested_content(
    demo,
) -> None:
    content = attestation_pdf(demo)
    url = qr_url(content)
    assert url.startswith(f"{BASE}/verifier?code=")
    code = code_of(content)
    assert code in "".join(pdf_text(content).split())  # the same code, printed for pasting

    result = attestation.verify(code, RING, today=TODAY)
    assert result.verdict is Verdict.VALID
    attested = result.attestation
    assert attested is not None
    assert (attested.licence_number, attested.last_name, attested.balance, attested.maximum) == (
        DEFINITIVE,
        "MARTIN-DÉMO",
        8,
        12,
    )
    assert attested.issued_on == TODAY and attested.valid_until == dt.date(2027, 3, 22)


def test_a_code_with_any_one_character_changed_is_not_authentic(demo) -> None:
    code = code_of(attestation_pdf(demo))
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."
    for position, character in enumerate(code):
        replacement = alphabet[(alphabet.index(character) + 1) % len(alphabet)]
        forged = code[:position] + replacement + code[position + 1 :]
        result = attestation.verify(forged, RING, today=TODAY)
        assert result.verdict is Verdict.NOT_AUTHENTIC, position
        assert result.attestation is None
    for garbage in ("", "abc", "a.b", code + "A", code.replace(".", ""), "é" * 50, code * 10):
        assert attestation.verify(garbage, RING, today=TODAY).verdict is Verdict.NOT_AUTHENTIC
    # A payload nested deeper than Python's recursion limit, read before the signature is checked.
    nested = base64.urlsafe_b64encode(b"[" * 1400).decode().rstrip("=") + ".AA"
    assert len(nested) <= attestation.MAX_CODE_LENGTH
    assert attestation.verify(nested, RING, today=TODAY).verdict is Verdict.NOT_AUTHENTIC


def test_an_attestation_is_valid_four_months_then_expired(demo) -> None:
    code = code_of(attestation_pdf(demo))
    last_day = valid_until(TODAY)
    assert last_day == dt.date(2027, 3, 22)
    assert attestation.verify(code, RING, today=last_day).verdict is Verdict.VALID
    expired = attestation.verify(code, RING, today=last_day + dt.timedelta(days=1))
    assert expired.verdict is Verdict.EXPIRED
    assert expired.attestation is not None and expired.attestation.issued_on == TODAY


def test_a_key_rotated_out_of_signing_but_still_configured_still_verifies(demo) -> None:
    old = attestation.new_key_text("k2025")
    new = attestation.new_key_text("k2026")
    before = attestation.KeyRing.from_text(old)
    after = attestation.KeyRing.from_text(f"{new},{old}")  # the new key signs, the old one verifies
    retired = attestation.KeyRing.from_text(new)

    old_code = code_of(attestation_pdf(demo, ring=before))
    assert attestation.verify(old_code, after, today=TODAY).verdict is Verdict.VALID
    assert attestation.verify(old_code, retired, today=TODAY).verdict is Verdict.NOT_AUTHENTIC
    new_code = code_of(attestation_pdf(demo, ring=after))
    assert attestation.verify(new_code, after, today=TODAY).verdict is Verdict.VALID
    assert attestation.verify(new_code, before, today=TODAY).verdict is Verdict.NOT_AUTHENTIC
    # Another portal's key with the same id does not make a code authentic.
    impostor = attestation.KeyRing.from_text(attestation.new_key_text("k2026"))
    assert attestation.verify(new_code, impostor, today=TODAY).verdict is Verdict.NOT_AUTHENTIC


def test_keys_are_generated_once_in_a_private_file_on_a_local_portal(tmp_path) -> None:
    path = tmp_path / "data" / "attestation.keys"
    first = attestation.load_or_create_key_file(path)
    assert attestation.load_or_create_key_file(path) == first
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    ring = attestation.KeyRing.from_text(first)
    assert ring.signing_id.startswith("local-")


def test_the_releve_lists_identity_status_every_event_with_both_dates_the_forecast_and_the_letters(
    demo,
) -> None:
    content = documents.releve_pdf(engine=demo, licence_number=INVALIDATED, today=TODAY)
    assert content is not None
    text = pdf_text(content)
    for expected in (
        "Relevé d'information intégral",
        "DURAND-FICTIF Noé",
        "8802D0310407",
        "format 3 volets (cartonné)",
        "Votre permis est invalidé",
        "0 point sur 12",
        # A withdrawal with the day of the offence and the day of its withdrawal (date de réalité).
        "Date de l'infraction : 30 décembre 2023",
        "Date du retrait (date de réalité) : 12 février 2024",
        "Courriers",
        "lettre 48SI",
    ):
        assert expected in text, expected
    definitive = documents.releve_pdf(engine=demo, licence_number=DEFINITIVE, today=TODAY)
    assert definitive is not None
    text = pdf_text(definitive)
    assert "Calendrier prévisionnel" in text and "3 mai 2027" in text
    assert "Usage d'un téléphone tenu en main" in text and "Villeurbanne (69)" in text


def test_the_releve_dates_the_last_update_on_the_day_in_paris_as_the_dashboard_does(sqlite_engine) -> None:
    # 23:30 UTC on 2 November is 00:30 on 3 November in Paris: one conversion for every page.
    demo_line = DEMO_FEED.read_text(encoding="utf-8").splitlines()[0]
    late = validate_feed_record({**json.loads(demo_line), "updated_at": "2024-11-02T23:30:00+00:00"})
    assert isinstance(late, FeedLicence), late
    import_records(engine=sqlite_engine, records=[late])
    today = dt.date(2024, 11, 3)

    content = documents.releve_pdf(engine=sqlite_engine, licence_number=late.licence_number, today=today)

    assert content is not None
    assert "(dernière mise à jour du dossier : 3 novembre 2024)" in pdf_text(content)
    shown = dashboard.load_dashboard(engine=sqlite_engine, licence_number=late.licence_number, as_of=today)
    assert shown is not None and shown.updated_label == "3 novembre 2024"


def test_a_password_session_may_not_download_the_releve() -> None:
    password_session = SessionInfo(
        account_id=1,
        email="julie@exemple.fr",
        first_names="Julie",
        last_name="MARTIN",
        licence_number=DEFINITIVE,
    )
    assert documents.releve_allowed(password_session) is False


def test_the_calendar_holds_each_forecast_restoration_as_an_all_day_event_naming_no_offence(demo) -> None:
    content = documents.calendar_ics(
        engine=demo, licence_number=PROBATIONARY, today=TODAY, now=dt.datetime(2026, 11, 22, 9), base_url=BASE
    )
    assert content is not None
    calendar = icalendar.Calendar.from_ical(content)
    events = list(calendar.walk("VEVENT"))
    assert events
    for event in events:
        assert isinstance(event.decoded("dtstart"), dt.date) and not isinstance(
            event.decoded("dtstart"), dt.datetime
        )
        assert str(event["summary"]).startswith("Récupération de points prévue : +")
        assert f"{BASE}/tableau-de-bord/previsionnel" in str(event["description"])
        assert "Excès" not in str(event["description"]) and "(" not in str(event["summary"])
    assert len({str(event["uid"]) for event in events}) == len(events)
    assert PROBATIONARY not in content.decode()  # the licence number stays out of others' calendars


def test_the_data_export_holds_everything_about_the_account_and_no_secret(demo) -> None:
    now = dt.datetime(2026, 11, 22, 9, 0)
    with Session(demo) as session:
        # The demo file comes with its activated accounts; a session of the first one.
        account = session.exec(select(Account).where(col(Account.licence_number) == DEFINITIVE)).one()
        assert account.id is not None
        session.add(
            AccountSession(session_hash="f" * 64, account_id=account.id, created_at=now, last_seen_at=now)
        )
        session.commit()
        account_id, email = account.id, account.email
    content = documents.personal_data(engine=demo, account_id=account_id, now=now)
    assert content is not None
    data = json.loads(content)
    assert set(data) >= {
        "account",
        "sessions",
        "notifications",
        "consents",
        "preferences",
        "alerts",
        "licence",
    }
    assert data["account"]["email"] == email
    assert data["sessions"][0]["created_at"] == "2026-11-22T09:00:00Z"
    assert data["licence"]["licence_number"] == DEFINITIVE
    assert {event["id"] for event in data["licence"]["events"]} and data["licence"]["categories"]
    assert "$argon2" not in content.decode() and "f" * 64 not in content.decode()


def test_the_public_check_is_limited_per_network(sqlite_engine) -> None:
    now = dt.datetime(2026, 11, 22, 9, 0)
    for _ in range(attestation.VERIFY_PER_IP.max_events):
        check = attestation.check_code(
            engine=sqlite_engine, code="abc", ip="203.0.113.7", today=TODAY, now=now
        )
        assert check.verification is not None and check.verification.verdict is Verdict.NOT_AUTHENTIC
    refused = attestation.check_code(engine=sqlite_engine, code="abc", ip="203.0.113.7", today=TODAY, now=now)
    assert refused.verification is None and refused.retry_after is not None
    view = attestation.check_view(refused)
    assert view.verdict == "rate_limited" and view.lines == [] and "Réessayez dans" in view.title
    # Another network is not held up.
    other = attestation.check_code(engine=sqlite_engine, code="abc", ip="198.51.100.1", today=TODAY, now=now)
    assert other.verification is not None
    # An hour later the network may check again.
    later = now + attestation.VERIFY_PER_IP.window + dt.timedelta(seconds=1)
    assert attestation.check_code(
        engine=sqlite_engine, code="abc", ip="203.0.113.7", today=TODAY, now=later
    ).verification


def test_the_page_shows_content_only_for_a_valid_code_and_dates_only_for_an_expired_one(demo) -> None:
    code = code_of(attestation_pdf(demo))
    valid = attestation.check_view(attestation.Check(attestation.verify(code, RING, today=TODAY)))
    assert "authentique et valide" in valid.title
    assert ("Titulaire", "MARTIN-DÉMO Julie Anne") in [(line.label, line.value) for line in valid.lines]
    later = dt.date(2027, 3, 23)
    expired = attestation.check_view(attestation.Check(attestation.verify(code, RING, today=later)))
    assert "authentique" in expired.title and "expirée" in expired.title
    assert expired.lines == [] and "22 novembre 2026" in expired.dates and "22 mars 2027" in expired.dates
    altered = code[:-1] + ("A" if code[-1] != "A" else "B")
    forged = attestation.check_view(attestation.Check(attestation.verify(altered, RING, today=TODAY)))
    assert "n'est pas authentique" in forged.title and forged.lines == [] and forged.dates == ""


def test_a_franceconnect_session_may_download_the_releve() -> None:
    franceconnect_session = SessionInfo(
        account_id=1,
        email="julie@exemple.fr",
        first_names="Julie",
        last_name="MARTIN",
        licence_number=DEFINITIVE,
        auth_method=AuthMethod.FRANCECONNECT,
    )
    assert documents.releve_allowed(franceconnect_session) is True


def test_texts_of_the_national_file_are_printed_as_they_are_never_as_links_or_styles(tmp_path) -> None:
    """A name or a place holding markdown (« [texte](https://…) », « ~~ », « ** ») must not become
    a link or a style inside a signed attestation or the relevé: it is shown as written."""
    from mespoints.db import migrate
    from mespoints.db.engine import make_engine
    from mespoints.services import national_file

    engine = make_engine(f"sqlite:///{tmp_path / 'crafted.db'}")
    migrate.upgrade(engine)
    first_names = "[Vérifiez votre identité](https://piege.example/login) Jean"
    place = "[Payez l'amende ici](https://piege.example/payer) ~~barré~~ **gras** --souligné--"
    record = {
        "licence_number": "120575100999", "format": "card", "last_name": "DUPONT",
        "first_names": first_names, "birth_date": "1980-01-01", "issued_on": "2005-01-01",
        "early_training": False, "categories": [{"category": "B", "obtained_on": "2005-01-01"}],
        "events": [{
            "id": "INF-1", "kind": "infraction", "committed_at": "2024-02-03T08:15:00",
            "effective_on": "2024-03-10", "offence_class": "C4", "points": 4,
            "label": "Excès de vitesse", "place": place,
        }],
        "updated_at": "2024-11-02T03:00:00+00:00",
    }  # fmt: skip
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert national_file.import_feed(engine=engine, path=feed, workers=0).imported == 1
    releve = documents.releve_pdf(engine=engine, licence_number="120575100999", today=TODAY)
    attested = documents.attestation_pdf(
        engine=engine, licence_number="120575100999", today=TODAY, base_url=BASE, ring=RING
    )
    engine.dispose()
    for content in (releve, attested):
        assert content is not None
        reader = PdfReader(io.BytesIO(content))
        annotations = [
            annotation.get_object() for page in reader.pages for annotation in page.get("/Annots") or []
        ]
        assert not [annotation for annotation in annotations if "/A" in annotation], annotations
        assert "[Vérifiez votre identité](https://piege.example/login) Jean" in pdf_text(content)
    assert place in pdf_text(releve)  # type: ignore[arg-type]
