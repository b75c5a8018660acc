"""The JavaScript snippets states send to the browser (`rx.call_script`), in one place.

States import these, never `mespoints.components`: components draw, states decide.
"""

from __future__ import annotations

import json

from mespoints import routes
from mespoints.settings import get_settings


def focus_script(field_id: str) -> str:
    """Moves the focus to a field (the first one in error, for keyboard users)."""
    return f"document.getElementById({json.dumps(field_id)})?.focus()"


def reset_form_script(form_id: str) -> str:
    """Empties a form (e.g. the password fields once the change is done)."""
    return f"document.getElementById({json.dumps(form_id)})?.reset()"


def post_to_script(path: str, fields: dict[str, str] | None = None) -> str:
    """Full-page POST to a backend route (hidden form), so the browser follows its redirect."""
    return (
        "(() => { const f = document.createElement('form'); f.method = 'post'; "
        f"f.action = {json.dumps(get_settings().backend_route(path))}; "
        f"for (const [k, v] of Object.entries({json.dumps(fields or {})})) {{ "
        "const i = document.createElement('input'); i.type = 'hidden'; i.name = k; i.value = v; "
        "f.appendChild(i); } document.body.appendChild(f); f.submit(); })()"
    )


def login_with_ticket_script(ticket: str, next_path: str) -> str:
    """Full-page POST of the one-time ticket: keeps it out of URLs and access logs."""
    return post_to_script(routes.SESSION_TICKET, {"ticket": ticket, "suite": next_path})


def franceconnect_login_script() -> str:
    """Full-page POST to start a FranceConnect login, carrying the page's `suite` (the server keeps
    only a page of the portal: routes.safe_next)."""
    return (
        "(() => { const f = document.createElement('form'); f.method = 'post'; "
        f"f.action = {json.dumps(get_settings().backend_route(routes.FRANCECONNECT_LOGIN))}; "
        "const i = document.createElement('input'); i.type = 'hidden'; i.name = 'suite'; "
        "i.value = new URLSearchParams(window.location.search).get('suite') || ''; "
        "f.appendChild(i); document.body.appendChild(f); f.submit(); })()"
    )
