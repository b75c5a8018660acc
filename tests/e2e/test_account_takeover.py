"""The takeover of issue 7, item 1, tried in Chromium against the production build with real mail.

Someone who learnt a driver's password asks to move the account to their own address. The
driver is told at once on the current address and can cancel with « Ce n'était pas moi »; and
a password reset alone also stops the change: the thief's confirmation link no longer works.
"""

from __future__ import annotations

import secrets

from playwright.sync_api import expect

from tests.e2e.test_account_page import Holder, log_in, mailed_link, open_account_page, sign_up_and_activate

# A licence of the demo national file that no other test registers.
VICTIM = Holder("Lambert-Pseudo", "Gaëlle", "19/12/1981", "190607LP0404", "gaelle")
CANCEL_PATH = "/compte/annuler-changement-adresse"
CONFIRM_PATH = "/compte/confirmer-adresse"


def ask_for_the_thiefs_address(page, address: str, password: str, thief: str) -> None:
    log_in(page, address, password)
    open_account_page(page)
    page.get_by_label("Nouvelle adresse électronique").fill(thief)
    page.get_by_label("Mot de passe actuel").first.fill(password)
    page.get_by_role("button", name="Changer d'adresse").click()
    expect(page.get_by_text("Un courriel de confirmation vient d'être envoyé")).to_be_visible()


def reset_password(page, portal, address: str, new_password: str) -> str:
    """« Mot de passe oublié » from the mailbox: returns the new password."""
    portal.mailbox.messages.clear()
    page.goto("/mot-de-passe/oublie")
    page.get_by_label("Adresse électronique").fill(address)
    page.get_by_role("button", name="Recevoir le lien").click()
    expect(page.get_by_text("Si un compte existe pour cette adresse")).to_be_visible()
    page.goto(mailed_link(portal, address, "Choisissez un nouveau mot de passe", "/mot-de-passe/nouveau"))
    page.get_by_label("Nouveau mot de passe", exact=True).fill(new_password)
    page.get_by_label("Confirmation du mot de passe").fill(new_password)
    page.get_by_role("button", name="Enregistrer le nouveau mot de passe").click()
    page.wait_for_url("**/connexion**")
    return new_password


def test_a_thief_with_the_password_cannot_take_the_account_by_changing_its_address(browser, page, portal):
    address, password = sign_up_and_activate(page, portal, VICTIM)
    thief_context = browser.new_context(base_url=portal.url, locale="fr-FR")
    thief_context.set_default_timeout(20_000)
    thief = thief_context.new_page()
    thief_address = f"voleur.{secrets.token_hex(4)}@exemple.net"

    # 1. The thief asks; the current address is told at once, with « Ce n'était pas moi ».
    ask_for_the_thiefs_address(thief, address, password, thief_address)
    cancel_link = mailed_link(portal, address, "Demande de changement", CANCEL_PATH)
    confirm_link = mailed_link(portal, thief_address, "Confirmez", CONFIRM_PATH)
    notice = portal.mailbox.wait_for(address, "Demande de changement")
    assert thief_address not in notice.get_body(preferencelist=("plain",)).get_content()

    # The driver follows it: the change is cancelled, every session ends, « mot de passe oublié » opens.
    page.goto(cancel_link)
    # Opening the link changes nothing (mail scanners open links): a button does.
    thief.goto("/compte")
    expect(thief.get_by_text(address)).to_be_visible()
    page.get_by_role("button", name="Annuler le changement et protéger mon compte").click()
    page.wait_for_url("**/mot-de-passe/oublie**")
    expect(page.get_by_role("main").get_by_role("status").first).to_contain_text(
        "Le changement d'adresse électronique est annulé"
    )
    thief.goto("/compte")
    thief.wait_for_url("**/connexion**")
    thief.goto(confirm_link)
    expect(thief.get_by_role("alert")).to_contain_text("Ce lien n'est pas valable ou a déjà été utilisé.")

    # The undo also ended the password the thief knows: the driver chooses a new one.
    thief.goto("/connexion")
    thief.get_by_label("Adresse électronique").fill(address)
    thief.get_by_label("Mot de passe").fill(password)
    thief.get_by_role("button", name="Se connecter").click()
    expect(thief.get_by_role("alert")).to_have_text("Adresse électronique ou mot de passe incorrect.")
    password = reset_password(page, portal, address, f"Lagune-Brisant-{secrets.token_hex(3)}-Oyat")

    # 2. The thief learns the new password too and tries again; a reset alone kills his link.
    portal.mailbox.messages.clear()
    ask_for_the_thiefs_address(thief, address, password, thief_address)
    second_confirm_link = mailed_link(portal, thief_address, "Confirmez", CONFIRM_PATH)
    new_password = reset_password(page, portal, address, f"Girouette-Falaise-{secrets.token_hex(3)}-Ajonc")

    thief.goto(second_confirm_link)
    expect(thief.get_by_role("alert")).to_contain_text("Ce lien n'est pas valable ou a déjà été utilisé.")
    log_in(page, address, new_password)
    open_account_page(page)
    expect(page.get_by_text(address)).to_be_visible()
    thief_context.close()
