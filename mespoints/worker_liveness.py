"""A browser whose worker died keeps its page state when it reconnects to another worker.

With Redis, Reflex 0.10.1 records which worker holds each browser's socket (key
`token_manager_socket_record_{token}`, kept an hour) and deletes the record when the socket closes.
A worker killed with `kill -9` never deletes its records: when its browsers reconnect to another
worker, Reflex finds the record, takes them for a duplicated tab and gives them a new token, so the
page starts over with an empty state (the sign-up wizard loses what was typed).

Here each worker holds a subscription to a channel named after its Reflex instance id. Redis drops
the subscriptions of a dead process the moment its connection closes, so `PUBSUB NUMSUB` tells at
once whether a record's owner is alive. A record owned by a dead worker is removed before Reflex
links the token, which then keeps its state; a record owned by a live worker (a real duplicated
tab) is left to Reflex's own handling. `install()` is called by the launcher before the workers fork.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from reflex.utils.token_manager import RedisTokenManager

logger = logging.getLogger(__name__)

CHANNEL_PREFIX = "mespoints_worker_alive:"
READY_TIMEOUT_SECONDS = 2.0
RESUBSCRIBE_SECONDS = 1.0
_original_link = RedisTokenManager.link_token_to_sid


def channel(instance_id: str) -> str:
    return f"{CHANNEL_PREFIX}{instance_id}"


async def _hold_alive_channel(manager: RedisTokenManager, ready: asyncio.Event) -> None:
    """Subscribes to this worker's channel for the worker's lifetime, again after a Redis outage."""
    while True:
        try:
            async with manager.redis.pubsub() as pubsub:
                await pubsub.subscribe(channel(manager.instance_id))
                async for message in pubsub.listen():
                    if message["type"] == "subscribe":
                        ready.set()
        except Exception:  # Redis restarted or out of reach: subscribe again once it answers
            ready.clear()
            logger.info("worker liveness channel lost, subscribing again", exc_info=True)
        await asyncio.sleep(RESUBSCRIBE_SECONDS)


async def ensure_alive_channel(manager: RedisTokenManager) -> None:
    """Starts the subscription once per worker and waits (briefly) until it holds."""
    state: dict[str, Any] = manager.__dict__.setdefault("_mespoints_alive", {})
    task: asyncio.Task | None = state.get("task")
    if task is None or task.done():
        state["ready"] = asyncio.Event()
        state["task"] = asyncio.create_task(
            _hold_alive_channel(manager, state["ready"]), name="mespoints_worker_alive"
        )
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(state["ready"].wait(), READY_TIMEOUT_SECONDS)


async def is_alive(manager: RedisTokenManager, instance_id: str) -> bool:
    [(_, subscribers)] = await manager.redis.pubsub_numsub(channel(instance_id))
    return bool(subscribers)


async def forget_dead_owner(manager: RedisTokenManager, token: str) -> bool:
    """Removes the token's socket record when the worker that wrote it is dead; True if removed."""
    key = manager._get_redis_key(token)
    if not await manager.redis.exists(key):
        return False
    record = await manager._fetch_socket_record(token)
    if record is None or record.instance_id == manager.instance_id:
        return False
    if await is_alive(manager, record.instance_id):
        return False
    await manager.redis.delete(key)
    manager.token_to_socket.pop(token, None)
    manager.sid_to_token.pop(record.sid, None)
    logger.info("socket record of a dead worker released: the browser keeps its state")
    return True


async def _link_token_to_sid(self: RedisTokenManager, token: str, sid: str) -> str | None:
    try:
        await ensure_alive_channel(self)
        await forget_dead_owner(self, token)
    except Exception:  # Redis trouble: Reflex's own handling decides, as before
        logger.warning("worker liveness check failed", exc_info=True)
    return await _original_link(self, token, sid)


def install() -> None:
    """Makes Reflex's Redis token manager release the records of dead workers (idempotent)."""
    RedisTokenManager.link_token_to_sid = _link_token_to_sid  # type: ignore[method-assign]
