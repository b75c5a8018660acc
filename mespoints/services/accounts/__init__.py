"""Account use cases: sign-up, activation, login, password reset, account changes, housekeeping.

Every function is keyword-only, takes the engine and `now` (naive UTC, injected by callers and
tests) and returns an `Outcome`; none raises for a user mistake. Forms get
`errors: dict[field, list[French message]]` keyed by the input's name.

Security decisions (docs/security.md tells them in French):
- Never reveal whether an email or a licence has an account: the forms that could tell
  (sign-up's end, new activation link, forgotten password, email change) write one request row
  whatever the address and answer the same; the mail sender decides what to send (`requests`).
- Emails are stored normalized (trimmed, lower case). Passwords as argon2id (services.security).
- Mailed links are single-use, hashed and short-lived (`tokens`).
- A licence is bound to the first account activated with it (`activation.bind_licence`).
- A new password cancels pending email changes; the old address is told of a change request at
  once, with « Ce n'était pas moi » (`account_changes`).
"""

from mespoints.services.accounts.account_changes import (
    cancel_email_change,
    change_password,
    check_undo_link,
    close_account,
    confirm_email_change,
    request_email_change,
)
from mespoints.services.accounts.activation import activate, resend_activation
from mespoints.services.accounts.common import mask_email, normalize_email, paris_time_text
from mespoints.services.accounts.housekeeping import housekeeping, run_housekeeping_forever
from mespoints.services.accounts.login import authenticate
from mespoints.services.accounts.outcome import (
    MSG_INVALID_LOGIN,
    MSG_LICENCE_FORMAT,
    MSG_LICENCE_MISMATCH,
    MSG_LICENCE_NUMBER,
    MSG_SAME_EMAIL,
    MSG_SAME_PASSWORD,
    MSG_TERMS,
    MSG_WRONG_CURRENT_PASSWORD,
    MSG_WRONG_PASSWORD,
    Errors,
    Outcome,
    Status,
    too_many_attempts_message,
)
from mespoints.services.accounts.password_reset import (
    check_reset_token,
    request_password_reset,
    reset_password,
)
from mespoints.services.accounts.requests import HANDLERS as REQUEST_HANDLERS
from mespoints.services.accounts.requests import process_requests
from mespoints.services.accounts.signup import SignupDraft, check_licence, register

__all__ = [
    "MSG_INVALID_LOGIN",
    "MSG_LICENCE_FORMAT",
    "MSG_LICENCE_MISMATCH",
    "MSG_LICENCE_NUMBER",
    "MSG_SAME_EMAIL",
    "MSG_SAME_PASSWORD",
    "MSG_TERMS",
    "MSG_WRONG_CURRENT_PASSWORD",
    "MSG_WRONG_PASSWORD",
    "REQUEST_HANDLERS",
    "Errors",
    "Outcome",
    "SignupDraft",
    "Status",
    "activate",
    "authenticate",
    "cancel_email_change",
    "change_password",
    "check_licence",
    "check_reset_token",
    "check_undo_link",
    "close_account",
    "confirm_email_change",
    "housekeeping",
    "mask_email",
    "normalize_email",
    "paris_time_text",
    "process_requests",
    "register",
    "request_email_change",
    "request_password_reset",
    "resend_activation",
    "reset_password",
    "run_housekeeping_forever",
    "too_many_attempts_message",
]
