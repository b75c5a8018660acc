"""FranceConnect in Chromium against the production build: the demo provider `make run` mounts
(first and second login, logout through the provider, both claim choices with real mail), then a
second portal whose issuer is a tampering copy of the demo provider, for every failure."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import text

from mespoints.db.engine import make_engine
from mespoints.services import security
from tests.e2e.conftest import ROOT, free_port, running_portal

FC_BUTTON = "S'identifier avec FranceConnect"
ERROR_HEADING = "Connexion avec FranceConnect impossible"
PASSWORD = "Tournesol-Velours-Quai-58"


def fc_login(page, person: str) -> None:
    """From the login page, through the demo provider's page, as `person` (« Prénom NOM »)."""
    page.goto("/connexion")
    page.get_by_role("button", name=FC_BUTTON).click()
    expect(page.get_by_text("Démonstration.")).to_be_visible()
    page.get_by_role("button", name=re.compile(f"^{re.escape(person)},")).click()


def licence_steps(page, number: str) -> None:
    page.wait_for_url("**/inscription/franceconnect**")
    page.get_by_label("Format européen (carte de crédit)").check()
    page.get_by_role("button", name="Suivant").click()
    page.get_by_label("Numéro de permis").fill(number)
    page.get_by_role("button", name="Suivant").click()


def accept_terms(page) -> None:
    page.get_by_label("J'accepte ces conditions générales d'utilisation").check()
    page.get_by_role("button", name="Créer mon compte").click()
    page.wait_for_url("**/tableau-de-bord**")


def password_account(portal, *, email: str, licence: str, last_name: str, birth: str) -> None:
    engine = make_engine(f"sqlite:///{portal.database}")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO account (email, password_hash, last_name, first_names, birth_date, "
                "licence_number, created_at, activated_at) VALUES (:email, :hash, :last, 'Ancien', :birth, "
                ":licence, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            ),
            {
                "email": email,
                "hash": security.hash_password(PASSWORD),
                "last": last_name,
                "birth": birth,
                "licence": licence,
            },
        )
    engine.dispose()


def count_accounts(database: Path) -> int:
    engine = make_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        count = connection.execute(text("SELECT COUNT(*) FROM account")).scalar_one()
    engine.dispose()
    return int(count)


def test_the_button_and_its_explanation_link_are_on_the_login_page_and_the_first_signup_step(page):
    for path in ("/connexion", "/inscription"):
        page.goto(path)
        expect(page.get_by_role("button", name=FC_BUTTON)).to_be_visible()
        explanation = page.get_by_role("link", name="Qu'est-ce que FranceConnect ?")
        expect(explanation).to_have_attribute("href", "https://franceconnect.gouv.fr/")
        expect(explanation).to_have_attribute("target", "_blank")
        expect(explanation).to_have_attribute("title", re.compile("nouvelle fenêtre"))
    assert page.locator("img[src*='franceconnect' i]").count() == 0


def test_a_first_login_goes_through_the_licence_steps_then_later_logins_go_straight_to_the_dashboard(
    page, portal
):
    fc_login(page, "Hugo ROUSSEAU-TEST")
    page.wait_for_url("**/inscription/franceconnect**")
    # The identity comes from FranceConnect and cannot be edited.
    expect(page.get_by_text("ROUSSEAU-TEST", exact=True)).to_be_visible()
    expect(page.get_by_text("01/12/2001")).to_be_visible()
    assert page.get_by_role("textbox", name="Nom").count() == 0
    licence_steps(page, "211005RO0078")  # one digit off: not his licence
    expect(page.locator("#numero_permis-erreur")).to_contain_text("ne correspondent à aucun permis")
    page.get_by_label("Numéro de permis").fill("211005 RO 0077")
    page.get_by_role("button", name="Suivant").click()
    accept_terms(page)
    expect(page.get_by_test_id("solde")).to_be_visible()
    assert portal.mailbox.count_to("hugo.rousseau-test@demo-franceconnect.fr") == 0, "no activation mail"
    cookie = next(c for c in page.context.cookies() if c["name"] == "mpp_session")
    assert cookie["httpOnly"]

    # Logout ends the local session, then FranceConnect's, and comes back « déconnecté ».
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(re.compile(r"/deconnexion/?\?franceconnect=1$"))
    expect(page.get_by_role("heading", name="Vous êtes déconnecté")).to_be_visible()
    expect(page.get_by_text("Vous êtes aussi déconnecté de FranceConnect.")).to_be_visible()
    page.goto("/tableau-de-bord")
    page.wait_for_url("**/connexion**")

    fc_login(page, "Hugo ROUSSEAU-TEST")
    page.wait_for_url("**/tableau-de-bord**")
    expect(page.get_by_test_id("solde")).to_be_visible()


def test_cancelling_at_the_provider_and_replaying_the_callback_end_on_the_failure_page(page, portal):
    before = count_accounts(portal.database)
    page.goto("/connexion")
    page.get_by_role("button", name=FC_BUTTON).click()
    page.get_by_role("button", name="Annuler et revenir au service").click()
    expect(page.get_by_role("heading", name=ERROR_HEADING)).to_be_visible()
    expect(page.get_by_text("Vous avez annulé l'identification avec FranceConnect.")).to_be_visible()
    expect(page.get_by_role("link", name="Revenir à la page de connexion")).to_be_visible()

    callbacks: list[str] = []
    page.on("request", lambda r: callbacks.append(r.url) if "/auth/franceconnect/callback" in r.url else None)
    fc_login(page, "Raphaël ÉTIENNE-FACTICE")
    page.wait_for_url("**/inscription/franceconnect**")
    page.goto(callbacks[-1])  # the same code and state, again
    expect(page.get_by_text("Cette demande d'identification n'est plus valable.")).to_be_visible()
    assert count_accounts(portal.database) == before


def test_not_my_account_takes_the_licence_back_and_the_other_account_is_told_and_shown_nothing(
    browser, page, portal
):
    other = "segolene.ancienne@exemple.fr"
    password_account(portal, email=other, licence="LD140303S995", last_name="LEROY-DÉMO", birth="1995-09-09")
    fc_login(page, "Ségolène LEROY-DÉMO")
    licence_steps(page, "LD140303S995")
    expect(page.get_by_role("heading", name="Ce permis est déjà rattaché à un compte")).to_be_visible()
    expect(page.get_by_text("s•••@e•••.com").or_(page.get_by_text("s•••@e•••.fr"))).to_be_visible()
    page.get_by_role("button", name="Ce compte n'est pas le mien").click()
    accept_terms(page)
    expect(page.get_by_test_id("solde")).to_be_visible()

    message = portal.mailbox.wait_for(other, "repris par son titulaire")
    assert "FranceConnect" in message.get_body(preferencelist=("plain",)).get_content()

    context = browser.new_context(base_url=portal.url, locale="fr-FR")
    context.set_default_timeout(20_000)
    theirs = context.new_page()
    theirs.goto("/connexion")
    theirs.get_by_label("Adresse électronique").fill(other)
    theirs.get_by_label("Mot de passe").fill(PASSWORD)
    theirs.get_by_role("button", name="Se connecter").click()
    theirs.wait_for_url("**/tableau-de-bord**")
    expect(theirs.get_by_text("a été repris par son titulaire")).to_be_visible()
    assert theirs.get_by_test_id("solde").count() == 0
    context.close()


def test_its_my_account_links_franceconnect_to_the_password_account(page, portal):
    owner = "elodie.ancienne@exemple.fr"
    password_account(
        portal, email=owner, licence="040115MF2290", last_name="MOREAU-FICTIVE", birth="1985-06-22"
    )
    before = count_accounts(portal.database)
    fc_login(page, "Élodie MOREAU-FICTIVE")
    licence_steps(page, "040115MF2290")
    page.get_by_label("Mot de passe").fill("pas le bon")
    page.get_by_role("button", name="C'est mon compte").click()
    expect(page.locator("#password-erreur")).to_contain_text("incorrect")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="C'est mon compte").click()
    page.wait_for_url("**/tableau-de-bord**")
    expect(page.get_by_test_id("solde")).to_be_visible()
    assert count_accounts(portal.database) == before
    assert portal.mailbox.count_to(owner) == 0


# ----- failures, against a tampering copy of the demo provider -----------------------------------


@pytest.fixture(scope="module")
def tampering(tmp_path_factory, smtp_server):
    """(portal, set_mode): a second portal whose issuer is the tampering provider."""
    portal_port, provider_port = free_port(), free_port()
    issuer = f"http://127.0.0.1:{provider_port}/fc"
    env = {
        **os.environ,
        "FC_TEST_ISSUER": issuer,
        "FC_TEST_PORTAL": f"http://127.0.0.1:{portal_port}",
        "FC_TEST_SLOW_SECONDS": "5",
        "PYTHONPATH": str(ROOT),
    }
    provider = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "asgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(provider_port),
            "tests.e2e.fc_tampering_app:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)

        def set_mode(mode: str = "") -> None:
            httpx.post(f"http://127.0.0.1:{provider_port}/__mode", content=mode, timeout=5).raise_for_status()

        with running_portal(
            tmp_path_factory.mktemp("portal-fc"),
            smtp_server,
            "portal-franceconnect",
            port=portal_port,
            MESPOINTS_FRANCECONNECT_ISSUER=issuer,
            MESPOINTS_FRANCECONNECT_CLIENT_ID="client-de-test",
            MESPOINTS_FRANCECONNECT_CLIENT_SECRET="secret-de-test",
            MESPOINTS_FRANCECONNECT_TIMEOUT="2",
        ) as started:
            yield started, set_mode
    finally:
        provider.terminate()
        provider.wait(timeout=10)


TOKEN_REFUSED = "La réponse de FranceConnect n'a pas pu être vérifiée."
IDENTITY_REFUSED = "Les informations d'identité transmises par FranceConnect n'ont pas pu être vérifiées."
FAILURES = {
    "bad_signature": TOKEN_REFUSED,
    "wrong_aud": TOKEN_REFUSED,
    "expired": TOKEN_REFUSED,
    "wrong_nonce": TOKEN_REFUSED,
    "wrong_acr": TOKEN_REFUSED,
    "unsigned_userinfo": IDENTITY_REFUSED,
    "tampered_userinfo": IDENTITY_REFUSED,
    "slow": "FranceConnect ne répond pas pour le moment.",
}


def test_every_tampered_or_slow_answer_is_refused_with_its_page_creates_nothing_and_logs_no_token(
    browser, tampering
):
    portal, set_mode = tampering
    context = browser.new_context(base_url=portal.url, locale="fr-FR")
    context.set_default_timeout(20_000)
    page = context.new_page()
    before = count_accounts(portal.database)
    try:
        for mode, expected in FAILURES.items():
            set_mode(mode)
            fc_login(page, "Anaïs GIRAUD-MAQUETTE")
            expect(page.get_by_role("heading", name=ERROR_HEADING)).to_be_visible()
            expect(page.get_by_text(expected), f"mode {mode}").to_be_visible()
            expect(page.get_by_role("link", name="Revenir à la page de connexion")).to_be_visible()
        # The same provider, faithful again: the login works (the failures were the checks).
        set_mode("")
        fc_login(page, "Anaïs GIRAUD-MAQUETTE")
        page.wait_for_url("**/inscription/franceconnect**")
    finally:
        set_mode("")
        context.close()
    assert count_accounts(portal.database) == before
    log = portal.log.read_text()
    assert "FranceConnect: jeton" in log and "FranceConnect: identite" in log
    assert "eyJ" not in log, "no token in the logs"


def test_a_franceconnect_session_downloads_the_releve_integral(page, portal):
    fc_login(page, "Manon POIRIER-EXEMPLAIRE")
    licence_steps(page, "250610PR1234")
    accept_terms(page)
    page.goto("/documents")
    link = page.get_by_role("link", name="Télécharger mon relevé intégral")
    expect(link).to_be_visible()
    expect(page.get_by_test_id("releve-franceconnect")).to_have_count(0)

    response = page.request.get("/documents/releve-integral.pdf")

    assert response.status == 200
    assert response.headers["content-type"].startswith("application/pdf")
    text = "".join(part.extract_text() for part in PdfReader(io.BytesIO(response.body())).pages)
    assert "POIRIER-EXEMPLAIRE" in text and "250610PR1234" in text
