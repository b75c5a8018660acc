"""axe-core (WCAG 2.0/2.1 A and AA) finds nothing on any page or meaningful state, in light and dark.

Each test walks one journey in one browser context (one login per licence kind), runs axe-core on
every state it reaches in both colour schemes (tests/e2e/axe.py), and fails once at the end with
the full list: page, state, scheme, rule, elements and how to fix them.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from urllib.parse import quote

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from mespoints.components.connection_notice import LOST_TITLE
from mespoints.db.engine import make_engine
from mespoints.demo_franceconnect import demo_people
from mespoints.domain.attestation import Attestation, AttestedCategory
from mespoints.services import attestation, security
from mespoints.services.accounts import tokens
from mespoints.services.demo import DEMO_ACCOUNTS
from tests.e2e.axe import Sweep
from tests.e2e.conftest import DEMO_TODAY, NEW_ATTESTATION_KEY
from tests.e2e.test_accessibility import PRIVATE_PAGES, PUBLIC_PAGES
from tests.e2e.test_account_page import log_in, mailed_link
from tests.e2e.test_franceconnect import FC_BUTTON, PASSWORD, password_account

# Public pages beyond test_accessibility's list: states reached by a link or an error.
MORE_PUBLIC_PAGES = [
    "/inscription/verifiez-votre-messagerie",
    "/service-indisponible",
    "/service-indisponible?retour=/inscription",
    "/boite-de-test",
    "/deconnexion?franceconnect=1",
    "/franceconnect/erreur?motif=rejouee",
    "/une-page-qui-n-existe-pas",
]

# A licence of the demo national file that no other test registers (three-part format).
HOLDER = {
    "last_name": "Blanc-Factice",
    "first_names": "Jérôme",
    "birth_date": "09/04/1970",
    "number": "890630BF4411",
}
# Someone of the FranceConnect demo provider whose licence no other test registers.
FC_PERSON = ("Thaïs CŒUR-FICTIF", "170522CF0707")

# Licences of the demo national file that no other test registers: a password account for the
# account-page states, and a FranceConnect person whose address and licence both have an account.
ACCOUNT_HOLDER = {"licence": "RN93A1006789", "last_name": "ROCHE-FICTIF", "birth": "1976-12-25"}
FC_CLAIMER = next(person for person in demo_people() if person.key == "KD190601Z022")

LICENCE_KINDS = {
    "definitive": DEMO_ACCOUNTS[0],
    "probationary": DEMO_ACCOUNTS[1],
    "invalidated": DEMO_ACCOUNTS[2],
}


@pytest.fixture
def tab(browser, portal, request):
    """A page in its own context, 1024 px wide unless the test asks another width (indirect)."""
    width = getattr(request, "param", 1024)
    context = browser.new_context(
        base_url=portal.url, locale="fr-FR", viewport={"width": width, "height": 800}
    )
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


def shown(page) -> None:
    """The page has hydrated: its one h1 is visible and no « Chargement » placeholder is left."""
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Chargement"))).to_have_count(0)


def visit(page, sweep: Sweep, path: str) -> None:
    page.goto(path)
    shown(page)
    sweep.check(page, path)


def next_step(page) -> None:
    page.get_by_role("button", name="Suivant").click()


# Screens from 320 to 1440 px: a wide screen here, a phone for the wizard and FranceConnect.
@pytest.mark.parametrize("tab", [1440], indirect=True)
def test_public_pages_error_pages_and_a_failed_login_have_no_violations(tab, portal):
    sweep = Sweep()
    for path in PUBLIC_PAGES + MORE_PUBLIC_PAGES:
        visit(tab, sweep, path)
    # The header's home link: its name starts with what it shows (WCAG 2.5.3), then says where it goes.
    home = tab.get_by_role("banner").get_by_role(
        "link", name=re.compile(r"^Mes Points Permis\s*–\s*accueil$")
    )
    expect(home).to_have_attribute("href", "/")

    tab.goto("/connexion")
    shown(tab)
    tab.get_by_role("button", name="Se connecter").click()
    expect(tab.locator("#email-erreur")).not_to_be_empty()
    sweep.check(tab, "/connexion, empty fields")
    tab.get_by_label("Adresse électronique").fill(f"inconnu.{secrets.token_hex(4)}@exemple.fr")
    tab.get_by_label("Mot de passe").fill("Pas-le-bon-mot-de-passe-1")
    tab.get_by_role("button", name="Se connecter").click()
    expect(tab.get_by_role("alert").filter(has_text="incorrect")).to_be_visible()
    sweep.check(tab, "/connexion, wrong password")

    tab.goto("/mot-de-passe/oublie")
    shown(tab)
    tab.get_by_role("button", name="Recevoir le lien").click()
    expect(tab.get_by_role("alert").first).to_be_visible()
    sweep.check(tab, "/mot-de-passe/oublie, empty field")

    tab.goto("/verifier")
    shown(tab)
    tab.get_by_role("button", name="Vérifier").click()
    tab.wait_for_load_state("networkidle")
    sweep.check(tab, "/verifier, empty code")
    sweep.assert_clean()


@pytest.mark.parametrize("tab", [320], indirect=True)
def test_every_signup_step_empty_and_with_errors_activation_and_password_reset_have_no_violations(
    tab, portal
):
    sweep = Sweep()
    address = f"jerome.{secrets.token_hex(4)}@exemple.fr"
    password = f"Escargot-Lampion-{secrets.token_hex(3)}-Glacier"
    title = tab.locator("#etape-titre")
    tab.goto("/inscription")
    shown(tab)
    answers = {
        1: lambda: (
            tab.get_by_label("Nom", exact=True).fill(HOLDER["last_name"]),
            tab.get_by_label("Prénom(s)").fill(HOLDER["first_names"]),
            tab.get_by_label("Date de naissance").fill(HOLDER["birth_date"]),
        ),
        2: lambda: tab.get_by_label("Adresse électronique").fill(address),
        3: lambda: (
            tab.get_by_label("Mot de passe", exact=True).fill(password),
            tab.get_by_label("Confirmation du mot de passe").fill(password),
        ),
        4: lambda: tab.get_by_label("Format 3 volets (cartonné)").check(),
        5: lambda: tab.get_by_label("Numéro de permis").fill(HOLDER["number"]),
    }
    for step in range(1, 7):
        expect(title).to_contain_text(f"Étape {step} sur 6")
        sweep.check(tab, f"/inscription, step {step}")
        button = "Créer mon compte" if step == 6 else "Suivant"
        tab.get_by_role("button", name=button).click()
        expect(tab.locator("[aria-invalid='true']").first).to_be_visible()
        sweep.check(tab, f"/inscription, step {step} with errors")
        if step == 3:  # a weak password, its strength meter and a mismatch
            tab.get_by_label("Mot de passe", exact=True).fill("motdepasse")
            tab.get_by_label("Confirmation du mot de passe").fill("autre")
            tab.get_by_role("button", name="Afficher les mots de passe").click()
            next_step(tab)
            expect(tab.locator("#password-robustesse")).not_to_be_empty()
            sweep.check(tab, "/inscription, step 3 weak password shown")
        if step in answers:
            answers[step]()
            next_step(tab)
    tab.get_by_label("J'accepte ces conditions générales d'utilisation").check()
    tab.get_by_role("button", name="Créer mon compte").click()
    expect(tab.get_by_role("heading", name="Vérifiez votre messagerie")).to_be_visible()
    sweep.check(tab, "/inscription/verifiez-votre-messagerie, after a sign-up")

    message = portal.mailbox.wait_for(address, "Activez votre compte")
    link = re.search(r"https?://\S+/activation\?jeton=[\w\-]+", message.get_body(("plain",)).get_content())
    assert link, "the activation mail holds its link"
    tab.goto(link.group(0))
    expect(tab.get_by_text("Votre compte est activé.")).to_be_visible()
    sweep.check(tab, "/activation, done")

    # « Mot de passe oublié » for this account: the answer, then the new password's form and its errors.
    tab.goto("/mot-de-passe/oublie")
    shown(tab)
    tab.get_by_label("Adresse électronique").fill(address)
    tab.get_by_role("button", name="Recevoir le lien").click()
    expect(tab.get_by_text("Si un compte existe pour cette adresse")).to_be_visible()
    sweep.check(tab, "/mot-de-passe/oublie, sent")
    message = portal.mailbox.wait_for(address, "Choisissez un nouveau mot de passe")
    link = re.search(
        r"https?://\S+/mot-de-passe/nouveau\?jeton=[\w\-]+", message.get_body(("plain",)).get_content()
    )
    assert link, "the mail holds its link"
    tab.goto(link.group(0))
    save = tab.get_by_role("button", name="Enregistrer le nouveau mot de passe")
    expect(save).to_be_visible()
    sweep.check(tab, "/mot-de-passe/nouveau, form")
    save.click()
    expect(tab.locator("[aria-invalid='true']").first).to_be_visible()
    sweep.check(tab, "/mot-de-passe/nouveau, errors")
    sweep.assert_clean()


@pytest.mark.parametrize("kind", LICENCE_KINDS)
def test_the_driver_pages_of_each_licence_kind_have_no_violations(tab, kind):
    account = LICENCE_KINDS[kind]
    sweep = Sweep()
    tab.goto("/connexion")
    tab.get_by_label("Adresse électronique").fill(account.email)
    tab.get_by_label("Mot de passe").fill(account.password)
    tab.get_by_role("button", name="Se connecter").click()
    tab.wait_for_url("**/tableau-de-bord**")
    for path, loaded in PRIVATE_PAGES.items():
        tab.goto(path)
        expect(tab.get_by_role("heading", name=loaded).first).to_be_visible()
        shown(tab)
        sweep.check(tab, f"{path} ({kind})")

    if kind == "definitive":
        # « Et si… ? »: errors, then a result with its tables.
        tab.goto("/tableau-de-bord")
        shown(tab)
        tab.get_by_role("button", name="Simuler").click()
        expect(tab.locator("#offence-erreur")).not_to_be_empty()
        sweep.check(tab, "/tableau-de-bord, simulation errors")
        tab.get_by_label("Infraction à simuler").select_option(index=1)
        tab.get_by_label("Date de l'infraction").fill(f"{DEMO_TODAY[:4]}-01-15")
        tab.get_by_role("button", name="Simuler").click()
        expect(tab.get_by_role("heading", name="Résultat de la simulation")).to_be_visible()
        sweep.check(tab, "/tableau-de-bord, simulation result")

        # « Mon compte »: each form's errors (none of them changes anything).
        tab.goto("/compte")
        expect(tab.get_by_role("heading", name="Vos informations")).to_be_visible()
        tab.get_by_role("button", name="Changer d'adresse").click()
        expect(tab.locator("#new_email-erreur")).not_to_be_empty()
        tab.get_by_role("button", name="Fermer mon compte").click()
        expect(tab.locator("#close_confirm-erreur")).not_to_be_empty()
        sweep.check(tab, "/compte, errors")
    sweep.assert_clean()


@pytest.mark.parametrize("tab", [320], indirect=True)
def test_the_franceconnect_pages_steps_with_errors_and_account_have_no_violations(tab):
    person, number = FC_PERSON
    sweep = Sweep()
    tab.goto("/connexion")
    tab.get_by_role("button", name=FC_BUTTON).click()
    expect(tab.get_by_text("Démonstration.")).to_be_visible()
    sweep.check(tab, "demo FranceConnect provider")
    tab.get_by_role("button", name=re.compile(f"^{re.escape(person)},")).click()
    tab.wait_for_url("**/inscription/franceconnect**")
    shown(tab)
    title = tab.locator("#etape-titre")
    expect(title).to_contain_text("Format du permis")
    sweep.check(tab, "/inscription/franceconnect, format")
    next_step(tab)
    expect(tab.locator("#format-erreur")).not_to_be_empty()
    sweep.check(tab, "/inscription/franceconnect, format with error")
    tab.get_by_label("Format européen (carte de crédit)").check()
    next_step(tab)
    expect(title).to_contain_text("Numéro de permis")
    sweep.check(tab, "/inscription/franceconnect, number")
    tab.get_by_label("Numéro de permis").fill(number[:-1] + "9")
    next_step(tab)
    expect(tab.locator("#numero_permis-erreur")).not_to_be_empty()
    sweep.check(tab, "/inscription/franceconnect, number with error")
    tab.get_by_label("Numéro de permis").fill(number)
    next_step(tab)
    expect(title).to_contain_text("Conditions générales")
    sweep.check(tab, "/inscription/franceconnect, terms")
    tab.get_by_role("button", name="Créer mon compte").click()
    expect(tab.locator("#cgu-erreur")).not_to_be_empty()
    sweep.check(tab, "/inscription/franceconnect, terms with error")

    # The account it creates has no password: « Mon compte » says how FranceConnect confirms changes.
    tab.get_by_label("J'accepte ces conditions générales d'utilisation").check()
    tab.get_by_role("button", name="Créer mon compte").click()
    tab.wait_for_url("**/tableau-de-bord**")
    expect(tab.get_by_test_id("solde")).to_be_visible()
    tab.goto("/compte")
    expect(tab.get_by_role("heading", name="Vos informations")).to_be_visible()
    tab.get_by_role("button", name="Fermer mon compte").click()
    expect(tab.locator("#close_confirm-erreur")).not_to_be_empty()
    sweep.check(tab, "/compte of a FranceConnect account, errors")
    tab.get_by_role("button", name="Se déconnecter").click()
    expect(tab.get_by_text("Vous êtes aussi déconnecté de FranceConnect.")).to_be_visible()
    sweep.check(tab, "/deconnexion after FranceConnect")
    sweep.assert_clean()


def account_id(portal, email: str) -> int:
    engine = make_engine(f"sqlite:///{portal.database}")
    with engine.connect() as connection:
        found = connection.execute(text("SELECT id FROM account WHERE email = :e"), {"e": email}).scalar_one()
    engine.dispose()
    return int(found)


def expired_links(portal, account: int) -> dict[str, str]:
    """One link of each kind for `account`, unused but past its validity (the portal's clock is the
    real one for links, whatever MESPOINTS_TODAY says): purpose → raw token."""
    raw = {purpose: secrets.token_urlsafe(32) for purpose in EXPIRED_PAGES}
    engine = make_engine(f"sqlite:///{portal.database}")
    with engine.begin() as connection:
        for purpose, token in raw.items():
            connection.execute(
                text(
                    "INSERT INTO account_token (account_id, purpose, token_hash, created_at, expires_at) "
                    "VALUES (:account, :purpose, :hash, '2020-01-01 00:00:00', '2020-01-02 00:00:00')"
                ),
                {"account": account, "purpose": purpose, "hash": security.hash_token(token)},
            )
    engine.dispose()
    return raw


def add_notifications(portal, account: int) -> None:
    """Two notifications as the daily job writes them: one unread, one already read."""
    engine = make_engine(f"sqlite:///{portal.database}")
    with engine.begin() as connection:
        for title, read_at in (
            ("Un retrait de points a été enregistré", None),
            ("Des points vous ont été rendus", "2026-11-10 09:00:00"),
        ):
            connection.execute(
                text(
                    "INSERT INTO notification (account_id, created_at, title, body, link, read_at) "
                    "VALUES (:account, '2026-11-09 08:00:00', :title, :body, '/tableau-de-bord/historique', "
                    ":read_at)"
                ),
                {
                    "account": account,
                    "title": title,
                    "body": "Votre solde de points a changé. Le détail est dans votre historique.",
                    "read_at": read_at,
                },
            )
    engine.dispose()


# Each mailed link's page, and what it says once the link has expired.
EXPIRED_PAGES = {
    tokens.ACTIVATION: ("/activation", "Ce lien d'activation a expiré."),
    tokens.PASSWORD_RESET: ("/mot-de-passe/nouveau", "Ce lien a expiré"),
    tokens.EMAIL_CHANGE: ("/compte/confirmer-adresse", "Ce lien a expiré."),
    tokens.EMAIL_CHANGE_CANCEL: ("/compte/annuler-changement-adresse", "Ce lien a expiré."),
}


def genuine_code(issued_on: dt.date) -> str:
    """An attestation signed with the portal's current key, as « Mes documents » issues it."""
    content = Attestation(
        licence_number=ACCOUNT_HOLDER["licence"],
        format="card",
        last_name=ACCOUNT_HOLDER["last_name"],
        first_names="Noël",
        birth_date=dt.date.fromisoformat(ACCOUNT_HOLDER["birth"]),
        categories=(AttestedCategory("B", dt.date(1994, 3, 17)), AttestedCategory("A", dt.date(1998, 6, 2))),
        valid=True,
        balance=8,
        maximum=12,
        issued_on=issued_on,
    )
    return attestation.sign(content, attestation.KeyRing.from_text(NEW_ATTESTATION_KEY))


def test_notices_notifications_valid_and_expired_links_and_a_genuine_attestation_have_no_violations(
    tab, portal
):
    sweep = Sweep()
    address = f"noel.{secrets.token_hex(4)}@exemple.fr"
    password_account(
        portal,
        email=address,
        licence=ACCOUNT_HOLDER["licence"],
        last_name=ACCOUNT_HOLDER["last_name"],
        birth=ACCOUNT_HOLDER["birth"],
    )
    account = account_id(portal, address)
    add_notifications(portal, account)

    # Expired links first: they need no session.
    for purpose, token in expired_links(portal, account).items():
        path, said = EXPIRED_PAGES[purpose]
        tab.goto(f"{path}?jeton={token}")
        expect(tab.get_by_text(said).first).to_be_visible()
        shown(tab)
        sweep.check(tab, f"{path}, expired link")

    # A genuine attestation on the public page, valid then expired (signed 5 months before the day).
    today = dt.date.fromisoformat(DEMO_TODAY)
    verdict = tab.get_by_test_id("verdict")
    tab.goto(f"/verifier?code={quote(genuine_code(today))}")
    expect(verdict).to_contain_text("authentique et valide")
    expect(verdict).to_contain_text("ROCHE-FICTIF Noël")
    sweep.check(tab, "/verifier, genuine and valid attestation")
    tab.goto(f"/verifier?code={quote(genuine_code(today - dt.timedelta(days=160)))}")
    expect(verdict).to_contain_text("expirée")
    sweep.check(tab, "/verifier, genuine but expired attestation")

    log_in(tab, address, PASSWORD)
    # The header counts the unread notification; the page lists both, then one is marked read.
    tab.goto("/notifications")
    expect(tab.get_by_role("heading", name="Un retrait de points a été enregistré")).to_be_visible()
    expect(tab.get_by_role("heading", name="Des points vous ont été rendus")).to_be_visible()
    expect(tab.get_by_text("1 notification non lue.")).to_be_visible()
    sweep.check(tab, "/notifications, one unread and one read")
    tab.get_by_role("button", name="Marquer comme lue").click()
    expect(tab.get_by_text("Aucune notification non lue.")).to_be_visible()
    sweep.check(tab, "/notifications, all read")

    # « Mon compte »: the success notices of a password change and of an address change request.
    tab.goto("/compte")
    expect(tab.get_by_role("heading", name="Vos informations")).to_be_visible()
    new_password = f"Cormoran-Balise-{secrets.token_hex(3)}-Varech"
    form = tab.get_by_role("form", name="Changer de mot de passe")
    form.get_by_label("Mot de passe actuel").fill(PASSWORD)
    form.get_by_label("Nouveau mot de passe", exact=True).fill(new_password)
    form.get_by_label("Confirmation du nouveau mot de passe").fill(new_password)
    form.get_by_role("button", name="Changer de mot de passe").click()
    expect(
        tab.get_by_role("main").get_by_role("status").filter(has_text="Votre mot de passe a été modifié.")
    ).to_be_visible()
    sweep.check(tab, "/compte, password changed")
    new_address = f"noel.nouveau.{secrets.token_hex(4)}@exemple.fr"
    tab.get_by_label("Nouvelle adresse électronique").fill(new_address)
    tab.get_by_label("Mot de passe actuel").first.fill(new_password)
    tab.get_by_role("button", name="Changer d'adresse").click()
    expect(tab.get_by_text("Un courriel de confirmation vient d'être envoyé")).to_be_visible()
    sweep.check(tab, "/compte, address change requested")

    # The mailed links, valid: the confirmation, then « Ce n'était pas moi » and where it leads.
    cancel_link = mailed_link(portal, address, "Demande de changement", "/compte/annuler-changement-adresse")
    tab.goto(mailed_link(portal, new_address, "Confirmez", "/compte/confirmer-adresse"))
    expect(tab.get_by_text("Votre nouvelle adresse électronique est enregistrée.")).to_be_visible()
    sweep.check(tab, "/compte/confirmer-adresse, valid link")
    tab.goto(cancel_link)
    undo = tab.get_by_role("button", name="Annuler le changement et protéger mon compte")
    expect(undo).to_be_visible()
    sweep.check(tab, "/compte/annuler-changement-adresse, valid link")
    undo.click()
    tab.wait_for_url("**/mot-de-passe/oublie**")
    expect(tab.get_by_role("main").get_by_role("status").first).to_contain_text(
        "Le changement d'adresse électronique est annulé"
    )
    sweep.check(tab, "/mot-de-passe/oublie, after « Ce n'était pas moi »")
    sweep.assert_clean()


@pytest.mark.parametrize("tab", [320], indirect=True)
def test_the_franceconnect_address_claim_and_mailbox_steps_have_no_violations(tab, portal):
    # A password account with the address FranceConnect gives and the licence FranceConnect proves.
    password_account(
        portal,
        email=FC_CLAIMER.email,
        licence=FC_CLAIMER.key,
        last_name=FC_CLAIMER.family_name,
        birth=FC_CLAIMER.birthdate,
    )
    sweep = Sweep()
    title = tab.locator("#etape-titre")
    tab.goto("/connexion")
    tab.get_by_role("button", name=FC_BUTTON).click()
    person = f"{FC_CLAIMER.given_name} {FC_CLAIMER.family_name}"
    tab.get_by_role("button", name=re.compile(f"^{re.escape(person)},")).click()
    tab.wait_for_url("**/inscription/franceconnect**")
    shown(tab)
    expect(title).to_have_text("Un compte utilise déjà votre adresse électronique")
    sweep.check(tab, "/inscription/franceconnect, adresse")
    tab.get_by_role("button", name="Utiliser cette adresse").click()
    expect(tab.locator("#email-erreur")).not_to_be_empty()
    sweep.check(tab, "/inscription/franceconnect, adresse with error")
    other = f"zoe.{secrets.token_hex(4)}@exemple.fr"
    tab.get_by_label("Adresse électronique").fill(other)
    tab.get_by_role("button", name="Utiliser cette adresse").click()
    expect(title).to_contain_text("Format du permis")
    tab.get_by_label("Format européen (carte de crédit)").check()
    next_step(tab)
    tab.get_by_label("Numéro de permis").fill(FC_CLAIMER.key)
    next_step(tab)
    expect(title).to_have_text("Ce permis est déjà rattaché à un compte")
    sweep.check(tab, "/inscription/franceconnect, reprise")
    tab.get_by_role("button", name="C'est mon compte").click()
    expect(tab.locator("#password-erreur")).not_to_be_empty()
    sweep.check(tab, "/inscription/franceconnect, reprise with error")
    tab.get_by_role("button", name="Ce compte n'est pas le mien").click()
    expect(title).to_contain_text("Conditions générales")
    expect(tab.get_by_text("vous reprenez ce permis")).to_be_visible()
    sweep.check(tab, "/inscription/franceconnect, terms after a claim")
    tab.get_by_label("J'accepte ces conditions générales d'utilisation").check()
    tab.get_by_role("button", name="Créer mon compte").click()
    expect(title).to_have_text("Vérifiez votre messagerie")
    expect(tab.get_by_role("strong").filter(has_text=other)).to_be_visible()
    sweep.check(tab, "/inscription/franceconnect, courriel")
    sweep.assert_clean()


# What a Socket.IO server refusing the connection answers: Engine.IO's « open », then Socket.IO's
# CONNECT_ERROR to the CONNECT (« 40 ») the page sends to Reflex's namespace.
ENGINE_IO_OPEN = (
    '0{"sid":"refus","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}'
)
SOCKET_IO_REFUSED = '44/_event,{"message":"connexion refusée"}'


def refuse(socket) -> None:
    """Route handler of the page's WebSockets: a server that opens, then refuses each connection."""
    socket.send(ENGINE_IO_OPEN)

    def answer(message: str | bytes) -> None:
        if str(message).startswith("40/_event,"):
            socket.send(SOCKET_IO_REFUSED)

    socket.on_message(answer)


@pytest.mark.parametrize("tab", [320, 1024], indirect=True)
def test_the_notice_shown_while_the_server_refuses_the_connection_has_no_violations(tab):
    # Each attempt refused: after two, the page says in French that the service cannot be reached.
    tab.route_web_socket(re.compile(r"/_event"), refuse)
    tab.goto("/connexion")
    expect(tab.get_by_test_id("etat-connexion")).to_contain_text(LOST_TITLE, timeout=30_000)
    sweep = Sweep()
    sweep.check(tab, "/connexion, connection refused notice")
    sweep.assert_clean()


# The measure itself: what the portal's header link did before (issue 11), and pale text, under a
# Content-Security-Policy without inline scripts nor eval (axe-core still runs: it is not a <script>).
FAULTY_PAGE = """<!doctype html><html lang="fr"><head>
<meta http-equiv="Content-Security-Policy" content="script-src 'self'; object-src 'none'">
<title>Exemple</title></head><body><main>
<h1>Exemple</h1>
<a href="/" aria-label="Mes Points Permis, accueil"><span>Mes Points Permis</span>
<span>Le solde de points de votre permis de conduire</span></a>
<p style="color:#aaa;background:#fff">Texte trop pâle</p>
</main></body></html>"""


def test_the_sweep_fails_naming_the_page_state_scheme_rule_and_element(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_content(FAULTY_PAGE)
    sweep = Sweep()
    sweep.check(page, "exemple")
    context.close()
    with pytest.raises(AssertionError) as failure:
        sweep.assert_clean()
    message = str(failure.value)
    for expected in (
        "exemple (light)",
        "exemple (dark)",
        "label-content-name-mismatch",
        "color-contrast",
        "- a: ",
        "- p: ",
    ):
        assert expected in message, message
