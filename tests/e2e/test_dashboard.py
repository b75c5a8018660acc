"""The driver's dashboard for the three demo licences, in Chromium against the production build."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from playwright.sync_api import expect

from mespoints.domain.points_text import format_date_fr
from mespoints.services.demo import DEMO_ACCOUNTS
from tests.e2e.conftest import ARTIFACTS, DEMO_TODAY, phone_context

DEFINITIVE, PROBATIONARY, INVALIDATED = DEMO_ACCOUNTS
NUMBERS = {
    DEFINITIVE.email: "120575100123",
    PROBATIONARY.email: "300804200417",
    INVALIDATED.email: "8802D0310407",
}


def engine_answer(portal, number: str) -> dict:
    answer = portal.cli("licence", number, "--as-of", DEMO_TODAY, "--json")
    assert answer.returncode == 0, answer.stderr
    return json.loads(answer.stdout)


def log_in(page, account) -> None:
    page.goto("/connexion")
    page.get_by_label("Adresse électronique").fill(account.email)
    page.get_by_label("Mot de passe").fill(account.password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/tableau-de-bord**")


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=["definitive", "probationary", "invalidated"])
def test_the_dashboard_shows_the_engines_balance_history_and_forecast(page, portal, account):
    answer = engine_answer(portal, NUMBERS[account.email])
    log_in(page, account)
    expect(page.get_by_test_id("solde")).to_have_text(str(answer["balance"]))
    expect(page.get_by_test_id("solde-max")).to_have_text(str(answer["maximum"]))
    expect(page.get_by_text("au moment de la connexion").first).to_be_visible()
    expect(page.get_by_text("Dernière mise à jour de votre dossier :")).to_be_visible()

    history = page.get_by_role("table", name=re.compile("^Retraits et récupérations de points"))
    if answer["history"]:
        expect(history.locator("tbody tr")).to_have_count(len(answer["history"]))
    forecast = page.get_by_role("table", name=re.compile("^Récupérations de points prévues"))
    if answer["forecast"]:
        expect(forecast.locator("tbody tr")).to_have_count(len(answer["forecast"]))

    for heading in (
        "Historique",
        "Calendrier prévisionnel",
        "Courriers",
        "Stage de sensibilisation",
        "Et si… ?",
    ):
        expect(page.get_by_role("heading", name=heading, level=2)).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / f"dashboard-{account.email.split('@')[0]}.png"), full_page=True)


def test_the_definitive_licence_lists_its_forecast_in_plain_french(page, portal):
    answer = engine_answer(portal, NUMBERS[DEFINITIVE.email])
    assert answer["forecast"], "the demo licence has restorations to come"
    log_in(page, DEFINITIVE)
    expect(page.get_by_text("récupération d'un point après 6 mois sans infraction").first).to_be_visible()
    assert answer["balance"] != answer["maximum"]


def test_the_invalidated_licence_says_what_it_means_and_what_to_do(page, portal):
    log_in(page, INVALIDATED)
    expect(page.get_by_test_id("solde")).to_have_text("0")
    expect(page.get_by_text("48SI").first).to_be_visible()
    expect(page.get_by_text("invalidé", exact=False).first).to_be_visible()


def test_the_probationary_licence_shows_its_probation(page, portal):
    answer = engine_answer(portal, NUMBERS[PROBATIONARY.email])
    assert answer["probation"]["active"] is True
    log_in(page, PROBATIONARY)
    expect(page.get_by_role("heading", name="Période probatoire")).to_be_visible()
    expect(page.get_by_text("15 juin 2027").first).to_be_visible()


def test_the_simulator_shows_the_result_without_saving_anything(page, portal):
    before = engine_answer(portal, NUMBERS[DEFINITIVE.email])
    log_in(page, DEFINITIVE)
    page.get_by_label("Infraction à simuler").select_option("TELEPHONE")
    page.get_by_label("Date de l'infraction").fill("2026-12-01")
    page.get_by_role("button", name="Simuler").click()
    result = page.get_by_role("heading", name="Résultat de la simulation")
    expect(result).to_be_visible()
    expect(page.get_by_text("Rien n'a été enregistré")).to_be_visible()
    expect(page.get_by_role("table", name="Courriers que vous recevriez")).to_be_attached()
    page.reload()
    expect(page.get_by_test_id("solde")).to_have_text(str(before["balance"]))
    assert engine_answer(portal, NUMBERS[DEFINITIVE.email]) == before


def test_the_dashboard_is_readable_on_a_320_pixel_phone(browser, portal):
    context = phone_context(browser, portal)
    tab = context.new_page()
    log_in(tab, DEFINITIVE)
    expect(tab.get_by_test_id("solde")).to_be_visible()
    width = tab.evaluate("document.documentElement.scrollWidth")
    tab.screenshot(path=str(ARTIFACTS / "dashboard-320.png"), full_page=True)
    assert width <= 320, f"the page is {width}px wide at 320 px"
    context.close()


RULE_IDS = (
    "majoration-probatoire",
    "retrait-de-points",
    "invalidation",
    "recuperation-apres-six-mois",
    "recuperation-totale",
    "restitution-apres-dix-ans",
    "stage-de-sensibilisation",
    "annulation-d-une-recuperation",
)


def test_the_page_that_explains_the_calculation_is_public_and_has_a_section_per_rule(page, portal):
    page.goto("/comprendre-le-calcul")
    expect(page.get_by_role("heading", name="Comprendre le calcul de vos points", level=1)).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "fr"
    for anchor in RULE_IDS:
        expect(page.locator(f"section#{anchor} h2")).to_have_count(1)
    expect(page.get_by_text("n° 402423").first).to_be_visible()
    footer_link = page.get_by_role("contentinfo").get_by_role(
        "link", name="Comprendre le calcul de vos points"
    )
    expect(footer_link).to_have_attribute("href", "/comprendre-le-calcul")


def test_a_rule_label_of_the_dashboard_leads_to_its_explanation(page, portal):
    log_in(page, DEFINITIVE)
    history = page.get_by_role("table", name=re.compile("^Retraits et récupérations de points"))
    rule = history.get_by_role("link", name="Retrait de points").first
    expect(rule).to_have_attribute("href", "/comprendre-le-calcul#retrait-de-points")
    forecast = page.get_by_role("table", name=re.compile("^Récupérations de points prévues"))
    expect(forecast.get_by_role("link").first).to_have_attribute(
        "href", re.compile("^/comprendre-le-calcul#")
    )
    rule.click()
    page.wait_for_url("**/comprendre-le-calcul#retrait-de-points")
    expect(page.locator("section#retrait-de-points")).to_be_in_viewport()


@pytest.mark.parametrize("account", [DEFINITIVE, INVALIDATED], ids=["definitive", "invalidated"])
def test_the_chart_has_a_table_of_its_data_that_says_what_the_engine_says(page, portal, account):
    """The chart's text alternative: each balance it draws, from which day, recorded or forecast."""
    answer = engine_answer(portal, NUMBERS[account.email])
    log_in(page, account)
    figure = page.get_by_role("figure")
    expect(figure).to_contain_text(f"{answer['balance']} point")
    data = page.get_by_test_id("donnees-graphique")
    table = data.get_by_role("table", name="Solde de points représenté par le graphique")
    expect(table).to_be_hidden()
    data.get_by_text("Voir les données du graphique").click()
    expect(table).to_be_visible()
    rows = [
        [cell.strip() for cell in row.split("\t")]
        for row in table.locator("tbody tr").evaluate_all("rows => rows.map(r => r.innerText)")
    ]
    recorded = [row for row in rows if row[2] == "enregistré"]
    forecast = [row for row in rows if row[2] == "prévu"]
    assert len(recorded) + len(forecast) == len(rows), rows
    # Today's balance is the last recorded one; each change to come is a row, in order.
    assert recorded[-1][1] == str(answer["balance"])
    expected = [
        [format_date_fr(dt.date.fromisoformat(item["date"])), str(item["balance_after"])]
        for item in sorted(answer["forecast"], key=lambda item: item["date"])
    ]
    assert [row[:2] for row in forecast] == expected
    # The recorded changes of the chart's years, in order, with the balance after each.
    history = sorted(answer["history"], key=lambda item: item["date"])
    shown = [
        [format_date_fr(dt.date.fromisoformat(item["date"])), str(item["balance_after"])] for item in history
    ]
    assert [row[:2] for row in recorded[1:]] == shown[len(shown) - len(recorded) + 1 :]
