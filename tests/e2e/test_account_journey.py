"""The whole journey of a new driver, in Chromium against the production build, with real mail."""

from __future__ import annotations

import json
import re
import secrets

from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_TODAY

# A licence of the demo national file that has no account (demo accounts use the first three).
HOLDER = {
    "last_name": "Lefèvre-Essai",
    "first_names": "Maëlys",
    "birth_date": "15/03/2003",
    "licence_number": "230720 LE 0612",
    "wrong_number": "230720LE0613",
}
PASSWORD = "Tournesol-Velours-Quai-58"
MISMATCH = "Les informations saisies ne correspondent à aucun permis de conduire."


def expected_balance(portal, number: str) -> dict:
    answer = portal.cli("licence", number, "--as-of", DEMO_TODAY, "--json")
    assert answer.returncode == 0, answer.stderr
    return json.loads(answer.stdout)


def activation_link(portal, address: str) -> str:
    message = portal.mailbox.wait_for(address)
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert message.get_body(preferencelist=("html",)) is not None, "the mail has an HTML part too"
    found = re.search(r"https?://\S+/activation\?jeton=[\w\-]+", text)
    assert found, text
    assert found.group(0).startswith(portal.url), "links are built from MESPOINTS_BASE_URL"
    return found.group(0)


def fill_wizard(page, address: str) -> None:
    page.goto("/inscription")
    expect(page.get_by_text("Étape 1 sur 6")).to_be_visible()
    page.get_by_label("Nom", exact=True).fill(HOLDER["last_name"])
    page.get_by_label("Prénom(s)").fill(HOLDER["first_names"])
    page.get_by_label("Date de naissance").fill(HOLDER["birth_date"])
    page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_text("Étape 2 sur 6")).to_be_visible()
    page.get_by_label("Adresse électronique").fill(address)
    page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_text("Étape 3 sur 6")).to_be_visible()
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_text("Étape 4 sur 6")).to_be_visible()
    page.get_by_label("Format européen (carte de crédit)").check()
    page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_text("Étape 5 sur 6")).to_be_visible()


def test_a_new_driver_signs_up_activates_logs_in_sees_the_balance_and_logs_out(page, portal):
    address = f"maelys.{secrets.token_hex(4)}@exemple.fr"
    fill_wizard(page, address)

    # One wrong licence number: the generic message, next to the field, and the number kept.
    number = page.get_by_label("Numéro de permis")
    number.fill(HOLDER["wrong_number"])
    page.get_by_role("button", name="Suivant").click()
    expect(page.locator("#numero_permis-erreur")).to_have_text(MISMATCH)
    expect(number).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Étape 5 sur 6")).to_be_visible()

    number.fill(HOLDER["licence_number"])
    page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_text("Étape 6 sur 6")).to_be_visible()
    page.get_by_label("J'accepte ces conditions générales d'utilisation").check()
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", name="Vérifiez votre messagerie")).to_be_visible()

    # Not activated yet: no login, and the same answer as for an address without an account (anyone
    # can start a sign-up with any address); the page says to activate first.
    page.goto("/connexion")
    page.get_by_label("Adresse électronique").fill(address)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_have_text("Adresse électronique ou mot de passe incorrect.")
    expect(page.get_by_text("Activez-le d'abord avec le lien reçu par courriel")).to_be_visible()

    link = activation_link(portal, address)
    page.goto(link)
    expect(page.get_by_text("Votre compte est activé.")).to_be_visible()

    page.goto("/connexion")
    page.get_by_label("Adresse électronique").fill(address)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/tableau-de-bord**")

    answer = expected_balance(portal, "230720LE0612")
    expect(page.get_by_test_id("solde")).to_have_text(str(answer["balance"]))
    expect(page.get_by_test_id("solde-max")).to_have_text(str(answer["maximum"]))
    expect(
        page.get_by_text(
            "sous réserve d'éventuelles autres infractions commises et non encore "
            "enregistrées dans le système national des permis de conduire"
        )
    ).to_be_visible()

    cookie = next(c for c in page.context.cookies() if c["name"] == "mpp_session")
    secrets_seen = {
        "password": PASSWORD,
        "activation token": link.split("jeton=")[1],
        "session id": cookie["value"],
    }
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"
    assert page.evaluate("document.cookie").find("mpp_session") == -1

    # A refresh keeps the driver logged in.
    page.reload()
    expect(page.get_by_test_id("solde")).to_have_text(str(answer["balance"]))

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", name="Vous êtes déconnecté")).to_be_visible()
    assert not any(c["name"] == "mpp_session" for c in page.context.cookies())
    page.go_back()
    page.wait_for_url("**/connexion**")
    expect(page.get_by_test_id("solde")).to_have_count(0)

    # Nothing secret in clear in the server's log or its database (the outbox is encrypted).
    log = portal.log.read_text(errors="replace")
    database = b"".join(
        path.read_bytes() for path in portal.database.parent.glob(portal.database.name + "*")
    )  # the database file and its write-ahead log
    for what, value in secrets_seen.items():
        assert value not in log, f"the {what} is in the portal's log"
        assert value.encode() not in database, f"the {what} is in the database file"


def test_the_wizard_keeps_the_step_and_what_was_typed_on_reload_but_never_the_password(page, portal):
    fill_wizard(page, f"reload.{secrets.token_hex(4)}@exemple.fr")
    page.get_by_label("Numéro de permis").fill("ABC12345")
    page.get_by_label("Numéro de permis").blur()
    page.reload()
    expect(page.get_by_text("Étape 5 sur 6")).to_be_visible()
    expect(page.get_by_label("Numéro de permis")).to_have_value("ABC12345")
    page.get_by_role("button", name="Précédent").click()
    expect(page.get_by_label("Format européen (carte de crédit)")).to_be_checked()
    page.get_by_role("button", name="Précédent").click()
    expect(page.get_by_label("Mot de passe", exact=True)).to_have_value("")
    page.get_by_role("button", name="Précédent").click()
    page.get_by_role("button", name="Précédent").click()
    expect(page.get_by_label("Nom", exact=True)).to_have_value(HOLDER["last_name"])
    expect(page.get_by_label("Date de naissance")).to_have_value(HOLDER["birth_date"])


def test_each_wizard_error_is_in_french_next_to_its_field_and_keeps_the_rest(page, portal):
    page.goto("/inscription")
    page.get_by_label("Nom", exact=True).fill("Dupont")
    page.get_by_label("Date de naissance").fill("31/02/1990")
    page.get_by_role("button", name="Suivant").click()
    expect(page.locator("#prenoms-erreur")).not_to_be_empty()
    expect(page.locator("#date_naissance-erreur")).not_to_be_empty()
    expect(page.get_by_label("Nom", exact=True)).to_have_value("Dupont")
    expect(page.get_by_label("Prénom(s)")).to_be_focused()
    expect(page.get_by_text("Étape 1 sur 6")).to_be_visible()


def test_login_refuses_a_wrong_password_with_one_message(page, portal):
    page.goto("/connexion")
    page.get_by_label("Adresse électronique").fill("julie.martin@demo.mespoints.fr")
    page.get_by_label("Mot de passe").fill("pas-le-bon-mot-de-passe")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_have_text("Adresse électronique ou mot de passe incorrect.")
    expect(page.get_by_label("Adresse électronique")).to_have_value("julie.martin@demo.mespoints.fr")


def test_private_pages_send_a_stranger_to_the_login_page(page, portal):
    page.goto("/tableau-de-bord")
    page.wait_for_url("**/connexion**")
    expect(page.get_by_test_id("solde")).to_have_count(0)


def test_a_used_or_unknown_activation_link_offers_a_new_one_without_telling_who_has_an_account(page, portal):
    page.goto("/activation?jeton=inconnu")
    expect(page.get_by_text("Ce lien d'activation n'est pas valable ou a déjà été utilisé.")).to_be_visible()
    page.get_by_role("link", name="Recevoir un nouveau lien").click()
    page.wait_for_url("**/activation/nouveau-lien**")
    page.get_by_label("Adresse électronique").fill("personne.inconnue@exemple.fr")
    page.get_by_role("button", name="Recevoir un nouveau lien").click()
    expect(page.get_by_role("main").get_by_role("status")).to_contain_text(
        "Si un compte non activé existe pour cette adresse"
    )
    assert portal.mailbox.count_to("personne.inconnue@exemple.fr") == 0
