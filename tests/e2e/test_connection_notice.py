"""While a page's event socket cannot reach the portal it says so in French, and only then
(components/connection_notice.py replaces Reflex's English toast « Cannot connect to server »).

The network is cut in Chromium itself (`context.set_offline`): the open socket drops and every new
attempt fails as it does when the portal is out of reach; `make faults` stops the real back end."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from mespoints import styles
from mespoints.components.connection_notice import (
    LOST_TITLE,
    RESTORED,
    RESTORED_SAID_FOR_MS,
    TOO_LONG_LINK,
    TOO_LONG_TITLE,
)
from mespoints.services.demo import DEMO_ACCOUNTS
from tests.e2e.test_accessibility import CONTRAST_JS
from tests.e2e.test_design import assert_fits, new_tab, rgb

ACCOUNT = DEMO_ACCOUNTS[0]
# What Reflex's own overlay said (toast, icon title, hydration error), or any English about it.
ENGLISH = re.compile(r"cannot connect|server|connection error|reachable|backend|hydration|reload", re.I)
# Reflex retries every 0.2 to 2 s: the notice comes and goes within a few seconds.
NOTICE_MS = 15_000


def english_shown(tab) -> list[str]:
    """English about the connection in the page's text, or in a title a pointer would show."""
    texts = [
        tab.locator("body").inner_text(),
        *tab.locator("[title]").evaluate_all("els => els.map(e => e.title)"),
    ]
    return [text for text in texts if ENGLISH.search(text)]


def visible_band(tab):
    return tab.locator("[data-connexion='perdue']")


def test_a_lost_connection_shows_the_french_notice_until_it_returns_and_keeps_what_was_typed(browser, portal):
    context, tab = new_tab(browser, portal, width=320)
    try:
        tab.goto("/connexion")
        region = tab.get_by_test_id("etat-connexion")
        expect(region).to_have_attribute("role", "status")
        expect(region).to_have_attribute("aria-live", "polite")
        tab.get_by_label("Adresse électronique").fill(ACCOUNT.email)
        tab.wait_for_load_state("networkidle")
        # Connected: the live region is there (so screen readers follow it), empty and flat.
        expect(region).to_have_text("")
        assert region.bounding_box()["height"] == 0

        context.set_offline(True)
        expect(region).to_contain_text(LOST_TITLE, timeout=NOTICE_MS)
        expect(region).to_contain_text("Vos saisies sont conservées")
        assert english_shown(tab) == []
        expect(tab.locator("[data-sonner-toast]")).to_have_count(0)

        # At the top of a 320 px page, the page pushed below it: nothing covered, nothing wider.
        band = visible_band(tab).bounding_box()
        header = tab.get_by_role("banner").bounding_box()
        assert band["y"] == 0 and band["width"] == 320
        assert header["y"] >= band["y"] + band["height"]
        assert_fits(tab, "/connexion, connection lost", 320)
        assert tab.evaluate(CONTRAST_JS) == []
        # Sticky: still in view once the page is scrolled down to the button.
        tab.get_by_role("button", name="Se connecter").scroll_into_view_if_needed()
        assert tab.evaluate("window.scrollY") > 0
        assert visible_band(tab).bounding_box()["y"] == 0
        # A field the keyboard reaches under the band is scrolled clear of it.
        password = tab.get_by_label("Mot de passe")
        password.evaluate("el => window.scrollBy(0, el.getBoundingClientRect().top - 30)")
        assert password.bounding_box()["y"] < band["height"]
        password.focus()
        assert password.bounding_box()["y"] >= band["height"]
        # The dark scheme's tokens, readable.
        tab.emulate_media(color_scheme="dark")
        background = visible_band(tab).evaluate("el => getComputedStyle(el).backgroundColor")
        assert background == rgb(styles.DARK.warning_soft)
        assert tab.evaluate(CONTRAST_JS) == []
        tab.emulate_media(color_scheme="light")

        # Typed while the connection is lost; sent once it is back.
        tab.get_by_label("Mot de passe").fill(ACCOUNT.password)
        context.set_offline(False)
        expect(region).not_to_contain_text(LOST_TITLE, timeout=NOTICE_MS)
        assert visible_band(tab).count() == 0
        # Screen readers hear that it is back, then the region is empty again.
        expect(region).to_have_text(RESTORED)
        expect(region).to_have_text("", timeout=RESTORED_SAID_FOR_MS + NOTICE_MS)
        expect(tab.get_by_label("Adresse électronique")).to_have_value(ACCOUNT.email)
        tab.get_by_role("button", name="Se connecter").click()
        tab.wait_for_url("**/tableau-de-bord**")
        expect(tab.get_by_test_id("solde")).to_have_text("8")
    finally:
        context.close()


def test_a_button_pressed_while_the_connection_is_lost_takes_effect_when_it_returns(browser, portal):
    context, tab = new_tab(browser, portal, width=1024)
    try:
        tab.goto("/connexion")
        tab.get_by_label("Adresse électronique").fill(ACCOUNT.email)
        tab.wait_for_load_state("networkidle")
        context.set_offline(True)
        expect(tab.get_by_test_id("etat-connexion")).to_contain_text(LOST_TITLE, timeout=NOTICE_MS)
        tab.get_by_label("Mot de passe").fill(ACCOUNT.password)
        tab.get_by_role("button", name="Se connecter").click()
        tab.wait_for_timeout(1000)
        assert "/connexion" in tab.url
        context.set_offline(False)
        tab.wait_for_url("**/tableau-de-bord**", timeout=NOTICE_MS)
        expect(tab.get_by_test_id("solde")).to_have_text("8")
    finally:
        context.close()


def test_an_address_too_long_to_open_the_connection_says_so_in_french_and_leads_home(browser, portal):
    # Reflex refuses to send a connection's first message over the server's limit (64 KiB): the page
    # address goes in it twice. Granian still serves the page itself at this length.
    context, tab = new_tab(browser, portal, width=320)
    try:
        tab.goto("/verifier?code=" + "A" * 40_000)
        region = tab.get_by_test_id("etat-connexion")
        expect(region).to_contain_text(TOO_LONG_TITLE, timeout=NOTICE_MS)
        expect(region).not_to_contain_text(LOST_TITLE)
        assert english_shown(tab) == []
        tab.get_by_role("link", name=TOO_LONG_LINK).click()
        tab.wait_for_url(re.compile(r"/$"))
        expect(tab.get_by_role("heading", level=1)).to_be_visible()
        tab.wait_for_load_state("networkidle")
        expect(region).to_have_text("")
    finally:
        context.close()
