"""Every URL of the portal, in one place."""

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


def safe_next(target: str | None, default: str = DASHBOARD) -> str:
    """Where to go after login: only a page of the portal, never another site or a backend route."""
    if (
        target
        and target.startswith("/")
        and not target.startswith(("//", "/\\", "/auth/"))
        and "\\" not in target
    ):
        return target
    return default
