"""Keyboard, labels, focus, headings, contrast and 320 px reflow (WCAG 2.1 AA), in Chromium.

Runs against the production build (the `portal` fixture). Checks what a keyboard user, a
screen-reader user and a phone user meet first: the skip link, the wizard and login forms, the
focus ring, and pages that fit a 320 px screen without sideways scrolling.
"""

from __future__ import annotations

import itertools
import secrets

import pytest
from playwright.sync_api import expect

from mespoints.services.demo import DEMO_ACCOUNTS
from tests.e2e.conftest import phone_context

PUBLIC_PAGES = [
    "/",
    "/connexion",
    "/inscription",
    "/mot-de-passe/oublie",
    "/mot-de-passe/nouveau?jeton=inconnu",
    "/activation?jeton=inconnu",
    "/activation/nouveau-lien",
    "/mentions-legales",
    "/accessibilite",
    "/donnees-personnelles",
    "/conditions-generales",
    "/comprendre-le-calcul",
    "/deconnexion",
    "/verifier",
    "/verifier?code=pas-un-code",
    "/compte/confirmer-adresse?jeton=inconnu",
    "/compte/annuler-changement-adresse?jeton=inconnu",
    "/franceconnect/erreur?motif=annulee",
]
# Each private page, with a text that shows its data has arrived.
PRIVATE_PAGES = {
    "/tableau-de-bord": "Historique",
    "/tableau-de-bord/historique": "Historique de mes points",
    "/tableau-de-bord/previsionnel": "Mon calendrier prévisionnel",
    "/tableau-de-bord/courriers": "Mes courriers",
    "/documents": "Attestation de droits à conduire",
    "/notifications": "Mes notifications",
    "/compte": "Vos informations",
}

# A licence of the demo national file with no account; only checked here, never registered.
HOLDER = {
    "last_name": "Bertrand-Simulé",
    "first_names": "François-Xavier",
    "birth_date": "30/01/1979",
    "number": "971204BS0033",
}

# interfaces.md section 6: the exact label of every field, step by step.
WIZARD_LABELS = {
    1: {"Nom", "Prénom(s)", "Date de naissance"},
    2: {"Adresse électronique"},
    3: {"Mot de passe", "Confirmation du mot de passe"},
    4: {"Format européen (carte de crédit)", "Format 3 volets (cartonné)"},
    5: {"Numéro de permis"},
    6: {"J'accepte ces conditions générales d'utilisation"},
}

# Every visible form control, with the text of its label (<label for> or aria-labelledby).
FIELD_LABELS_JS = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden')
  .map(el => {
    const byFor = [...(el.labels || [])].map(l => l.textContent.trim()).filter(Boolean);
    const byIds = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
      .map(id => (document.getElementById(id)?.textContent || '').trim()).filter(Boolean);
    return {id: el.id || el.name, labels: byFor.concat(byIds)};
  })"""

HEADING_LEVELS_JS = """() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
  .filter(h => h.getClientRects().length > 0)
  .map(h => Number(h.tagName[1]))"""

# Text colour against the first opaque background behind it; 3:1 for large text (WCAG 1.4.3).
CONTRAST_JS = """() => {
  const parse = c => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const channel = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const lum = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const background = el => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0.99) return c;
    }
    return [255, 255, 255, 1];
  };
  const problems = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    const text = node.textContent.trim().slice(0, 40);
    if (!text || !el) continue;
    const style = getComputedStyle(el);
    if (!el.getClientRects().length || style.visibility === 'hidden') continue;
    const rect = el.getBoundingClientRect();
    if (rect.right < 0 || rect.width <= 1) continue;  // the skip link off screen, visually hidden captions
    const fg = parse(style.color);
    if (!fg) { problems.push(`unreadable colour ${style.color}: ${text}`); continue; }
    const bg = background(el);
    const mixed = fg.slice(0, 3).map((v, i) => v * fg[3] + bg[i] * (1 - fg[3]));
    const [a, b] = [lum(mixed), lum(bg)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    const size = parseFloat(style.fontSize);
    const needed = size >= 24 || (Number(style.fontWeight) >= 700 && size >= 18.66) ? 3 : 4.5;
    if (ratio < needed) problems.push(`${ratio.toFixed(2)} < ${needed}: ${text}`);
  }
  return problems;
}"""


def log_in(page, account) -> None:
    page.goto("/connexion")
    page.get_by_label("Adresse électronique").fill(account.email)
    page.get_by_label("Mot de passe").fill(account.password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/tableau-de-bord**")


def tab_until(page, condition_js: str, limit: int = 40) -> None:
    """Presses Tab until the focused element satisfies `condition_js` (a function of the element)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(({condition_js}))(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached an element matching {condition_js}")


def focused(page, expression: str):
    return page.evaluate(f"(el => {expression})(document.activeElement)")


def assert_every_field_is_labelled(page) -> list[str]:
    fields = page.evaluate(FIELD_LABELS_JS)
    assert fields, "the page has form fields"
    unlabelled = [field["id"] for field in fields if not field["labels"]]
    assert not unlabelled, f"fields without a label: {unlabelled}"
    return [label for field in fields for label in field["labels"]]


def test_the_page_is_french_and_the_first_tab_reaches_the_skip_link_which_moves_focus_to_the_content(page):
    page.goto("/connexion")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_label("Adresse électronique")).to_be_visible()
    menu = page.get_by_role("navigation", name="Navigation principale")
    expect(menu.get_by_role("link", name="Se connecter")).to_have_attribute("aria-current", "page")
    expect(menu.get_by_role("link", name="Créer un compte")).not_to_have_attribute("aria-current", "page")
    page.keyboard.press("Tab")
    assert focused(page, "el.textContent") == "Aller au contenu"
    box = page.evaluate("document.activeElement.getBoundingClientRect().toJSON()")
    assert box["left"] >= 0 and box["top"] >= 0, "the skip link shows itself when focused"
    page.keyboard.press("Enter")
    assert focused(page, "el.tagName + '#' + el.id") == "MAIN#contenu"
    assert page.url.endswith("/connexion") or page.url.endswith("/connexion/"), "no navigation, no reload"
    page.keyboard.press("Tab")
    assert focused(page, "el.id") == "email", "the next Tab goes to the first field of the content"


def test_links_buttons_and_fields_show_a_visible_focus_ring_to_keyboard_users(page):
    page.goto("/connexion")
    expect(page.get_by_label("Adresse électronique")).to_be_visible()
    seen = {}
    for kind, condition in {
        "link": "el => el.tagName === 'A' && el.closest('header')",
        "field": "el => el.id === 'email'",
        "button": "el => el.tagName === 'BUTTON' && el.innerText === 'Se connecter'",
    }.items():
        tab_until(page, condition)
        seen[kind] = focused(
            page, "[getComputedStyle(el).outlineStyle, parseFloat(getComputedStyle(el).outlineWidth)]"
        )
    for kind, (style, width) in seen.items():
        assert style != "none" and width >= 2, (
            f"the focused {kind} has no visible outline ({style} {width}px)"
        )


def test_the_wizard_goes_from_step_one_to_two_with_the_keyboard_alone(page):
    page.goto("/inscription")
    expect(page.get_by_text("Étape 1 sur 6")).to_be_visible()
    tab_until(page, "el => el.id === 'nom'")
    page.keyboard.type(HOLDER["last_name"])
    page.keyboard.press("Tab")
    assert focused(page, "el.id") == "prenoms"
    # « Suivant » pressed with Space while a field is empty: the focus goes to that field.
    tab_until(page, "el => el.tagName === 'BUTTON' && el.textContent === 'Suivant'")
    page.keyboard.press("Space")
    expect(page.get_by_label("Prénom(s)")).to_be_focused()
    expect(page.get_by_label("Prénom(s)")).to_have_attribute("aria-invalid", "true")
    page.keyboard.type(HOLDER["first_names"])
    page.keyboard.press("Tab")
    page.keyboard.type(HOLDER["birth_date"])
    tab_until(page, "el => el.tagName === 'BUTTON' && el.textContent === 'Suivant'")
    page.keyboard.press("Space")
    # The focus moves to the new step's title, which names the step and its number.
    title = page.locator("#etape-titre")
    expect(title).to_be_focused()
    expect(title).to_contain_text("Étape 2 sur 6")
    expect(title).to_contain_text("Adresse électronique")
    # Enter in the field submits the step; a wrong address sends the focus back to the field.
    page.keyboard.press("Tab")
    assert focused(page, "el.id") == "email"
    page.keyboard.type("pas-une-adresse")
    page.keyboard.press("Enter")
    email = page.get_by_label("Adresse électronique")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_be_focused()
    assert "email-erreur" in (email.get_attribute("aria-describedby") or "")
    expect(page.locator("#email-erreur")).not_to_be_empty()


def test_every_field_of_the_login_and_wizard_pages_has_its_label(page):
    page.goto("/connexion")
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible()
    assert set(assert_every_field_is_labelled(page)) == {"Adresse électronique", "Mot de passe"}
    page.goto("/mot-de-passe/oublie")
    expect(page.get_by_role("button", name="Recevoir le lien")).to_be_visible()
    assert_every_field_is_labelled(page)

    page.goto("/inscription")
    answers = {
        1: lambda: (
            page.get_by_label("Nom", exact=True).fill(HOLDER["last_name"]),
            page.get_by_label("Prénom(s)").fill(HOLDER["first_names"]),
            page.get_by_label("Date de naissance").fill(HOLDER["birth_date"]),
        ),
        2: lambda: page.get_by_label("Adresse électronique").fill(
            f"labels.{secrets.token_hex(4)}@exemple.fr"
        ),
        3: lambda: (
            page.get_by_label("Mot de passe", exact=True).fill("Lanterne-Moineau-Falaise-31"),
            page.get_by_label("Confirmation du mot de passe").fill("Lanterne-Moineau-Falaise-31"),
        ),
        4: lambda: page.get_by_label("Format 3 volets (cartonné)").check(),
        5: lambda: page.get_by_label("Numéro de permis").fill(HOLDER["number"]),
    }
    for step, expected in WIZARD_LABELS.items():
        expect(page.get_by_text(f"Étape {step} sur 6")).to_be_visible()
        assert set(assert_every_field_is_labelled(page)) == expected, f"step {step}"
        if step in answers:
            answers[step]()
            page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_role("button", name="Créer mon compte")).to_be_visible()


@pytest.mark.parametrize(
    "path", ["/", "/connexion", "/inscription", "/conditions-generales", "/comprendre-le-calcul"]
)
def test_text_has_at_least_the_aa_contrast_against_its_background(page, path):
    page.goto(path)
    page.wait_for_load_state("networkidle")
    if path == "/inscription":
        page.get_by_role("button", name="Suivant").click()  # errors and invalid fields shown too
        expect(page.locator("#nom-erreur")).not_to_be_empty()
    assert page.evaluate(CONTRAST_JS) == []


def test_main_pages_fit_a_320_pixel_screen_and_their_headings_go_down_one_level_at_a_time(browser, portal):
    context = phone_context(browser, portal)
    tab = context.new_page()
    problems = []

    def check(path: str) -> None:
        tab.wait_for_load_state("networkidle")
        expect(tab.get_by_role("heading", level=1)).to_have_count(1)
        width = tab.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            problems.append(f"{path}: {width}px wide")
        levels = tab.evaluate(HEADING_LEVELS_JS)
        if levels[0] != 1 or any(after > before + 1 for before, after in itertools.pairwise(levels)):
            problems.append(f"{path}: headings {levels}")

    for path in PUBLIC_PAGES:
        tab.goto(path)
        check(path)
    log_in(tab, DEMO_ACCOUNTS[1])
    for path, loaded in PRIVATE_PAGES.items():
        tab.goto(path)
        expect(tab.get_by_role("heading", name=loaded)).to_be_visible()
        check(path)
    context.close()
    assert problems == []
