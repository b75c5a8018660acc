"""How often one browser and one network may ask a worker for CPU-heavy work (services.cpu_guard)."""

from __future__ import annotations

import reflex as rx

from mespoints.services import rate_limit
from mespoints.services.cpu_guard import Window, first_wait

# Logins and the account page's password confirmations (argon2 each, right password or not).
PASSWORD_CHECKS_PER_CLIENT = Window(10, 60)
PASSWORD_CHECKS_PER_NETWORK = Window(120, 60)


def cpu_wait(state: rx.State, per_client: Window, per_network: Window) -> int | None:
    """Counts one request of this browser and of its network; the seconds to wait, or None."""
    client_ip = state.router.session.client_ip or ""
    return first_wait(
        per_client.hit(state.router.session.client_token or client_ip),
        per_network.hit(rate_limit.ip_key(client_ip)) if client_ip else None,
    )
