"""« Mon compte » and « Mot de passe oublié », in Chromium against the production build, with real mail.

Each test signs up and activates its own account through the wizard and the mailed link, on a
licence of the demo national file that no other test registers, so the tests can change or close
it freely and run in any order.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from playwright.sync_api import expect

INVALID_LOGIN = "Adresse électronique ou mot de passe incorrect."


@dataclass(frozen=True)
class Holder:
    last_name: str
    first_names: str
    birth_date: str  # as typed: JJ/MM/AAAA
    licence_number: str
    mail_name: str  # the address's local part: plain ASCII (the wizard refuses accents there)


# Licences of mespoints/data/demo_feed.jsonl without an account (card format), one per test.
PASSWORD_CHANGER = Holder("Chevalier-Pseudo", "Océane", "17/01/1993", "CP0123450678", "oceane")
FORGETFUL = Holder("Le Goff-Essai", "Yann", "05/05/1983", "YL 0987654321", "yann")
LEAVER = Holder("Bonnet-Fictif", "Clara", "04/04/2004", "231201BC3131", "clara")


def mailed_link(portal, address: str, subject: str, path: str) -> str:
    message = portal.mailbox.wait_for(address, subject)
    text = message.get_body(preferencelist=("plain",)).get_content()
    found = re.search(rf"https?://\S+{re.escape(path)}\?jeton=[\w\-]+", text)
    assert found, text
    return found.group(0)


def sign_up_and_activate(page, portal, holder: Holder) -> tuple[str, str]:
    """A new, activated account for this holder: (email address, password)."""
    address = f"{holder.mail_name}.{secrets.token_hex(4)}@exemple.fr"
    password = f"Pivoine-Cadran-{secrets.token_hex(3)}-Marée"
    page.goto("/inscription")
    step = page.locator("#etape-titre")
    page.get_by_label("Nom", exact=True).fill(holder.last_name)
    page.get_by_label("Prénom(s)").fill(holder.first_names)
    page.get_by_label("Date de naissance").fill(holder.birth_date)
    page.get_by_role("button", name="Suivant").click()
    expect(step).to_contain_text("Étape 2 sur 6")
    page.get_by_label("Adresse électronique").fill(address)
    page.get_by_role("button", name="Suivant").click()
    expect(step).to_contain_text("Étape 3 sur 6")
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_label("Confirmation du mot de passe").fill(password)
    page.get_by_role("button", name="Suivant").click()
    expect(step).to_contain_text("Étape 4 sur 6")
    page.get_by_label("Format européen (carte de crédit)").check()
    page.get_by_role("button", name="Suivant").click()
    expect(step).to_contain_text("Étape 5 sur 6")
    page.get_by_label("Numéro de permis").fill(holder.licence_number)
    page.get_by_role("button", name="Suivant").click()
    expect(step).to_contain_text("Étape 6 sur 6")
    page.get_by_label("J'accepte ces conditions générales d'utilisation").check()
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", name="Vérifiez votre messagerie")).to_be_visible()
    page.goto(mailed_link(portal, address, "Activez votre compte", "/activation"))
    expect(page.get_by_text("Votre compte est activé.")).to_be_visible()
    return address, password


def try_to_log_in(page, address: str, password: str) -> None:
    page.goto("/connexion")
    page.get_by_label("Adresse électronique").fill(address)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def log_in(page, address: str, password: str) -> None:
    try_to_log_in(page, address, password)
    page.wait_for_url("**/tableau-de-bord**")


def open_account_page(page) -> None:
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Mon compte"
    ).click()
    page.wait_for_url("**/compte**")
    expect(page.get_by_role("heading", name="Vos informations")).to_be_visible()


def test_a_driver_changes_the_password_after_one_wrong_current_password(page, portal):
    address, old_password = sign_up_and_activate(page, portal, PASSWORD_CHANGER)
    new_password = f"Horizon-Galet-{secrets.token_hex(3)}-Sureau"
    log_in(page, address, old_password)
    open_account_page(page)
    expect(page.get_by_text(address)).to_be_visible()
    expect(page.get_by_text("CP0123450678")).to_be_visible()

    form = page.get_by_role("form", name="Changer de mot de passe")
    current = form.get_by_label("Mot de passe actuel")
    current.fill("pas-le-mot-de-passe-actuel")
    form.get_by_label("Nouveau mot de passe", exact=True).fill(new_password)
    form.get_by_label("Confirmation du nouveau mot de passe").fill(new_password)
    form.get_by_role("button", name="Changer de mot de passe").click()
    expect(page.locator("#current_password-erreur")).to_have_text("Le mot de passe actuel est incorrect.")
    expect(current).to_have_attribute("aria-invalid", "true")
    expect(current).to_be_focused()
    expect(page.get_by_text("Votre mot de passe a été modifié")).to_have_count(0)

    current.fill(old_password)
    form.get_by_label("Nouveau mot de passe", exact=True).fill(new_password)
    form.get_by_label("Confirmation du nouveau mot de passe").fill(new_password)
    form.get_by_role("button", name="Changer de mot de passe").click()
    expect(
        page.get_by_role("main").get_by_role("status").filter(has_text="Votre mot de passe a été modifié.")
    ).to_be_visible()
    expect(page.locator("#current_password-erreur")).to_be_empty()
    expect(current).to_have_value("")  # nothing secret left in the page
    portal.mailbox.wait_for(address, "Votre mot de passe a été modifié")

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", name="Vous êtes déconnecté")).to_be_visible()
    try_to_log_in(page, address, old_password)
    expect(page.get_by_role("alert")).to_have_text(INVALID_LOGIN)
    log_in(page, address, new_password)
    expect(page.get_by_test_id("solde")).to_be_visible()


def test_a_driver_who_forgot_the_password_chooses_a_new_one_from_the_mailed_link(page, portal):
    address, old_password = sign_up_and_activate(page, portal, FORGETFUL)
    new_password = f"Boussole-Ecume-{secrets.token_hex(3)}-Tilleul"

    page.goto("/connexion")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    expect(page.get_by_role("heading", name="Mot de passe oublié", level=1)).to_be_visible()
    page.get_by_label("Adresse électronique").fill(address)
    page.get_by_role("button", name="Recevoir le lien").click()
    expect(page.get_by_role("main").get_by_role("status")).to_contain_text(
        "Si un compte existe pour cette adresse"
    )

    link = mailed_link(portal, address, "Choisissez un nouveau mot de passe", "/mot-de-passe/nouveau")
    assert link.startswith(portal.url), "links are built from MESPOINTS_BASE_URL"
    page.goto(link)
    expect(page.get_by_role("heading", name="Choisir un nouveau mot de passe")).to_be_visible()
    page.get_by_label("Nouveau mot de passe", exact=True).fill(new_password)
    page.get_by_label("Confirmation du mot de passe").fill(new_password + "x")
    page.get_by_role("button", name="Enregistrer le nouveau mot de passe").click()
    expect(page.locator("#password_confirmation-erreur")).to_have_text(
        "Les deux mots de passe ne sont pas identiques."
    )
    expect(page.get_by_label("Confirmation du mot de passe")).to_be_focused()

    page.get_by_label("Confirmation du mot de passe").fill(new_password)
    page.get_by_role("button", name="Enregistrer le nouveau mot de passe").click()
    page.wait_for_url("**/connexion**")
    expect(
        page.get_by_text("Votre mot de passe a été modifié. Connectez-vous avec le nouveau.")
    ).to_be_visible()

    page.goto(link)
    expect(page.get_by_role("alert")).to_have_text("Ce lien n'est pas valable ou a déjà été utilisé.")
    expect(page.get_by_role("link", name="Demander un nouveau lien")).to_be_visible()

    try_to_log_in(page, address, old_password)
    expect(page.get_by_role("alert")).to_have_text(INVALID_LOGIN)
    log_in(page, address, new_password)
    expect(page.get_by_test_id("solde")).to_be_visible()


def test_closing_the_account_asks_for_confirmation_then_logs_out_and_forbids_login(page, portal):
    address, password = sign_up_and_activate(page, portal, LEAVER)
    log_in(page, address, password)
    open_account_page(page)

    form = page.get_by_role("form", name="Fermer mon compte")
    form.get_by_label("Mot de passe actuel").fill(password)
    form.get_by_role("button", name="Fermer mon compte").click()
    confirm = form.get_by_label("Je confirme vouloir fermer mon compte et supprimer mes données")
    expect(page.locator("#close_confirm-erreur")).to_have_text(
        "Cochez la case pour confirmer la fermeture de votre compte."
    )
    expect(confirm).to_have_attribute("aria-invalid", "true")
    expect(confirm).to_be_focused()

    # Still open: the page reloads with the account's data.
    page.reload()
    expect(page.get_by_text(address)).to_be_visible()

    form.get_by_label("Mot de passe actuel").fill(password)
    confirm.check()
    form.get_by_role("button", name="Fermer mon compte").click()
    page.wait_for_url("**/deconnexion**")
    expect(page.get_by_role("heading", name="Votre compte est fermé", level=1)).to_be_visible()
    expect(page.get_by_text("Votre compte et vos données personnelles ont été supprimés.")).to_be_visible()
    assert not any(cookie["name"] == "mpp_session" for cookie in page.context.cookies())
    portal.mailbox.wait_for(address, "a été fermé")

    try_to_log_in(page, address, password)
    expect(page.get_by_role("alert")).to_have_text(INVALID_LOGIN)
    page.goto("/compte")
    page.wait_for_url("**/connexion**")
