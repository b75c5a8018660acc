"""Where `?suite=` (after login) and `?retour=` (« Réessayer ») may lead: only the portal's pages."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest

from mespoints import routes
from mespoints.routes import safe_next

PORTAL = "https://points.example.fr"

HOSTILE = [
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "/\x00/evil.example",
    "\t//evil.example",
    "/%09/evil.example",
    "/%0a/evil.example",
    "/%0D%0A/evil.example",
    "/%00/evil.example",
    "/\\evil.example",
    "/\\/evil.example",
    "\\\\evil.example",
    "//evil.example",
    "///evil.example",
    "/%2F%2Fevil.example",
    "/%2f/evil.example",
    "/%5C/evil.example",
    "/%5c%5cevil.example",
    "https://evil.example",
    "http:evil.example",
    "HTTPS://evil.example/tableau-de-bord",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
    " /compte",
    "/compte ",
    "\u3000/compte",
    "/\u3000/evil.example",
    "\u00a0//evil.example",
    "/\u00a0/evil.example",
    "/\u200b/evil.example",
    "/\u2028/evil.example",
    "/tableau-de-bord@evil.example",
    "/tableau-de-bord/../../evil.example",
    "/tableau-de-bord/%2e%2e/%2e%2e/evil.example",
    "/compte//",
    "//",
    "///",
    "/COMPTE",
    "/compte#//evil.example",
    "/auth/session",
    "/auth/logout",
    "/auth/franceconnect/callback",
    "/health",
    "evil.example",
    "compte",
    "",
    "?//evil.example",
    "/compte?x=\t1",
    "/compte?x=%09",
    "/compte?x=%0a%0d",
    "/compte?x=%5Cevil",
    "/compte?x=%252F%252Fevil.example",
    "/compte?x=%25250A",
    "/compte?x=%E3%80%80",
    "/compte?x=%C2%A0",
    "/compte?x=\u00a0",
    "/compte?x=1#frag",
    "/compte?" + "a" * 3000,
]


@pytest.mark.parametrize("target", HOSTILE, ids=repr)
def test_a_hostile_target_falls_back_to_the_default_page(target):
    assert safe_next(target) == routes.DASHBOARD
    assert safe_next(target, default=routes.HOME) == routes.HOME


@pytest.mark.parametrize("target", HOSTILE, ids=repr)
def test_whatever_is_accepted_resolves_on_the_portal_itself(target):
    # The portal's own check, and the way a browser resolves the result against the page's URL.
    resolved = urlsplit(urljoin(f"{PORTAL}/service-indisponible", safe_next(target, default=routes.HOME)))
    assert f"{resolved.scheme}://{resolved.netloc}" == PORTAL


@pytest.mark.parametrize(
    "target",
    [
        "/",
        "/compte",
        "/compte/",
        "/tableau-de-bord/?x=1",
        "/tableau-de-bord",
        "/tableau-de-bord/historique",
        "/tableau-de-bord/historique?x=1",
        "/tableau-de-bord/previsionnel",
        "/tableau-de-bord/courriers",
        "/documents",
        "/connexion?info=active",
        "/compte/confirmer-adresse?jeton=Ab_9-xYz",
        "/tableau-de-bord?a=1&b=2",
        "/compte?retour=/tableau-de-bord",
        "/compte?nom=%C3%A9l%C3%A9onore",
    ],
)
def test_a_page_of_the_portal_is_kept_with_its_query(target):
    assert safe_next(target, default=routes.HOME) == target


def test_the_driver_tabs_of_the_interfaces_are_pages_even_before_they_exist():
    assert {"/tableau-de-bord/historique", "/tableau-de-bord/previsionnel"} <= routes.PAGE_PATHS
    assert {"/tableau-de-bord/courriers", "/documents"} <= routes.PAGE_PATHS


def test_every_registered_page_is_a_place_to_come_back_to_and_no_backend_route_is():
    from mespoints import pages
    from mespoints.template import PAGES

    pages.register_all()
    assert {registered.route for registered in PAGES} - {routes.NOT_FOUND} <= routes.PAGE_PATHS
    assert routes.NOT_FOUND in {registered.route for registered in PAGES}
    backend = {routes.HEALTH, routes.SESSION_TICKET, routes.LOGOUT, routes.FRANCECONNECT_CALLBACK}
    assert not backend & routes.PAGE_PATHS
    assert not any(path.startswith("/auth/") for path in routes.PAGE_PATHS)
