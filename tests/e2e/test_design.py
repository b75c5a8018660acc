"""The design system in Chromium: dark mode, the theme switch, tables as lists on phones, 44 px touch
targets, the balance first (issue 11). Runs against the production build (the `portal` fixture)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from mespoints import styles
from mespoints.services.demo import DEMO_ACCOUNTS
from tests.e2e.test_accessibility import CONTRAST_JS, PRIVATE_PAGES, PUBLIC_PAGES

DEFINITIVE = DEMO_ACCOUNTS[0]

BODY_BACKGROUND_JS = "getComputedStyle(document.body).backgroundColor"


def rgb(colour: str) -> str:
    value = colour.lstrip("#")
    red, green, blue = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgb({red}, {green}, {blue})"


def new_tab(browser, portal, *, width: int, scheme: str = "light"):
    context = browser.new_context(
        base_url=portal.url,
        locale="fr-FR",
        viewport={"width": width, "height": 640 if width < 500 else 800},
        color_scheme=scheme,
    )
    context.set_default_timeout(20_000)
    return context, context.new_page()


def log_in(tab) -> None:
    tab.goto("/connexion")
    tab.get_by_label("Adresse électronique").fill(DEFINITIVE.email)
    tab.get_by_label("Mot de passe").fill(DEFINITIVE.password)
    tab.get_by_role("button", name="Se connecter").click()
    tab.wait_for_url("**/tableau-de-bord**")


def assert_fits(tab, path: str, width: int) -> None:
    scroll_width = tab.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{path} is {scroll_width}px wide at {width}px"


def assert_dark_readable_and_narrow(tab, path: str) -> None:
    assert tab.evaluate(BODY_BACKGROUND_JS) == rgb(styles.DARK.background), path
    # The rendered text against what is behind it, as test_accessibility checks the light mode.
    assert tab.evaluate(CONTRAST_JS) == [], path
    assert_fits(tab, path, 320)


def test_every_page_follows_a_dark_system_stays_readable_and_fits_320_pixels(browser, portal):
    context, tab = new_tab(browser, portal, width=320, scheme="dark")
    try:
        for path in PUBLIC_PAGES:
            tab.goto(path)
            expect(tab.get_by_role("heading", level=1).first).to_be_visible()
            assert_dark_readable_and_narrow(tab, path)
        log_in(tab)
        for path, marker in PRIVATE_PAGES.items():
            tab.goto(path)
            expect(tab.get_by_text(marker).first).to_be_visible()
            assert_dark_readable_and_narrow(tab, path)
    finally:
        context.close()


def test_the_theme_switch_is_remembered_across_reloads_and_can_follow_the_system_again(browser, portal):
    context, tab = new_tab(browser, portal, width=1024, scheme="light")
    try:
        tab.goto("/")
        switch = tab.get_by_role("group", name="Thème")
        expect(switch.get_by_role("button", name="Système")).to_have_attribute("aria-pressed", "true")
        assert tab.evaluate(BODY_BACKGROUND_JS) == rgb(styles.LIGHT.background)

        switch.get_by_role("button", name="Sombre").click()
        expect(tab.locator("html")).to_have_class(re.compile(r"\bdark\b"))
        expect(switch.get_by_role("button", name="Sombre")).to_have_attribute("aria-pressed", "true")
        expect(switch.get_by_role("button", name="Système")).to_have_attribute("aria-pressed", "false")
        assert tab.evaluate(BODY_BACKGROUND_JS) == rgb(styles.DARK.background)

        tab.reload()
        expect(tab.get_by_role("heading", level=1)).to_be_visible()
        assert tab.evaluate(BODY_BACKGROUND_JS) == rgb(styles.DARK.background)
        expect(tab.get_by_role("group", name="Thème").get_by_role("button", name="Sombre")).to_have_attribute(
            "aria-pressed", "true"
        )

        tab.get_by_role("group", name="Thème").get_by_role("button", name="Système").click()
        expect(tab.locator("html")).to_have_class(re.compile(r"\blight\b"))
        tab.emulate_media(color_scheme="dark")
        expect(tab.locator("html")).to_have_class(re.compile(r"\bdark\b"))
        tab.get_by_role("group", name="Thème").get_by_role("button", name="Clair").click()
        expect(tab.locator("html")).to_have_class(re.compile(r"\blight\b"))
        assert tab.evaluate(BODY_BACKGROUND_JS) == rgb(styles.LIGHT.background)
    finally:
        context.close()


TABLES = {
    "/tableau-de-bord/historique": (
        "^Retraits et récupérations de points",
        ["Motif", "Lieu", "Points", "Solde après"],
    ),
    "/tableau-de-bord/previsionnel": ("^Récupérations de points prévues", ["Règle", "Points", "Solde après"]),
    "/tableau-de-bord/courriers": ("^Courriers qui vous ont été adressés", ["Lettre", "Ce qu'elle signifie"]),
}

ROW_LAYOUT_JS = """(table) => [...table.querySelectorAll('tbody tr')].map(row => ({
  display: getComputedStyle(row).display,
  labels: [...row.querySelectorAll('td')].map(cell =>
    getComputedStyle(cell, '::before').content.replace(/^"|"\\s*\\/\\s*""$/g, '')),
  header: getComputedStyle(row.querySelector('th')).display,
}))"""


@pytest.mark.parametrize(("width", "as_list"), [(320, True), (375, True), (1024, False), (1440, False)])
def test_history_forecast_and_letters_are_lists_on_a_phone_and_tables_above(browser, portal, width, as_list):
    context, tab = new_tab(browser, portal, width=width)
    try:
        log_in(tab)
        for path, (caption, labels) in TABLES.items():
            tab.goto(path)
            # The table keeps its name and rows for screen readers at every width.
            table = tab.get_by_role("table", name=re.compile(caption))
            expect(table).to_be_visible()
            rows = table.evaluate(ROW_LAYOUT_JS)
            assert rows, path
            assert len(table.get_by_role("row").all()) == len(rows) + 1  # the column headers' row
            for row in rows:
                if as_list:
                    assert row["display"] == "block", (path, row)
                    assert row["labels"] == labels, (path, row)
                else:
                    assert row["display"] == "table-row", (path, row)
                    assert row["header"] == "table-cell", (path, row)
            assert_fits(tab, path, width)
            if width == 320:
                tab.screenshot(path=f"/tmp/mespoints-liste-{path.rsplit('/', 1)[-1]}.png", full_page=True)
    finally:
        context.close()


# Links in menus, buttons, tabs, form controls with their labels, the theme switch: 44 × 44 px at
# least (links inside a sentence are exempt, WCAG 2.5.5).
SMALL_TARGETS_JS = """() => [...document.querySelectorAll(
    'header a, nav a, footer a, button, input[type=checkbox], input[type=radio], select, '
    + 'input:not([type=hidden]), textarea')]
  .filter(el => el.getClientRects().length > 0 && !el.closest('[aria-hidden=true]'))
  .map(el => {
    const target = (el.type === 'checkbox' || el.type === 'radio') ? el.labels[0] : el;
    const box = target.getBoundingClientRect();
    return {text: (target.textContent || el.name || el.id).trim().slice(0, 50),
            width: Math.round(box.width), height: Math.round(box.height)};
  })
  .filter(box => box.height < 44 || box.width < 44)"""


def test_touch_targets_are_at_least_44_pixels_on_a_phone(browser, portal):
    context, tab = new_tab(browser, portal, width=320)
    try:
        found = {}
        for path in ("/", "/connexion", "/comprendre-le-calcul"):
            tab.goto(path)
            expect(tab.get_by_role("heading", level=1).first).to_be_visible()
            found[path] = tab.evaluate(SMALL_TARGETS_JS)
        tab.goto("/inscription")
        expect(tab.get_by_label("Nom", exact=True)).to_be_visible()
        found["/inscription"] = tab.evaluate(SMALL_TARGETS_JS)
        log_in(tab)
        for path, marker in PRIVATE_PAGES.items():
            tab.goto(path)
            expect(tab.get_by_text(marker).first).to_be_visible()
            found[path] = tab.evaluate(SMALL_TARGETS_JS)
        assert not any(found.values()), {path: boxes for path, boxes in found.items() if boxes}
    finally:
        context.close()


# The driver's five tabs (« Mon solde », « Historique », « Prévisionnel », « Courriers », « Mes documents »).
DRIVER_TABS = [
    "/tableau-de-bord",
    "/tableau-de-bord/historique",
    "/tableau-de-bord/previsionnel",
    "/tableau-de-bord/courriers",
    "/documents",
]


def test_the_balance_is_in_view_first_on_every_driver_tab_on_a_375_pixel_phone(browser, portal):
    context, tab = new_tab(browser, portal, width=375)
    try:
        log_in(tab)
        for path in DRIVER_TABS:
            tab.goto(path)
            balance = tab.get_by_test_id("solde")
            expect(balance).to_be_visible()
            # The demo account's balance, the same on every tab (one reader of the licence).
            expect(balance).to_have_text(re.compile(r"^\d+$"))
            texts = balance.all_inner_texts()
            box = balance.bounding_box()
            assert box is not None and box["y"] + box["height"] <= 640, (path, box)
            # The first section of the page's content is the balance card, above everything else.
            first_section = tab.locator("main section").first
            expect(first_section.get_by_test_id("solde")).to_be_visible()
            expect(first_section.get_by_role("heading", level=2)).to_have_text("Votre solde de points")
            if path == DRIVER_TABS[0]:
                first_balance = texts
            assert texts == first_balance, path
    finally:
        context.close()
