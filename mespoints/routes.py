"""Every URL of the portal, in one place."""

import re
import unicodedata
from urllib.parse import unquote

HOME = "/"
SIGNUP = "/inscription"
SIGNUP_DONE = "/inscription/verifiez-votre-messagerie"
ACTIVATION = "/activation"
ACTIVATION_RESEND = "/activation/nouveau-lien"
LOGIN = "/connexion"
LOGGED_OUT = "/deconnexion"
PASSWORD_FORGOTTEN = "/mot-de-passe/oublie"
PASSWORD_RESET = "/mot-de-passe/nouveau"
DASHBOARD = "/tableau-de-bord"
# The driver's pages share one navigation (interfaces.md section 5); a mail may link to any of them.
DASHBOARD_HISTORY = "/tableau-de-bord/historique"
DASHBOARD_FORECAST = "/tableau-de-bord/previsionnel"
DASHBOARD_LETTERS = "/tableau-de-bord/courriers"
DOCUMENTS = "/documents"
NOTIFICATIONS = "/notifications"
# Public: checks an attestation's code (the QR code holds VERIFY?code=…).
VERIFY = "/verifier"
ACCOUNT = "/compte"
EMAIL_CHANGE_CONFIRM = "/compte/confirmer-adresse"
# « Ce n'était pas moi »: cancels an email change, from the link mailed to the old address.
EMAIL_CHANGE_CANCEL = "/compte/annuler-changement-adresse"
LEGAL_NOTICE = "/mentions-legales"
ACCESSIBILITY = "/accessibilite"
PERSONAL_DATA = "/donnees-personnelles"
TERMS = "/conditions-generales"
UNDERSTANDING = "/comprendre-le-calcul"
MAILBOX = "/boite-de-test"
UNAVAILABLE = "/service-indisponible"
# Reflex's name for the page any unknown address shows; not a place to come back to.
NOT_FOUND = "404"
# Development only (`make dev`, or MESPOINTS_GALLERY=1): every component in each state. Not in
# PAGE_PATHS: no `suite` or `retour` ever leads there.
GALLERY = "/atelier"

# Backend HTTP routes (Starlette), reached by full page loads only.
HEALTH = "/health"
SESSION_TICKET = "/auth/session"
LOGOUT = "/auth/logout"
FRANCECONNECT_CALLBACK = "/auth/franceconnect/callback"
FRANCECONNECT_LOGGED_OUT = "/auth/franceconnect/logged-out"
# Downloads for the signed-in driver (HttpOnly session cookie), generated on request, never stored.
ATTESTATION_PDF = "/documents/attestation.pdf"
RELEVE_PDF = "/documents/releve-integral.pdf"
CALENDAR_ICS = "/documents/agenda.ics"
DATA_EXPORT = "/compte/mes-donnees.json"
# FranceConnect: start a login (POST from the button), open the session once the sign-up is done.
FRANCECONNECT_LOGIN = "/auth/franceconnect/login"
FRANCECONNECT_SESSION = "/auth/franceconnect/session"
# Pages of the FranceConnect journey: first login (licence steps, claims), and every failure.
FRANCECONNECT_SIGNUP = "/inscription/franceconnect"
FRANCECONNECT_ERROR = "/franceconnect/erreur"

# Every page of the portal: the only places a `suite` or `retour` parameter may lead to.
PAGE_PATHS: frozenset[str] = frozenset(
    {
        HOME,
        SIGNUP,
        SIGNUP_DONE,
        ACTIVATION,
        ACTIVATION_RESEND,
        LOGIN,
        LOGGED_OUT,
        PASSWORD_FORGOTTEN,
        PASSWORD_RESET,
        DASHBOARD,
        DASHBOARD_HISTORY,
        DASHBOARD_FORECAST,
        DASHBOARD_LETTERS,
        DOCUMENTS,
        NOTIFICATIONS,
        VERIFY,
        ACCOUNT,
        EMAIL_CHANGE_CONFIRM,
        EMAIL_CHANGE_CANCEL,
        LEGAL_NOTICE,
        ACCESSIBILITY,
        PERSONAL_DATA,
        TERMS,
        UNDERSTANDING,
        MAILBOX,
        UNAVAILABLE,
        FRANCECONNECT_SIGNUP,
        FRANCECONNECT_ERROR,
    }
)

# A query string of RFC 3986 characters only (no space, control, backslash, non-ASCII, `#`).
_QUERY = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*")
_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_MAX_TARGET_LENGTH = 2048


def _is_forbidden(character: str) -> bool:
    """What an escape may not decode into: characters a browser strips, folds or splits on."""
    return (
        character in "/\\"
        or character.isspace()
        or unicodedata.category(character) in {"Cc", "Cf", "Zs", "Zl", "Zp"}
    )


def _query_is_safe(query: str) -> bool:
    if not _QUERY.fullmatch(query):
        return False
    # What escapes decode into (escaped twice or thrice too) is never a control, space or slash.
    for _ in range(3):
        for run in _ESCAPES.findall(query):
            if any(_is_forbidden(c) for c in unquote(run, errors="replace")):
                return False
        decoded = unquote(query, errors="replace")
        if decoded == query:
            return True
        query = decoded
    return False


def safe_next(target: str | None, default: str = DASHBOARD) -> str:
    """Where to go after login or a retry: a page of the portal (PAGE_PATHS), with its query.

    Anything else gives ``default``: another site, a backend route, a path with control
    characters, spaces, backslashes or escapes of them, which browsers strip or fold
    (Chromium reads ``/<TAB>/evil.example`` as ``//evil.example``).
    """
    if not target or len(target) > _MAX_TARGET_LENGTH:
        return default
    path, has_query, query = target.partition("?")
    if not _is_page(path) or (has_query and not _query_is_safe(query)):
        return default
    return target


def _is_page(path: str) -> bool:
    # The production build serves pages as folders: `window.location.pathname` ends with "/".
    return path in PAGE_PATHS or (path.endswith("/") and path[:-1] in PAGE_PATHS - {HOME})
