"""First paint and layout stability (issue 11, `make audit`), in Chromium against the production build.

The pre-rendered page paints without its JavaScript: the module preloads are low priority. The
pages whose content waits for the tab's state (sign-up steps, dashboard) do not move what was
already painted when it arrives: no layout shift on a full page load.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from mespoints.services.demo import DEMO_ACCOUNTS
from tests.e2e.conftest import fill_identity_step
from tests.e2e.test_accessibility import HOLDER
from tests.e2e.test_dashboard import log_in

# Lighthouse's mobile screen.
PHONE = {"width": 412, "height": 823}

# Every layout shift not caused by an input, recorded from the start of each page load.
RECORD_SHIFTS = """
window.__shifts = [];
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) window.__shifts.push(entry.value);
  }
}).observe({type: "layout-shift", buffered: true});
"""


def shift_after_reload(page, shown: str) -> float:
    """The cumulative layout shift of a full reload of the current page, once `shown` is visible."""
    page.reload()
    expect(page.get_by_text(shown).first).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Chargement"))).to_have_count(0)
    page.wait_for_timeout(1000)  # images, late renders
    return page.evaluate("window.__shifts.reduce((sum, value) => sum + value, 0)")


def test_the_module_preloads_are_low_priority_and_the_page_is_pre_rendered(page):
    html = page.request.get("/").text()
    preloads = re.findall(r'<link[^>]*rel="modulepreload"[^>]*>', html)
    assert len(preloads) >= 5, html[:2000]
    assert all('fetchPriority="low"' in link or 'fetchpriority="low"' in link for link in preloads), preloads
    # What the first paint needs is in the HTML: the heading and the stylesheet.
    assert "<h1" in html and 'rel="stylesheet"' in html
    # And the page still hydrates (the scripts ran): the sign-up form appears.
    page.goto("/inscription")
    expect(page.get_by_label("Nom", exact=True)).to_be_visible()


def test_a_sign_up_step_reloads_without_layout_shift(page):
    page.set_viewport_size(PHONE)
    page.add_init_script(RECORD_SHIFTS)
    fill_identity_step(page, HOLDER["last_name"], HOLDER["first_names"], HOLDER["birth_date"])
    # Step 2 has no FranceConnect section, which the pre-rendered step 1 showed.
    assert shift_after_reload(page, "Étape 2 sur 6") < 0.01


def test_the_dashboard_reloads_without_layout_shift(page):
    page.set_viewport_size(PHONE)
    page.add_init_script(RECORD_SHIFTS)
    log_in(page, DEMO_ACCOUNTS[0])
    assert shift_after_reload(page, "Historique") < 0.01
