"""Forms whose server work is slow show that they are being sent, in Chromium against the build.

The server's answer is made slow for real: the page's Socket.IO frames are relayed by Playwright
(`route_web_socket`), and once the server has said the form is being sent (`submitting` true, the
first write of the background handler, state/guard.py), its next frames are held until the test
releases them. Meanwhile the test looks at the page as a driver on a slow network would: the
button's new text and name, aria-disabled (not disabled: it keeps the focus), aria-busy on the
form, the status said to screen readers, the same size, and a second press (click, Enter) that
sends nothing. Then the answer arrives: the button is back to normal with the error, the next step
or the dashboard.
"""

from __future__ import annotations

import re
import secrets
import threading

from playwright.sync_api import expect

from mespoints.services.demo import DEMO_ACCOUNTS
from tests.e2e.axe import Sweep
from tests.e2e.conftest import fill_identity_step
from tests.e2e.test_dashboard import log_in

# The server's write that marks the form as being sent (the var is named `submitting` in states).
BUSY_DELTA = re.compile(r'"submitting(?:_rx_state_)?":\s*true')
INVALID_LOGIN = "Adresse électronique ou mot de passe incorrect."


class SlowAnswers:
    """Relays a page's Socket.IO frames; after the server marks a form as being sent, holds the
    server's next messages (Socket.IO packets: pings pass) until `release`."""

    def __init__(self, page) -> None:
        self.sent: list[str] = []  # what the page sent, in order
        self._held: list[str | bytes] = []
        self._holding = False
        self._busy_seen = threading.Event()
        self._page_socket = None
        self._lock = threading.Lock()
        page.route_web_socket(re.compile(r"/_event"), self._relay)

    def _relay(self, page_socket) -> None:
        server = page_socket.connect_to_server()
        self._page_socket = page_socket

        def from_page(message: str | bytes) -> None:
            self.sent.append(str(message))
            server.send(message)

        def from_server(message: str | bytes) -> None:
            with self._lock:
                if self._holding and str(message).startswith("4"):
                    self._held.append(message)
                    return
            page_socket.send(message)
            if BUSY_DELTA.search(str(message)):
                with self._lock:
                    self._holding = True

        page_socket.on_message(from_page)
        server.on_message(from_server)

    def events_named(self, handler: str) -> int:
        """How many events for this handler (e.g. « login_state.submit ») the page has sent."""
        return sum(f'{handler}"' in message for message in self.sent)

    def release(self) -> None:
        """Lets the held answer through, in order, and relays the next frames at once."""
        with self._lock:
            held, self._held, self._holding = self._held, [], False
        assert held, "the server had not answered yet"
        assert self._page_socket is not None
        for message in held:
            self._page_socket.send(message)


def box(locator) -> tuple[float, float, float, float]:
    found = locator.bounding_box()
    assert found is not None
    return (round(found["x"]), round(found["y"]), round(found["width"]), round(found["height"]))


def expect_busy(form, button, status, busy_name: str) -> None:
    expect(form).to_have_attribute("aria-busy", "true")
    expect(button).to_have_attribute("aria-disabled", "true")
    expect(button).to_have_accessible_name(busy_name)
    # aria-disabled only, not the disabled attribute: it keeps the focus and its place in the tab order.
    assert button.evaluate("(element) => element.disabled") is False
    expect(status).to_have_text(busy_name)


def expect_idle(form, button, status, name: str) -> None:
    expect(form).to_have_attribute("aria-busy", "false")
    expect(button).not_to_have_attribute("aria-disabled", re.compile(".*"))
    expect(button).to_have_accessible_name(name)
    expect(status).to_have_text("")


def filled_login_form(page, address: str, password: str):
    """The login page, filled in: its form, submit button and status region."""
    page.goto("/connexion")
    page.get_by_label("Adresse électronique").fill(address)
    page.get_by_label("Mot de passe").fill(password)
    form = page.locator("form").filter(has=page.get_by_label("Mot de passe"))
    return form, form.locator("button[type=submit]"), form.get_by_role("status")


def test_a_slow_login_shows_it_is_being_sent_ignores_a_second_press_then_shows_the_error(page):
    answers = SlowAnswers(page)
    form, button, status = filled_login_form(
        page, f"personne.{secrets.token_hex(4)}@exemple.fr", "Un-Mot-De-Passe-Faux-42"
    )
    expect_idle(form, button, status, "Se connecter")
    idle_box = box(button)

    button.click()
    expect_busy(form, button, status, "Connexion en cours…")
    expect(button).to_be_focused()
    expect(button).to_have_css("border-top-style", "dashed")
    assert box(button) == idle_box, "the button changed size when it turned busy"

    # Pressed again, by mouse and by keyboard, while the password is being checked: nothing sent.
    # (Playwright does not click an aria-disabled button unless forced; a driver's finger does.)
    button.click(force=True)
    page.keyboard.press("Enter")
    page.keyboard.press("Space")
    page.get_by_label("Mot de passe").press("Enter")
    page.wait_for_timeout(500)
    assert answers.events_named("login_state.submit") == 1, answers.sent
    expect(page.get_by_role("alert")).to_have_count(0)
    sweep = Sweep()
    sweep.check(page, "/connexion, password being checked")
    sweep.assert_clean()

    answers.release()
    expect(page.get_by_role("alert").filter(has_text=INVALID_LOGIN)).to_have_count(1)
    expect_idle(form, button, status, "Se connecter")
    expect(page.get_by_label("Mot de passe")).to_be_focused()
    assert box(button)[2:] == idle_box[2:]  # same size (the error above moved it down)
    assert answers.events_named("login_state.submit") == 1


def test_a_slow_login_with_the_right_password_leads_to_the_dashboard_once_answered(page):
    account = DEMO_ACCOUNTS[1]
    answers = SlowAnswers(page)
    form, button, status = filled_login_form(page, account.email, account.password)
    page.get_by_label("Mot de passe").press("Enter")
    expect_busy(form, button, status, "Connexion en cours…")
    button.click(force=True)
    page.wait_for_timeout(300)
    assert answers.events_named("login_state.submit") == 1, answers.sent
    expect(page).to_have_url(re.compile(r"/connexion$"))

    answers.release()
    page.wait_for_url("**/tableau-de-bord**")
    expect(page.get_by_test_id("solde")).to_be_visible()


def test_the_slow_password_step_of_the_signup_shows_it_is_being_checked(page):
    answers = SlowAnswers(page)
    fill_identity_step(page, "Martin", "Julie", "17/05/1990")
    step = page.locator("#etape-titre")
    page.get_by_label("Adresse électronique").fill(f"lente.{secrets.token_hex(4)}@exemple.fr")
    page.get_by_role("button", name="Suivant").click()
    expect(step).to_contain_text("Étape 3 sur 6")
    password = f"Hirondelle-Basalte-{secrets.token_hex(4)}"
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_label("Confirmation du mot de passe").fill(password)
    form = page.locator("form").filter(has=step)
    button, status = form.locator("button[type=submit]"), form.get_by_role("status")
    page.wait_for_timeout(1000)  # the strength meter (debounced) has answered
    idle_box = box(button)
    before = answers.events_named("signup_state.next")

    button.click()
    expect_busy(form, button, status, "Vérification…")
    assert box(button) == idle_box
    button.click(force=True)
    page.wait_for_timeout(300)
    assert answers.events_named("signup_state.next") == before + 1, answers.sent

    answers.release()
    expect(step).to_contain_text("Étape 4 sur 6")
    expect_idle(form, button, status, "Suivant")


def test_on_the_account_page_only_the_form_being_sent_shows_it(page):
    account = DEMO_ACCOUNTS[2]
    log_in(page, account)
    answers = SlowAnswers(page)
    page.goto("/compte")
    email_form = page.get_by_role("form", name="Changer d'adresse électronique")
    password_form = page.get_by_role("form", name="Changer de mot de passe")
    email_button = email_form.locator("button[type=submit]")
    password_button = password_form.locator("button[type=submit]")
    # Its own address: refused by the service, no password failure counted against the account.
    email_form.get_by_label("Nouvelle adresse électronique").fill(account.email)
    email_form.get_by_label("Mot de passe actuel").fill("peu-importe")

    email_button.click()
    expect_busy(email_form, email_button, email_form.get_by_role("status"), "Vérification en cours…")
    expect_idle(
        password_form, password_button, password_form.get_by_role("status"), "Changer de mot de passe"
    )
    email_button.click(force=True)
    page.wait_for_timeout(300)
    assert answers.events_named("account_state.change_email") == 1, answers.sent

    answers.release()
    expect(email_form.get_by_text("C'est déjà l'adresse électronique de votre compte.")).to_be_visible()
    expect_idle(email_form, email_button, email_form.get_by_role("status"), "Changer d'adresse")
