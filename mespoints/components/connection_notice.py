"""The notice shown while the page's event socket cannot reach the portal, in French.

It replaces Reflex's own connection overlay (the app wrap at (5, "Overlay"): an English toast
« Cannot connect to server: … » and a pulsing icon titled « Connection Error »), which
mespoints.py swaps for `connection_overlay`. Same trigger as Reflex's toast: two failed connection
attempts in a row (`has_too_many_connection_errors`), so a socket that comes straight back shows
nothing; the notice goes as soon as the socket connects again. Reflex keeps retrying on its own
(every 0.2 to 2 s) and the portal's fields are uncontrolled (the browser keeps what is typed), so
the notice says that what was typed stays, and that reloading is not needed: with the portal out
of reach, a reload would show the browser's error page and lose what was typed.

One live region (role « status », polite) is always in the page, empty while connected, so screen
readers announce the notice when it appears, and « rétablie » when the connection comes back (said
only, for a few seconds: on screen, the notice simply goes). It sits at the top of the page, in
the flow and sticky: at rest it pushes the page down rather than covering it, and it stays in view
when the page is scrolled, while what the keyboard focuses scrolls clear of it (styles.global_css).
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex_base.constants import Hooks, Imports
from reflex_base.utils.imports import ImportVar
from reflex_base.vars import VarData
from reflex_base.vars.base import Var
from reflex_components_core.core.banner import has_hydration_payload_error, has_too_many_connection_errors

from mespoints import routes, styles
from mespoints.components.text import fr

LOST_TITLE = "Connexion au service interrompue."
LOST_DETAIL = "Nouvel essai en cours… Vos saisies sont conservées : inutile de recharger la page."
# The hydrate event that opens a connection is over the server's message limit: only a page address
# over about 32,000 characters carries that much (the address goes twice; the portal keeps nothing
# in browser storage). Retrying cannot help; a full load of the home page does.
TOO_LONG_TITLE = "Cette page ne peut pas joindre le service."
TOO_LONG_DETAIL = "Son adresse est trop longue."
TOO_LONG_LINK = "Revenir à l'accueil"
RESTORED = "Connexion au service rétablie."
# How long the live region keeps « rétablie » for screen readers (then it is empty again).
RESTORED_SAID_FOR_MS = 5000

lost = has_too_many_connection_errors
too_long = has_hydration_payload_error

# True for a few seconds after the socket came back from a lost connection: React state of the
# component that draws it, as Reflex's connection toaster keeps its own (compiled into the page's
# modules: no eval, no inline script, docs/en-tetes-http.md).
restored: Var[bool] = Var(
    _js_expr="connectionRestored",
    _var_type=bool,
    _var_data=VarData(
        imports={
            **Imports.CONNECT_ERRORS,
            "react": [ImportVar(tag="useContext"), ImportVar(tag="useEffect"), ImportVar(tag="useState")],
        },
        hooks={
            Hooks.CONNECT_ERRORS: None,
            "const [connectionWasLost, setConnectionWasLost] = useState(false);": None,
            "const [connectionRestored, setConnectionRestored] = useState(false);": None,
            f"""useEffect(() => {{
  if ({lost!s}) {{
    setConnectionWasLost(true);
    setConnectionRestored(false);
  }} else if (connectionWasLost) {{
    setConnectionWasLost(false);
    setConnectionRestored(true);
    const timer = setTimeout(() => setConnectionRestored(false), {RESTORED_SAID_FOR_MS});
    return () => clearTimeout(timer);
  }}
}}, [{lost!s}]);""": None,
        },
    ),
)

# On the notice a page shows: styles.global_css keeps what the keyboard focuses (or a link jumps
# to) clear of it, and tests find it.
SHOWN = {"data_connexion": "perdue"}
region_style = {"position": "sticky", "top": styles.SPACE_0, "z_index": styles.Z_CONNECTION_NOTICE}
band_style = {
    "background": styles.WARNING_SOFT,
    "color": styles.INK,
    "border_bottom": styles.line(styles.BORDER_ACCENT, styles.WARNING),
}
text_style = {
    "max_width": styles.MAX_WIDTH,
    "margin": styles.space(styles.SPACE_0, "auto"),
    "padding": styles.space(styles.SPACE_2, styles.SPACE_4),
    "font_size": styles.TEXT_SM,
    "line_height": styles.LEADING_SNUG,
}


def notice_band(title: str, *detail: str | rx.Component, **props: Any) -> rx.Component:
    """The notice as it looks, a band the width of the page (the gallery draws it alone)."""
    return rx.el.div(
        rx.el.p(
            rx.el.strong(fr(title)),
            " ",
            *[fr(part) if isinstance(part, str) else part for part in detail],
            style=text_style,
        ),
        style=band_style,
        **props,
    )


def lost_notice(**props: Any) -> rx.Component:
    return notice_band(LOST_TITLE, LOST_DETAIL, **props)


def too_long_notice(**props: Any) -> rx.Component:
    # A full page load opens a new connection; a client-side navigation would keep this one.
    home = rx.el.a(fr(TOO_LONG_LINK), href=routes.HOME, reload_document=True)
    return notice_band(TOO_LONG_TITLE, f"{TOO_LONG_DETAIL} ", home, ".", **props)


def connection_notice() -> rx.Component:
    """The live region: empty while connected, the notice while the connection is lost."""
    return rx.el.div(
        rx.cond(
            too_long,
            too_long_notice(**SHOWN),
            rx.cond(
                lost,
                lost_notice(**SHOWN),
                rx.cond(restored, rx.el.p(RESTORED, style=styles.visually_hidden), rx.fragment()),
            ),
        ),
        role="status",
        aria_live="polite",
        data_testid="etat-connexion",
        style=region_style,
    )


@rx.memo
def connection_notice_memo() -> rx.Component:
    # A React component of its own, as Reflex's overlay: the connection's re-renders stop there.
    return connection_notice()


def connection_overlay(stateful: bool) -> rx.Component | None:
    """The app wrap that replaces Reflex's (5, "Overlay"): only an app with state has a socket.

    An app wrap is the parent of the wraps below it, down to the page: the fragment puts the notice
    before the page, beside it.
    """
    return rx.fragment(connection_notice_memo()) if stateful else None
