"""No link of the portal leads a browser to another site (issue 7, item 5), checked in Chromium.

Each value is read by a fresh browser context, so the « Réessayer » link only appears once the
page's own check has run; its `href` is the URL Chromium itself resolved.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import expect

from mespoints.services.demo import DEMO_ACCOUNTS

# As they appear in the address bar: escaped or not, once or twice.
HOSTILE_QUERIES = [
    "/%09/evil.example",
    "/%2509/evil.example",
    "/%0a/evil.example",
    "/%0D/evil.example",
    "/%00/evil.example",
    "%09//evil.example",
    "/%5C/evil.example",
    "/%5Cevil.example",
    "//evil.example",
    "/%2F%2Fevil.example",
    "/%252F%252Fevil.example",
    "https://evil.example/",
    "javascript:alert(document.domain)",
    "%20/%2F/evil.example",
    "/%E3%80%80/evil.example",
    "/%C2%A0//evil.example",
    "/tableau-de-bord@evil.example",
    "/auth/logout",
]


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def retry_href(browser, portal, retour: str) -> str:
    context = browser.new_context(base_url=portal.url, locale="fr-FR")
    try:
        tab = context.new_page()
        tab.goto(f"/service-indisponible?retour={retour}")
        link = tab.get_by_role("link", name="Réessayer")
        expect(link).to_be_visible()
        return link.evaluate("element => element.href")
    finally:
        context.close()


@pytest.mark.parametrize("retour", HOSTILE_QUERIES)
def test_retry_never_leaves_the_portal(browser, portal, retour):
    href = retry_href(browser, portal, retour)
    assert origin(href) == portal.url
    assert href == f"{portal.url}/", f"{retour!r} gave {href!r}"


# The production build serves pages as folders: the way back keeps their final "/".
@pytest.mark.parametrize("retour", ["/compte", "/compte/", "/tableau-de-bord/historique%3Fx%3D1"])
def test_retry_keeps_a_page_of_the_portal(browser, portal, retour):
    href = retry_href(browser, portal, retour)
    assert href == f"{portal.url}{retour.replace('%3F', '?').replace('%3D', '=')}"


@pytest.mark.parametrize(
    ("suite", "lands_on"),
    [
        ("/%09/evil.example", "/tableau-de-bord"),
        (quote("/\t/evil.example", safe=""), "/tableau-de-bord"),
        ("//evil.example", "/tableau-de-bord"),
        ("/%5C/evil.example", "/tableau-de-bord"),
        ("https://evil.example/", "/tableau-de-bord"),
        ("/%2F%2Fevil.example", "/tableau-de-bord"),
        ("/compte", "/compte"),
    ],
)
def test_login_lands_on_a_page_of_the_portal_whatever_suite_says(browser, portal, suite, lands_on):
    account = DEMO_ACCOUNTS[1]
    context = browser.new_context(base_url=portal.url, locale="fr-FR")
    try:
        tab = context.new_page()
        tab.goto(f"/connexion?suite={suite}")
        tab.get_by_label("Adresse électronique").fill(account.email)
        tab.get_by_label("Mot de passe").fill(account.password)
        tab.get_by_role("button", name="Se connecter").click()
        tab.wait_for_url(re.compile(rf"^{re.escape(portal.url + lands_on)}/?$"))
        assert origin(tab.url) == portal.url
    finally:
        context.close()
