"""An unexpected server error is said in French on the page, under the strict CSP.

`mespoints.on_backend_exception` answers it with a toast (`rx.toast.error`), sent by the server: a
review feared the page would need `eval` to show it, which the CSP refuses; this test shows it
appears, in French, with no CSP violation (conftest fails any test that causes one). The error is
provoked as an attacker would: the page's login event rewritten on its way to the server
(`route_web_socket`), so the handler receives a payload no page sends.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect


def tamper_login_events(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Relays the page's socket; the login form's payload is replaced by one of the wrong shape."""
    tampered: list[str] = []

    def relay(page_socket) -> None:  # type: ignore[no-untyped-def]
        server = page_socket.connect_to_server()

        def from_page(message: str | bytes) -> None:
            text = str(message)
            if "login_state.submit" in text and '"payload":{"form":' in text:
                text = text.replace('"payload":{"form":', '"payload":{"form":"x","inattendu":', 1)
                tampered.append(text)
            server.send(text)

        page_socket.on_message(from_page)
        server.on_message(page_socket.send)

    page.route_web_socket(re.compile(r"/_event"), relay)
    return tampered


def test_an_unexpected_server_error_is_said_in_french_and_keeps_what_was_typed(page, portal):
    tampered = tamper_login_events(page)
    page.goto("/connexion")
    page.get_by_label("Adresse électronique").fill("conducteur@exemple.fr")
    page.get_by_label("Mot de passe", exact=True).fill("Cheval-Basalte-Tambour-58")
    page.get_by_role("button", name="Se connecter").click()

    notice = page.locator("[data-sonner-toast]")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Une erreur inattendue est survenue. Ce que vous avez saisi est conservé")
    expect(page.locator("section[aria-live]")).to_have_count(1)  # sonner's live region: announced
    assert tampered, "the login event never went through the relay"
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and "TypeError" not in body and "Error" not in body
    expect(page.get_by_label("Adresse électronique")).to_have_value("conducteur@exemple.fr")
    assert "unhandled error in an event handler" in portal.log.read_text()
