"""The hardened edge against the running production build (issue 12): the Content-Security-Policy
holds in Chromium, and the event socket (/_event) takes only the portal's origin and sane sizes."""

from __future__ import annotations

import contextlib
import json
from urllib.parse import urlsplit

import httpx
import pytest
import simple_websocket

from mespoints.http import EVENT_MESSAGE_LIMIT
from tests.e2e.conftest import CSP_VIOLATIONS

NAMESPACE = "/_event"


def socket_url(portal) -> str:
    return "ws://" + urlsplit(portal.url).netloc + "/_event/?EIO=4&transport=websocket"


class EventSocket:
    """A raw Engine.IO 4 / Socket.IO 5 client: the frames a browser's socket.io-client sends."""

    def __init__(self, portal, origin: str) -> None:
        self.ws = simple_websocket.Client.connect(socket_url(portal), headers={"Origin": origin})
        self.opened = False

    def receive(self, timeout: float = 10) -> str:
        while True:
            frame = self.ws.receive(timeout=timeout)
            if frame is None:
                raise TimeoutError("nothing from the server")
            if frame == "2":  # the server's ping
                self.ws.send("3")
                continue
            if frame.startswith("0{"):  # the Engine.IO handshake (flushed with the first answer)
                self.opened = True
                assert f'"maxPayload":{EVENT_MESSAGE_LIMIT}' in frame
                continue
            return frame

    def connect_namespace(self, auth: dict) -> str:
        self.ws.send(f"40{NAMESPACE}," + json.dumps(auth))
        return self.receive()

    def emit(self, *args: object) -> None:
        self.ws.send(f"42{NAMESPACE}," + json.dumps(list(args)))

    def close(self) -> None:
        with contextlib.suppress(simple_websocket.ConnectionClosed):
            self.ws.close()


def test_the_event_socket_accepts_the_portals_own_origin_and_refuses_a_foreign_one(portal):
    own = EventSocket(portal, portal.url)
    try:
        assert own.connect_namespace({}).startswith(f"40{NAMESPACE},")
        own.emit("ping")
        assert "pong" in own.receive()
    finally:
        own.close()
    with pytest.raises(simple_websocket.ConnectionError):
        EventSocket(portal, "https://evil.example")
    # Plain HTTP polling is refused too: only the websocket transport exists.
    polling = httpx.get(portal.url + "/_event/?EIO=4&transport=polling", headers={"Origin": portal.url})
    assert polling.status_code == 400


def test_the_event_socket_takes_the_largest_legitimate_message_and_drops_an_oversized_one(portal):
    client = EventSocket(portal, portal.url)
    try:
        # Far above the largest event the portal's pages send (a 2,000-character attestation code
        # carried by the verifier's URL and form, under 10 KB): answered as usual.
        near_limit = {"padding": "x" * (EVENT_MESSAGE_LIMIT - 200)}
        assert client.connect_namespace(near_limit).startswith(f"40{NAMESPACE},")
        client.emit("ping")
        assert "pong" in client.receive()
        # Over the limit: the server closes the socket without processing the message.
        client.emit("client_error", {"padding": "x" * EVENT_MESSAGE_LIMIT})
        with pytest.raises(simple_websocket.ConnectionClosed):
            client.emit("ping")
            client.receive(timeout=5)
    finally:
        client.close()


def test_pages_refuse_eval_and_injected_inline_scripts(page):
    page.goto("/connexion")
    page.get_by_label("Adresse électronique").wait_for()
    # A string timer is compiled by the page itself, as Reflex's rx.call_script would be (eval), and
    # an injected inline script runs as the page's: Playwright's own evaluate is exempt from the
    # policy, so it only plants them.
    page.evaluate("() => { setTimeout('window.evalRan = true', 0); }")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.inlineRan = true';"
        " document.head.appendChild(s); }"
    )
    page.wait_for_timeout(300)
    assert page.evaluate("() => [window.evalRan, window.inlineRan]") == [None, None]
    seen = "\n".join(CSP_VIOLATIONS)
    assert "'unsafe-eval'" in seen  # the refused eval, as Chromium reports it
    assert "inline" in seen  # the refused inline script
    CSP_VIOLATIONS.clear()  # expected here: every other browser test fails on one


def test_page_responses_carry_the_policy_and_assets_are_immutable(portal):
    page = httpx.get(portal.url + "/connexion/", headers={"Accept-Encoding": "gzip"})
    policy = page.headers["content-security-policy"]
    assert "'unsafe-eval'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert page.headers["cache-control"] == "no-store"
    assert len(page.headers.get_list("vary")) <= 1
    vary = [v.strip().lower() for v in page.headers.get("vary", "").split(",") if v.strip()]
    assert len(vary) == len(set(vary))
    script = page.text.split('src="', 1)[1].split('"', 1)[0] if 'src="' in page.text else None
    assets = [part.split('"')[0] for part in page.text.split('href="')[1:] if part.startswith("/assets/")]
    asset = script if script and script.startswith("/assets/") else assets[0]
    cached = httpx.get(portal.url + asset)
    assert cached.status_code == 200
    assert cached.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "content-security-policy" in cached.headers


def test_the_largest_legitimate_event_is_far_below_the_limit_and_answered(page):
    # The verifier takes the longest text a page sends: a 2,000-character code, in its URL and form.
    sent: list[int] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda frame: sent.append(len(frame))))
    code = "A" * 1000 + "." + "B" * 999
    page.goto("/verifier?code=" + code)
    page.get_by_text("n'est pas authentique").wait_for()
    page.get_by_label("Code de vérification").fill(code)
    page.get_by_role("button", name="Vérifier").click()
    page.get_by_text("n'est pas authentique").wait_for()
    assert sent and max(sent) < EVENT_MESSAGE_LIMIT / 4


def test_every_page_public_and_logged_in_loads_without_a_policy_violation(page):
    """Each registered page, before and after login (the autouse fixture fails on any violation);
    the wizard steps, the FranceConnect demo and logout are walked by their own browser tests."""
    from mespoints import pages
    from mespoints.services.demo import DEMO_ACCOUNTS
    from mespoints.template import PAGES

    pages.register_all()
    routes = sorted({registered.route for registered in PAGES})
    assert len(routes) > 20
    for route in routes:
        page.goto(route)
        page.locator("main").wait_for()
    account = DEMO_ACCOUNTS[0]
    page.goto("/connexion")
    page.get_by_label("Adresse électronique").fill(account.email)
    page.get_by_label("Mot de passe").fill(account.password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/tableau-de-bord**")
    for route in routes:
        if route != "/deconnexion":
            page.goto(route)
            page.locator("main").wait_for()
            page.wait_for_load_state("networkidle")
    page.goto("/tableau-de-bord")
    page.get_by_role("button", name="Se déconnecter").first.click()
    page.wait_for_url("**/deconnexion**")
    page.get_by_role("heading", name="Vous êtes déconnecté").wait_for()
    assert not CSP_VIOLATIONS


def test_pages_answer_at_the_address_people_type_without_a_redirect(portal):
    # Starlette's static files answered `/connexion` with a 307 to `/connexion/`: a round trip on
    # every first visit (about 600 ms on a phone for Lighthouse). A query string is kept.
    for path in ("/connexion", "/inscription", "/tableau-de-bord/historique", "/verifier?code=x"):
        response = httpx.get(portal.url + path, follow_redirects=False)
        assert response.status_code == 200, path
        assert "content-security-policy" in response.headers
        assert "<html" in response.text.lower()
    assert httpx.get(portal.url + "/inconnu", follow_redirects=False).status_code == 404
