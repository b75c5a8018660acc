"""The designers' gallery in a browser: every section renders with the real components, and the
production build users get answers « page introuvable » for it."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import expect

from mespoints import routes, styles
from mespoints.components.connection_notice import LOST_TITLE, TOO_LONG_TITLE
from mespoints.pages.gallery import GAUGE_BALANCES, SECTIONS
from tests.e2e.conftest import Portal, running_portal
from tests.e2e.test_design import rgb
from tests.e2e.test_dev_loop import DevServer, dev_server  # noqa: F401 (the `make dev` fixture)

IMAGES_LOADED_JS = """() => [...document.querySelectorAll('[data-galerie="permis"] img')]
  .map(img => img.complete && img.naturalWidth > 0)"""


@pytest.fixture(scope="module")
def gallery_portal(tmp_path_factory, smtp_server) -> Iterator[Portal]:
    """The production build with MESPOINTS_GALLERY=1, as `make screenshots` starts it."""
    with running_portal(
        tmp_path_factory.mktemp("gallery"), smtp_server, "gallery", MESPOINTS_GALLERY="1"
    ) as started:
        yield started


def test_the_gallery_shows_each_section_with_the_real_components(browser, gallery_portal):
    context = browser.new_context(
        base_url=gallery_portal.url, locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(20_000)
    tab = context.new_page()
    try:
        tab.goto(routes.GALLERY)
        expect(tab.get_by_role("heading", level=1)).to_have_text("Atelier des composants")
        for name in SECTIONS:
            part = tab.locator(f'[data-galerie="{name}"]')
            expect(part).to_be_visible()
            expect(part.get_by_role("heading", level=2)).to_have_count(1)
        # The gauge at each balance, then twice more under the light and dark modes.
        balances = tab.locator('[data-galerie="jauge"] [data-testid="solde"]')
        expect(balances).to_have_text([str(balance) for balance in GAUGE_BALANCES])
        expect(tab.locator('[data-galerie="clair-sombre"] [data-testid="solde"]')).to_have_count(2)
        # The stepper at each step: « Étape N sur 6 », the last one without a next step.
        steps = tab.locator('[data-galerie="etapes"]')
        for number in range(1, 7):
            expect(steps.get_by_text(f"Étape {number} sur 6", exact=True)).to_be_visible()
        expect(steps.get_by_text("Dernière étape")).to_have_count(1)
        # Both licence illustrations, loaded, with their radio buttons and labels.
        expect(tab.get_by_label("Format européen (carte de crédit)")).to_be_visible()
        expect(tab.get_by_label("Format 3 volets (cartonné)")).to_be_visible()
        tab.locator('[data-galerie="permis"] img').last.scroll_into_view_if_needed()
        tab.wait_for_function(f"() => ({IMAGES_LOADED_JS})().every(Boolean)")
        assert tab.evaluate(IMAGES_LOADED_JS) == [True, True]
        # Fields in each state: the error is tied to its field, the disabled one is disabled.
        expect(tab.get_by_label("Adresse électronique").first).to_have_attribute("aria-invalid", "true")
        expect(tab.locator("#galerie-desactive")).to_be_disabled()
        expect(tab.locator("#galerie-rempli")).to_have_value("Julie Anne")
        # The submit buttons being sent: their busy text, aria-disabled rather than disabled.
        for name in ("Connexion en cours…", "Fermeture en cours…"):
            busy = tab.locator('[data-galerie="boutons"]').get_by_role("button", name=name, exact=True)
            expect(busy).to_have_attribute("aria-disabled", "true")
            expect(busy).not_to_have_attribute("disabled", re.compile(".*"))
        # Alerts of the four kinds, tables with their sample rows, the chart's lines.
        for text in ("incorrect", "a été modifié", "vient de vous être envoyé", "Votre solde est bas"):
            expect(tab.locator('[data-galerie="alertes"]').get_by_text(text)).to_be_visible()
        expect(
            tab.get_by_role("table", name="Retraits et récupérations de points").locator("tbody tr")
        ).to_have_count(2)
        assert tab.locator('[data-galerie="graphique"] svg path').count() >= 5
        # The notice of a lost connection: light, dark, phone-wide, and the address too long.
        connection = tab.locator('[data-galerie="connexion"]')
        expect(connection.get_by_text(LOST_TITLE)).to_have_count(3)
        expect(connection.get_by_text(TOO_LONG_TITLE)).to_have_count(1)
        dark = connection.locator(".dark").get_by_text(LOST_TITLE)
        background = dark.evaluate("el => getComputedStyle(el.closest('div')).backgroundColor")
        assert background == rgb(styles.DARK.warning_soft)
    finally:
        context.close()


def test_the_production_build_users_get_has_no_gallery(page, portal):
    # The page is not in the build: the server's not-found page, never the gallery.
    answer = httpx.get(f"{portal.url}{routes.GALLERY}", timeout=10)
    assert answer.status_code == 404
    assert "Atelier des composants" not in answer.text
    page.goto(routes.GALLERY)
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("Atelier des composants")).to_have_count(0)


def test_make_dev_serves_the_gallery(browser, dev_server: DevServer):  # noqa: F811 (the imported fixture)
    context = browser.new_context(base_url=dev_server.url, locale="fr-FR")
    context.set_default_timeout(60_000)
    tab = context.new_page()
    try:
        tab.goto(routes.GALLERY)
        expect(tab.get_by_role("heading", level=1)).to_have_text("Atelier des composants")
        expect(tab.locator('[data-galerie="jauge"] [data-testid="solde"]')).to_have_count(len(GAUGE_BALANCES))
    finally:
        context.close()
