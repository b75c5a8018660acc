"""The home page, served by the production build, in Chromium."""

from playwright.sync_api import expect

from tests.e2e.conftest import phone_context


def test_home_page_presents_the_service_in_french_with_both_ways_in(page):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_contain_text("solde de points")
    expect(page.get_by_role("link", name="Créer un compte").first).to_be_visible()
    expect(page.get_by_role("link", name="Se connecter").first).to_be_visible()
    for name in ("Mentions légales", "Données personnelles", "Conditions générales d'utilisation"):
        expect(page.get_by_role("contentinfo").get_by_role("link", name=name)).to_be_visible()


def test_footer_pages_have_real_content(page):
    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name="Conditions générales d'utilisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Conditions générales d'utilisation")
    expect(page.get_by_text("Durée de conservation")).to_be_visible()


def test_home_page_fits_a_320_pixel_screen(browser, portal):
    context = phone_context(browser, portal)
    tab = context.new_page()
    tab.goto("/")
    expect(tab.get_by_role("link", name="Créer un compte").first).to_be_visible()
    scroll_width = tab.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 320, f"horizontal scrolling at 320 px: {scroll_width}px wide"
    context.close()


def test_health_answers_ok_with_the_database(portal):
    import httpx

    response = httpx.get(f"{portal.url}/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_the_unavailable_page_explains_in_french_and_offers_a_way_back(page):
    page.goto("/service-indisponible?retour=/inscription")
    expect(page.get_by_role("heading", level=1)).to_have_text("Service momentanément indisponible")
    expect(page.get_by_role("link", name="Réessayer")).to_have_attribute("href", "/inscription")
    page.goto("/service-indisponible?retour=https://evil.example/")
    expect(page.get_by_role("link", name="Réessayer")).to_have_attribute("href", "/")


def test_the_favicon_is_served_and_the_head_is_written_once(page, portal):
    import httpx

    for path, kind in (("/favicon.ico", "image/"), ("/favicon.svg", "image/svg")):
        response = httpx.get(f"{portal.url}{path}")
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith(kind), (path, response.headers["content-type"])
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator('meta[name="viewport"]')).to_have_count(1)
    expect(page.locator('meta[name="description"]')).to_have_count(1)
    assert len(page.locator('meta[name="description"]').get_attribute("content") or "") >= 50
    expect(page.locator('link[rel="icon"][href="/favicon.svg"]')).to_have_count(1)
    page.goto("/connexion")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator('meta[name="viewport"]')).to_have_count(1)
    expect(page.locator('meta[name="description"]')).to_have_count(1)
