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
ACCOUNT = "/compte"
EMAIL_CHANGE_CONFIRM = "/compte/confirmer-adresse"
# « Ce n'était pas moi »: cancels an email change, from the link mailed to the old address.
EMAIL_CHANGE_CANCEL = "/compte/annuler-changement-adresse"
LEGAL_NOTICE = "/mentions-legales"
ACCESSIBILITY = "/accessibilite"
PERSONAL_DATA = "/donnees-personnelles"
TERMS = "/conditions-generales"
MAILBOX = "/boite-de-test"
UNAVAILABLE = "/service-indisponible"

# Backend HTTP routes (Starlette), reached by full page loads only.
HEALTH = "/health"
SESSION_TICKET = "/auth/session"
LOGOUT = "/auth/logout"
FRANCECONNECT_CALLBACK = "/auth/franceconnect/callback"
FRANCECONNECT_LOGGED_OUT = "/auth/franceconnect/logged-out"
# FranceConnect: start a login (POST from the button), open the session once the sign-up is done.
FRANCECONNECT_LOGIN = "/auth/franceconnect/login"
FRANCECONNECT_SESSION = "/auth/franceconnect/session"
# Pages of the FranceConnect journey: first login (licence steps, claims), and every failure.
FRANCECONNECT_SIGNUP = "/inscription/franceconnect"
FRANCECONNECT_ERROR = "/franceconnect/erreur"


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
