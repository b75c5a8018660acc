"""Every page has its own title (WCAG 2.4.2), read in the browser as screen readers announce it."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import expect

from mespoints.components.layout import SERVICE_NAME
from mespoints.services.demo import DEMO_ACCOUNTS
from tests.e2e.test_accessibility import PRIVATE_PAGES, PUBLIC_PAGES, log_in
from tests.e2e.test_axe import MORE_PUBLIC_PAGES


def test_every_page_has_its_own_title_ending_with_the_service_name(page):
    titles: dict[str, set[str]] = {}

    def read(path: str) -> None:
        # Hydrated (its h1 shows): a title that follows the state has its first value by then.
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        title = page.title()
        assert title.endswith(f" – {SERVICE_NAME}"), f"{path}: {title!r}"
        titles.setdefault(title, set()).add(urlsplit(path).path.rstrip("/") or "/")

    for path in PUBLIC_PAGES + MORE_PUBLIC_PAGES:
        page.goto(path)
        read(path)
    log_in(page, DEMO_ACCOUNTS[0])
    for path, loaded in PRIVATE_PAGES.items():
        page.goto(path)
        expect(page.get_by_role("heading", name=loaded).first).to_be_visible()
        read(path)

    shared = {title: paths for title, paths in titles.items() if len(paths) > 1}
    assert not shared, f"pages sharing a title: {shared}"
