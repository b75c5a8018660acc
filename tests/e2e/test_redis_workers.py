"""Several workers sharing Reflex state through Redis (REFLEX_REDIS_URL), as in production."""

from __future__ import annotations

from playwright.sync_api import expect

from mespoints.services.demo import DEMO_ACCOUNTS
from tests.e2e.conftest import fill_identity_step


def test_the_portal_runs_two_worker_processes_with_redis(production_portal):
    assert len(production_portal.worker_pids()) == 2, "GRANIAN_WORKERS=2 with REFLEX_REDIS_URL: two workers"


def test_login_dashboard_and_reload_work_across_workers(browser, production_portal):
    account = DEMO_ACCOUNTS[0]
    context = browser.new_context(base_url=production_portal.url, locale="fr-FR")
    page = context.new_page()
    page.goto("/connexion")
    page.get_by_label("Adresse électronique").fill(account.email)
    page.get_by_label("Mot de passe").fill(account.password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/tableau-de-bord**")
    expect(page.get_by_test_id("solde")).to_have_text("8")
    for _ in range(3):
        page.reload()
        expect(page.get_by_test_id("solde")).to_have_text("8")
    context.close()


def test_the_wizard_keeps_its_step_across_reloads_with_redis(browser, production_portal):
    context = browser.new_context(base_url=production_portal.url, locale="fr-FR")
    page = context.new_page()
    fill_identity_step(page, "Démo-Exemple", "Camille")
    page.reload()
    expect(page.get_by_text("Étape 2 sur 6")).to_be_visible()
    page.get_by_role("button", name="Précédent").click()
    expect(page.get_by_label("Prénom(s)")).to_have_value("Camille")
    context.close()
