"""The portal survives its faults: a worker killed, Redis restarted, PostgreSQL stopped, SMTP down.

One production portal (PostgreSQL, Redis, two workers; conftest.faulty_portal) for the whole
module; each test puts back what it stopped. Run by `make faults`, in file order.
"""

from __future__ import annotations

import os
import signal
import time

import httpx
from playwright.sync_api import Page, expect
from sqlalchemy import text

from mespoints.components.connection_notice import LOST_TITLE
from mespoints.db.engine import make_engine
from mespoints.services.demo import DEMO_ACCOUNTS
from tests.e2e.conftest import fill_identity_step
from tests.e2e.test_connection_notice import english_shown
from tests.e2e.test_dashboard import log_in as dashboard_log_in
from tests.faults.conftest import FaultyPortal, health, wait_until

ACCOUNT = DEMO_ACCOUNTS[0]
UNAVAILABLE = "Service momentanément indisponible"
# A failing page goes through two full page loads (the page, then the error page): on a busy
# machine (2 cores shared with other test runs) that took more than Playwright's 5 s once.
SLOW_PAGE_MS = 20_000
# How long a page may take to get its socket back after its worker died.
RECONNECTION_SECONDS = 30
# Pages whose loading reads the database (interfaces.md section 5, and the account page).
PRIVATE_PAGES = (
    "/tableau-de-bord/historique",
    "/tableau-de-bord/courriers",
    "/documents",
    "/compte",
    "/notifications",
)


def log_in(page: Page) -> None:
    dashboard_log_in(page, ACCOUNT)
    expect(page.get_by_test_id("solde")).to_have_text("8")


def start_wizard(page: Page, address: str) -> None:
    """Step 1 done, the address typed (and sent to the server on blur) but not submitted."""
    fill_identity_step(page, "Panne-Essai", "Noé")
    page.get_by_label("Adresse électronique").fill(address)
    page.get_by_label("Adresse électronique").blur()


def serving_without(portal, dead: set[int]) -> set[int] | None:  # type: ignore[no-untyped-def]
    """The two workers serving, once none of `dead` is among them; None until then."""
    pids = portal.worker_pids()
    return pids if len(pids) == 2 and not pids & dead else None


def pages_load(portal_url: str) -> None:
    for path in ("/health", "/", "/connexion/"):
        assert httpx.get(f"{portal_url}{path}", timeout=10).status_code == 200, path


def no_error_page(page: Page) -> None:
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and UNAVAILABLE not in body, body[:500]


def test_a_killed_worker_is_replaced_while_the_other_serves_and_nobody_loses_anything(
    faulty_portal: FaultyPortal, context_factory
):
    portal = faulty_portal.portal
    original = portal.worker_pids()
    assert len(original) == 2, "two workers, as configured"
    driver = context_factory()
    log_in(driver)
    newcomer = context_factory()
    start_wizard(newcomer, "noe.panne@exemple.fr")

    # One worker dies; the other keeps serving, and a new one takes the dead one's place.
    first, second = sorted(original)
    os.kill(first, signal.SIGKILL)
    pages_load(portal.url)
    replaced = wait_until(
        lambda: serving_without(portal, {first}), 30, "a new worker replaces the killed one"
    )
    assert second in replaced
    pages_load(portal.url)

    # Then the other original worker: every browser's socket has now been cut at least once.
    # (Granian gives up on a worker that dies twice within 5.5 s: these are two different ones.)
    time.sleep(1)
    os.kill(second, signal.SIGKILL)
    wait_until(lambda: serving_without(portal, original), 30, "both original workers replaced")
    pages_load(portal.url)
    assert "Reflex app stopped" not in portal.log.read_text(errors="replace")

    # The logged-in driver's page reconnects and still works, without logging in again.
    driver.get_by_role("link", name="Historique").first.click()
    driver.wait_for_url("**/tableau-de-bord/historique**")
    driver.reload()
    driver.wait_for_url("**/tableau-de-bord/historique**")
    driver.goto("/tableau-de-bord")
    expect(driver.get_by_test_id("solde")).to_have_text("8")
    no_error_page(driver)

    # Nothing typed in the wizard is lost: the page and the server's state both kept it.
    expect(newcomer.get_by_label("Adresse électronique")).to_have_value("noe.panne@exemple.fr")
    newcomer.get_by_role("button", name="Suivant").click()
    # The click waits in the page until its socket is back (Socket.IO retries with a back-off).
    expect(newcomer.get_by_text("Étape 3 sur 6")).to_be_visible(timeout=RECONNECTION_SECONDS * 1000)
    newcomer.get_by_role("button", name="Précédent").click()
    expect(newcomer.get_by_label("Adresse électronique")).to_have_value("noe.panne@exemple.fr")
    newcomer.get_by_role("button", name="Précédent").click()
    expect(newcomer.get_by_label("Prénom(s)")).to_have_value("Noé")
    newcomer.reload()
    expect(newcomer.get_by_text("Étape 1 sur 6")).to_be_visible()
    expect(newcomer.get_by_label("Nom", exact=True)).to_have_value("Panne-Essai")


def test_a_worker_that_dies_twice_in_a_row_brings_every_worker_back_within_seconds(
    faulty_portal: FaultyPortal, context_factory
):
    # Granian's crash-loop guard stops every worker when one dies again within 5.5 s of its
    # respawn; the launcher starts them again (no rebuild), and the browsers reconnect.
    portal = faulty_portal.portal
    driver = context_factory()
    log_in(driver)
    original = portal.worker_pids()
    victim = min(original)
    os.kill(victim, signal.SIGKILL)
    respawned = wait_until(lambda: portal.worker_pids() - original, 10, "the killed worker respawned")
    os.kill(next(iter(respawned)), signal.SIGKILL)  # within 5.5 s of its start: a crash loop
    # While nothing serves (a few seconds), the driver's page says so, in French only.
    connection = driver.get_by_test_id("etat-connexion")
    expect(connection).to_contain_text(LOST_TITLE, timeout=RECONNECTION_SECONDS * 1000)
    assert english_shown(driver) == []
    wait_until(lambda: serving_without(portal, original | respawned), 60, "every worker started again")
    wait_until(lambda: health(portal) == 200, 30, "the portal serves again")
    expect(connection).not_to_contain_text(LOST_TITLE, timeout=RECONNECTION_SECONDS * 1000)
    log = portal.log.read_text(errors="replace")
    assert "Worker crash loop detected" in log, "the crash loop really happened"
    assert "redémarrage des workers" in log
    assert "Reflex app stopped" not in log
    pages_load(portal.url)
    driver.goto("/tableau-de-bord")
    expect(driver.get_by_test_id("solde")).to_have_text("8")


def test_after_a_redis_restart_the_driver_carries_on_or_logs_in_again_never_an_error_page(
    faulty_portal: FaultyPortal, context_factory
):
    portal = faulty_portal.portal
    driver = context_factory()
    log_in(driver)
    workers = portal.worker_pids()

    faulty_portal.redis.stop()
    try:
        # While Redis is away, pages still load (static), no error page, and no worker dies.
        driver.reload()
        time.sleep(3)
        no_error_page(driver)
        pages_load(portal.url)
        assert portal.worker_pids() == workers, "no worker died for Redis"
    finally:
        faulty_portal.redis.start()  # empty: no persistence, every page state is gone

    # The page reconnects: the driver is still logged in (the session lives in the database),
    # or is sent to the login page, which then works.
    driver.reload()
    solde, login = driver.get_by_test_id("solde"), driver.get_by_role("button", name="Se connecter")
    expect(solde.or_(login)).to_be_visible()
    no_error_page(driver)
    if login.is_visible():
        log_in(driver)
    else:
        expect(solde).to_have_text("8")
    driver.get_by_role("link", name="Historique").first.click()
    driver.wait_for_url("**/tableau-de-bord/historique**")
    no_error_page(driver)

    # A newcomer starts the wizard on the restarted Redis, and a reload keeps the step.
    newcomer = context_factory()
    start_wizard(newcomer, "apres.redis@exemple.fr")
    newcomer.reload()
    expect(newcomer.get_by_text("Étape 2 sur 6")).to_be_visible()
    no_error_page(newcomer)
    assert portal.worker_pids() == workers, "no worker died for Redis"
    assert health(portal) == 200


def test_without_postgresql_health_says_503_pages_say_unavailable_and_all_recovers_alone(
    faulty_portal: FaultyPortal, context_factory
):
    portal = faulty_portal.portal
    driver = context_factory()
    log_in(driver)

    faulty_portal.postgres.stop()
    try:
        started = time.monotonic()
        assert health(portal) == 503
        assert time.monotonic() - started < 5, "the health check answers quickly"
        for path in PRIVATE_PAGES:
            driver.goto(path)
            expect(driver.get_by_role("heading", name=UNAVAILABLE)).to_be_visible(timeout=SLOW_PAGE_MS)
            assert "Traceback" not in driver.locator("body").inner_text()
        driver.goto("/tableau-de-bord")
        expect(driver.get_by_role("heading", name=UNAVAILABLE)).to_be_visible(timeout=SLOW_PAGE_MS)
        stranger = context_factory()
        stranger.goto("/connexion")
        stranger.get_by_label("Adresse électronique").fill(ACCOUNT.email)
        stranger.get_by_label("Mot de passe").fill(ACCOUNT.password)
        stranger.get_by_role("button", name="Se connecter").click()
        expect(stranger.get_by_role("heading", name=UNAVAILABLE)).to_be_visible(timeout=SLOW_PAGE_MS)
    finally:
        faulty_portal.postgres.start()

    # Back without restarting the portal: the pools replace their dead connections.
    wait_until(lambda: health(portal) == 200, 30, "/health answers 200 again")
    driver.get_by_role("link", name="Réessayer").click()
    expect(driver.get_by_test_id("solde")).to_have_text("8")
    log_in(stranger)


def _outbox(portal_database_url: str, recipients: list[str]) -> list[tuple[str, int, bool]]:
    """(recipient, attempts, sent) of each mail (not request) to these addresses."""
    engine = make_engine(portal_database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT recipient, attempts, sent_at IS NOT NULL FROM mail_outbox"
                    " WHERE kind = 'mail' AND recipient = ANY(:recipients) ORDER BY id"
                ),
                {"recipients": recipients},
            ).all()
    finally:
        engine.dispose()
    return [(row[0], row[1], row[2]) for row in rows]


def _all_tried_and_waiting(database_url: str, addresses: list[str]) -> list[tuple[str, int, bool]] | None:
    rows = _outbox(database_url, addresses)
    done = len(rows) == len(addresses) and all(attempts >= 1 and not sent for _, attempts, sent in rows)
    return rows if done else None


def test_while_smtp_is_down_mail_waits_in_the_outbox_and_leaves_once_when_it_returns(
    faulty_portal: FaultyPortal, context_factory
):
    smtp = faulty_portal.smtp
    addresses = [account.email for account in DEMO_ACCOUNTS]
    before = {address: smtp.mailbox.count_to(address) for address in addresses}

    smtp.stop()
    try:
        page = context_factory()
        for address in addresses:
            page.goto("/mot-de-passe/oublie")
            # Typed before the page's state arrives, the address can be wiped (seen once): wait.
            page.wait_for_load_state("networkidle")
            page.get_by_label("Adresse électronique").fill(address)
            page.get_by_role("button", name="Recevoir le lien").click()
            expect(page.get_by_role("main").get_by_role("status")).to_contain_text(
                "Si un compte existe pour cette adresse"
            )
        # Each mail was tried, failed, and waits for its next attempt.
        waiting = wait_until(
            lambda: _all_tried_and_waiting(faulty_portal.postgres.url, addresses),
            60,
            "every mail tried once and kept in the outbox",
        )
        assert sorted(recipient for recipient, _, _ in waiting) == sorted(addresses)
        assert {address: smtp.mailbox.count_to(address) for address in addresses} == before
    finally:
        smtp.start()

    # The retry (30 s after the first failure) delivers each exactly once.
    for address in addresses:
        smtp.mailbox.wait_for(address, "mot de passe", timeout=90)
    time.sleep(5)  # a duplicate would come from a second sender round or the other worker
    assert {
        address: smtp.mailbox.count_to(address) - before[address] for address in addresses
    } == dict.fromkeys(addresses, 1)
    assert all(sent for _, _, sent in _outbox(faulty_portal.postgres.url, addresses))
