"""What every page's <head> carries: a description on public pages, the portal's own icons."""

from __future__ import annotations

import struct
from pathlib import Path

from mespoints import routes

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"


def registered_pages():
    from mespoints import pages
    from mespoints.template import PAGES

    pages.register_all()
    return {registered.route: registered for registered in PAGES}


def test_public_pages_have_a_meta_description_and_private_pages_none():
    registered = registered_pages()
    for route in (routes.HOME, routes.LOGIN, routes.SIGNUP, routes.LEGAL_NOTICE):
        description = registered[route].description
        assert description and 50 <= len(description) <= 160, (route, description)
    assert registered[routes.DASHBOARD].description is None


def test_pages_do_not_write_the_viewport_meta_themselves():
    # Reflex's document root writes it; a page's own copy made two (issue 11, Lighthouse).
    text = (ROOT / "mespoints" / "mespoints.py").read_text()
    assert '"viewport"' not in text


def test_the_favicon_is_a_real_icon_drawn_for_the_portal():
    ico = (ASSETS / "favicon.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1) and count >= 2  # an ICO with several sizes
    svg = (ASSETS / "favicon.svg").read_text()
    assert svg.startswith("<svg") and "Mes Points Permis" in svg
    for forbidden in ("Marianne", "République", "FranceConnect"):
        assert forbidden not in svg
    for png in ("apple-touch-icon.png", "icon-512.png"):
        assert (ASSETS / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_every_page_has_its_own_title():
    # Titles that follow a wizard's step are JavaScript expressions here; the browser test reads them.
    titles = [str(registered.title) for registered in registered_pages().values()]
    assert all(titles) and len(titles) == len(set(titles)), sorted(titles)
