"""The whole sign-up, activation and login with the keyboard alone, in Chromium.

Only `page.keyboard` acts on the pages (Tab, Shift+Tab, Enter, Space, arrows, typing): no click,
no `fill`. Opening the mailed activation link is the one `goto`, as a mail client would. At each
step the test checks where the focus is, that a focused control shows a focus indicator, that
errors are announced (role=alert, aria-invalid, aria-describedby, focus on the first invalid field),
and that every page and wizard step has its own title.
"""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import expect

from mespoints.components.layout import SERVICE_NAME

# A licence of the demo national file that no other test registers (old three-part format).
HOLDER = {
    "last_name": "Démo-Exemple",
    "first_names": "Camille",
    "birth_date": "03/11/1992",
    "number": "110392 DE 0001",
}

# What the focused element is, in words a failure message can show.
DESCRIBE_JS = """el => el === document.body ? 'BODY' : `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}
  «${(el.innerText || el.value || '').trim().slice(0, 60)}»`"""

# A focus indicator: an outline or a box-shadow that is drawn.
FOCUS_RING_JS = """el => {
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  return {outline, shadow, description: `${style.outlineStyle} ${style.outlineWidth} / ${style.boxShadow}`};
}"""


class Keyboard:
    """The keyboard user: presses keys, and checks where the focus lands after each one."""

    def __init__(self, page) -> None:
        self.page = page
        self.titles: list[str] = []

    def focused(self) -> str:
        return self.page.evaluate(f"({DESCRIBE_JS})(document.activeElement)")

    def press(self, key: str, *, lands_on=None, times: int = 1) -> None:
        """Presses `key`; `lands_on` is a locator the focus must then be on (with a visible ring)."""
        for _ in range(times):
            self.page.keyboard.press(key)
        if lands_on is not None:
            expect(lands_on).to_be_focused()
            self.assert_focus_is_visible()

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def assert_focus_is_visible(self) -> None:
        ring = self.page.evaluate(f"({FOCUS_RING_JS})(document.activeElement)")
        assert ring["outline"] or ring["shadow"], (
            f"no visible focus on {self.focused()}: {ring['description']}"
        )

    def title_is(self, expected: str, *, new_page: bool = True) -> None:
        """The page's title; each new page or step (`new_page`) is recorded, to be told apart."""
        expect(self.page).to_have_title(f"{expected} – {SERVICE_NAME}")
        if new_page:
            self.titles.append(self.page.title())


def assert_announced_error(page, field_id: str, text: str) -> None:
    """The field is invalid, focused, and described by its error, which is an alert."""
    field = page.locator(f"#{field_id}")
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    assert f"{field_id}-erreur" in (field.get_attribute("aria-describedby") or "").split()
    error = page.locator(f"#{field_id}-erreur")
    expect(error).to_have_attribute("role", "alert")
    expect(error).to_contain_text(text)


def test_a_keyboard_user_signs_up_activates_the_account_and_logs_in(page, portal):
    keys = Keyboard(page)
    address = f"camille.{secrets.token_hex(4)}@exemple.fr"
    password = f"Moulin-Hibou-{secrets.token_hex(3)}-Rivière"
    step = page.locator("#etape-titre")

    page.goto("/inscription")
    expect(page.locator("#nom")).to_be_visible()
    keys.title_is("Étape 1 sur 6 : Identité – Créer un compte")

    # The first Tab reaches the skip link, which sends the focus to the content.
    keys.press("Tab", lands_on=page.get_by_role("link", name="Aller au contenu"))
    keys.press("Enter", lands_on=None)
    expect(page.locator("main")).to_be_focused()
    keys.press("Tab", lands_on=page.get_by_role("button", name="S'identifier avec FranceConnect"))
    keys.press("Tab", lands_on=page.get_by_role("link", name="Qu'est-ce que FranceConnect ?"))
    keys.press("Tab", lands_on=page.get_by_label("Nom", exact=True))

    # Step 1, with a field left empty: the error is announced and the focus goes to that field.
    keys.type(HOLDER["last_name"])
    keys.press("Tab", lands_on=page.get_by_label("Prénom(s)"))
    keys.press("Tab", lands_on=page.get_by_label("Date de naissance"))
    keys.type(HOLDER["birth_date"])
    keys.press("Tab", lands_on=page.get_by_role("button", name="Suivant"))
    keys.press("Enter")
    assert_announced_error(page, "prenoms", "prénom")
    keys.assert_focus_is_visible()
    keys.title_is("Étape 1 sur 6 : Identité – Créer un compte", new_page=False)
    # Shift+Tab goes back to the name, still as typed; then the correction.
    keys.press("Shift+Tab", lands_on=page.get_by_label("Nom", exact=True))
    expect(page.get_by_label("Nom", exact=True)).to_have_value(HOLDER["last_name"])
    keys.press("Tab", lands_on=page.get_by_label("Prénom(s)"))
    keys.type(HOLDER["first_names"])
    keys.press("Enter")  # Enter in a field sends the step

    # Step 2: the focus moves to the new step's title, which names it; the page title follows.
    expect(step).to_be_focused()
    expect(step).to_contain_text("Étape 2 sur 6")
    keys.title_is("Étape 2 sur 6 : Adresse électronique – Créer un compte")
    expect(page.get_by_label("Prénom(s)")).to_have_count(0)
    keys.press("Tab", lands_on=page.get_by_label("Adresse électronique"))
    keys.type(address)
    keys.press("Enter")

    # Step 3: the password twice, then « Suivant » with Space.
    expect(step).to_be_focused()
    keys.title_is("Étape 3 sur 6 : Mot de passe – Créer un compte")
    keys.press("Tab", lands_on=page.get_by_label("Mot de passe", exact=True))
    keys.type(password)
    keys.press("Tab", lands_on=page.get_by_label("Confirmation du mot de passe"))
    keys.type(password)
    keys.press("Tab", lands_on=page.get_by_role("button", name="Afficher les mots de passe"))
    keys.press("Tab", lands_on=page.get_by_role("button", name="Précédent"))
    keys.press("Tab", lands_on=page.get_by_role("button", name="Suivant"))
    keys.press("Space")

    # Step 4: a radio group, chosen with the arrow keys.
    expect(step).to_be_focused()
    keys.title_is("Étape 4 sur 6 : Format du permis – Créer un compte")
    card = page.get_by_label("Format européen (carte de crédit)")
    three_part = page.get_by_label("Format 3 volets (cartonné)")
    keys.press("Tab", lands_on=card)
    keys.press("ArrowDown", lands_on=three_part)
    expect(three_part).to_be_checked()
    expect(card).not_to_be_checked()
    keys.press("Tab", lands_on=page.get_by_role("button", name="Précédent"))
    keys.press("Tab", lands_on=page.get_by_role("button", name="Suivant"))
    keys.press("Enter")

    # Step 5: the licence number.
    expect(step).to_be_focused()
    keys.title_is("Étape 5 sur 6 : Numéro de permis – Créer un compte")
    keys.press("Tab", lands_on=page.get_by_label("Numéro de permis"))
    keys.type(HOLDER["number"])
    keys.press("Enter")

    # Step 6: the terms' link opens a new tab (not followed), the box is ticked with Space.
    expect(step).to_be_focused()
    keys.title_is("Étape 6 sur 6 : Conditions générales – Créer un compte")
    keys.press("Tab", lands_on=page.get_by_role("link", name=re.compile("conditions générales")))
    terms = page.get_by_label("J'accepte ces conditions générales d'utilisation")
    keys.press("Tab", lands_on=terms)
    keys.press("Space")
    expect(terms).to_be_checked()
    keys.press("Tab", lands_on=page.get_by_role("button", name="Précédent"))
    keys.press("Tab", lands_on=page.get_by_role("button", name="Créer mon compte"))
    keys.press("Enter")

    expect(page.get_by_role("heading", level=1, name="Vérifiez votre messagerie")).to_be_visible()
    keys.title_is("Vérifiez votre messagerie")
    # A new page: the next Tab starts from its top, at the skip link.
    keys.press("Tab", lands_on=page.get_by_role("link", name="Aller au contenu"))

    # The mailed link, opened as from a mail client; then on to the login page with Enter.
    message = portal.mailbox.wait_for(address, "Activez votre compte")
    link = re.search(r"https?://\S+/activation\?jeton=[\w\-]+", message.get_body(("plain",)).get_content())
    assert link, "the activation mail holds its link"
    page.goto(link.group(0))
    expect(page.get_by_text("Votre compte est activé.")).to_be_visible()
    keys.title_is("Activation du compte")
    keys.press("Tab", lands_on=page.get_by_role("link", name="Aller au contenu"))
    keys.press("Enter")
    keys.press("Tab", lands_on=page.get_by_role("main").get_by_role("link", name="Se connecter"))
    keys.press("Enter")

    # Login: a wrong password first (announced, focus back on the field), then the right one.
    page.wait_for_url(re.compile(r"/connexion/?\?info=active"))
    keys.title_is("Se connecter")
    email = page.get_by_label("Adresse électronique")
    keys.press("Tab", lands_on=page.get_by_role("link", name="Aller au contenu"))
    keys.press("Enter")
    keys.press("Tab", lands_on=email)
    keys.type(address)
    keys.press("Tab", lands_on=page.get_by_label("Mot de passe"))
    keys.type(password + "x")
    keys.press("Enter")
    expect(page.get_by_role("alert").filter(has_text="incorrect")).to_be_visible()
    expect(page.get_by_label("Mot de passe")).to_be_focused()
    keys.assert_focus_is_visible()
    keys.press("Control+a")
    keys.type(password)
    keys.press("Enter")

    page.wait_for_url("**/tableau-de-bord**")
    expect(page.get_by_test_id("solde")).to_be_visible()
    keys.title_is("Mon tableau de bord")
    keys.press("Tab", lands_on=page.get_by_role("link", name="Aller au contenu"))

    assert len(keys.titles) == 10 and len(set(keys.titles)) == 10, keys.titles


def test_the_focus_check_fails_on_a_control_without_a_visible_focus(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_content(
        '<html lang="fr"><body><button id="ok" style="outline: 3px solid #000">Avec</button>'
        '<button id="ko" style="outline: none; box-shadow: none">Sans</button></body></html>'
    )
    keys = Keyboard(page)
    keys.press("Tab", lands_on=page.locator("#ok"))
    with pytest.raises(AssertionError, match="no visible focus on button#ko"):
        keys.press("Tab", lands_on=page.locator("#ko"))
    context.close()
