"""Several workers sharing Reflex state through Redis (REFLEX_REDIS_URL), as in production."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from mespoints.services.demo import DEMO_ACCOUNTS
from tests.e2e.conftest import running_portal


@pytest.fixture(scope="module")
def redis_portal(tmp_path_factory, smtp_server, redis_url):
    workdir = tmp_path_factory.mktemp("redis-portal")
    # What `make run` does with REFLEX_REDIS_URL set: one worker per core.
    workers = str(max(2, os.cpu_count() or 2))
    with running_portal(
        workdir, smtp_server, "redis-portal", REFLEX_REDIS_URL=redis_url, GRANIAN_WORKERS=workers
    ) as started:
        yield started


def test_the_portal_runs_several_worker_processes_with_redis(redis_portal):
    import subprocess

    table = subprocess.run(["ps", "-ww", "-eo", "pid=,ppid=,args="], capture_output=True, text=True).stdout
    processes = [line.split(None, 2) for line in table.splitlines() if line.strip()]
    children: dict[str, list[str]] = {}
    for pid, ppid, *_ in processes:
        children.setdefault(ppid, []).append(pid)
    port = redis_portal.url.rsplit(":", 1)[1]
    roots = [pid for pid, _, args in processes if "reflex" in args and f"--backend-port {port}" in args]
    descendants, todo = [], list(roots)
    while todo:
        for child in children.get(todo.pop(), []):
            descendants.append(child)
            todo.append(child)
    assert len(descendants) >= 2, "with REFLEX_REDIS_URL, the server starts several workers"


def test_login_dashboard_and_reload_work_across_workers(browser, redis_portal):
    account = DEMO_ACCOUNTS[0]
    context = browser.new_context(base_url=redis_portal.url, locale="fr-FR")
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


def test_the_wizard_keeps_its_step_across_reloads_with_redis(browser, redis_portal):
    context = browser.new_context(base_url=redis_portal.url, locale="fr-FR")
    page = context.new_page()
    page.goto("/inscription")
    page.get_by_label("Nom", exact=True).fill("Démo-Exemple")
    page.get_by_label("Prénom(s)").fill("Camille")
    page.get_by_label("Date de naissance").fill("03/11/1992")
    page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_text("Étape 2 sur 6")).to_be_visible()
    page.reload()
    expect(page.get_by_text("Étape 2 sur 6")).to_be_visible()
    page.get_by_role("button", name="Précédent").click()
    expect(page.get_by_label("Prénom(s)")).to_have_value("Camille")
    context.close()
