"""How often one browser and one network may ask a worker for CPU-heavy work (services.cpu_guard),
and that work done without holding the state's lock.

A handler that checks or hashes a password is a background event (`@rx.event(background=True)`):
it reads the form and the state under `async with self:`, marks the form as being sent
(`submitting`, so a second click does nothing), releases the lock while argon2/zxcvbn waits for a
slot and runs (`off_the_lock`), then writes the result under the lock again. Holding Reflex's Redis
lock during that wait made it expire (`redis_lock_expiration`, 10 s) under load: the driver saw
« Une erreur inattendue est survenue » (docs/capacite.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import reflex as rx

from mespoints.services import rate_limit
from mespoints.services.cpu_guard import CpuBusy, Window, first_wait, run_cpu_bound

T = TypeVar("T")

# Logins and the account page's password confirmations (argon2 each, right password or not).
PASSWORD_CHECKS_PER_CLIENT = Window(10, 60)
PASSWORD_CHECKS_PER_NETWORK = Window(120, 60)
# The worker's queue of password checks is already too long (services.cpu_guard.CpuBusy).
BUSY_MESSAGE = "Trop de demandes en ce moment : réessayez dans quelques secondes."


def cpu_wait(state: rx.State, per_client: Window, per_network: Window) -> int | None:
    """Counts one request of this browser and of its network; the seconds to wait, or None."""
    client_ip = state.router.session.client_ip or ""
    return first_wait(
        per_client.hit(state.router.session.client_token or client_ip),
        per_network.hit(rate_limit.ip_key(client_ip)) if client_ip else None,
    )


class Submitting(Protocol):
    """A state whose form is being sent: `submitting` is true from the form's reading until the
    result is written; a second submit meanwhile is ignored. Its page draws it with
    components/forms.py (busy_form, submit_button's `busy`): the button says so, aria-disabled, and
    the browser sends nothing more."""

    submitting: bool

    async def __aenter__(self) -> Any: ...

    async def __aexit__(self, *exc_info: object) -> None: ...


async def off_the_lock(state: Submitting, function: Callable[..., T], /, **kwargs: Any) -> T | None:
    """`function(**kwargs)` through `run_cpu_bound`, called by a background handler outside
    `async with state:`; None when the worker's queue is too long (say BUSY_MESSAGE). Should the
    work fail, `submitting` is cleared before the error goes on to Reflex's handler, so the form
    can be sent again."""
    try:
        return await run_cpu_bound(function, **kwargs)
    except CpuBusy:
        return None
    except BaseException:
        async with state:
            state.submitting = False
        raise
