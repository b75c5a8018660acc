"""A browser whose worker died keeps its token (and its page state) on another worker.

Against the real Redis (tests/conftest.py `redis_url`, required when CI=true): two Reflex token
managers stand for two workers; one "dies" by losing its Redis connections, as `kill -9` does.
"""

from __future__ import annotations

import asyncio
import secrets

import pytest
import redis.asyncio
from reflex.utils.token_manager import RedisTokenManager

from mespoints import worker_liveness


@pytest.fixture(autouse=True)
def installed(monkeypatch):
    """worker_liveness.install(), undone after the test."""
    monkeypatch.setattr(RedisTokenManager, "link_token_to_sid", RedisTokenManager.link_token_to_sid)
    worker_liveness.install()


async def _two_workers_one_token(redis_url: str, *, first_dies: bool) -> str | None:
    """What the second worker answers when a browser linked to the first reconnects to it."""
    first_client = redis.asyncio.Redis.from_url(redis_url)
    second_client = redis.asyncio.Redis.from_url(redis_url)
    first, second = RedisTokenManager(first_client), RedisTokenManager(second_client)
    token = f"test-{secrets.token_hex(8)}"
    try:
        assert await first.link_token_to_sid(token, "sid-on-first") is None
        assert await worker_liveness.is_alive(second, first.instance_id)
        if first_dies:
            for task in (first.__dict__["_mespoints_alive"]["task"], first._socket_record_task):
                if task is not None:
                    task.cancel()
                    with pytest.raises(asyncio.CancelledError):
                        await task
            await first_client.aclose(close_connection_pool=True)
            assert not await worker_liveness.is_alive(second, first.instance_id)
        return await second.link_token_to_sid(token, "sid-on-second")
    finally:
        for manager in (first, second):
            for task in (
                manager.__dict__.get("_mespoints_alive", {}).get("task"),
                manager._socket_record_task,
            ):
                if task is not None:
                    task.cancel()
        await second_client.delete(second._get_redis_key(token))
        await second_client.aclose(close_connection_pool=True)
        await first_client.aclose(close_connection_pool=True)


def test_a_browser_of_a_dead_worker_keeps_its_token_on_another_worker(redis_url):
    assert asyncio.run(_two_workers_one_token(redis_url, first_dies=True)) is None


def test_a_token_held_by_a_live_worker_is_still_a_duplicated_tab(redis_url):
    # Reflex's own rule, kept: a second socket with the token of a live one gets a new token.
    new_token = asyncio.run(_two_workers_one_token(redis_url, first_dies=False))
    assert new_token is not None


def test_without_the_liveness_check_a_dead_workers_browser_starts_over(redis_url, monkeypatch):
    # The failure this module fixes: Reflex alone hands the reconnecting browser a new token.
    monkeypatch.setattr(worker_liveness, "forget_dead_owner", _never_forget)
    assert asyncio.run(_two_workers_one_token(redis_url, first_dies=True)) is not None


async def _never_forget(manager, token):  # type: ignore[no-untyped-def]
    return False


async def _liveness_survives_a_lost_connection(redis_url: str) -> tuple[bool, bool, bool]:
    name = f"mespoints-test-{secrets.token_hex(4)}"
    worker_client = redis.asyncio.Redis.from_url(redis_url, client_name=name)
    checker = redis.asyncio.Redis.from_url(redis_url)
    manager = RedisTokenManager(worker_client)
    try:
        await worker_liveness.ensure_alive_channel(manager)
        before = await worker_liveness.is_alive(manager, manager.instance_id)
        # What a Redis restart does to the worker's subscription: its connection is cut.
        for line in (await checker.execute_command("CLIENT", "LIST")).decode().splitlines():
            fields = dict(item.split("=", 1) for item in line.split() if "=" in item)
            if fields.get("name") == name:
                await checker.execute_command("CLIENT", "KILL", "ID", fields["id"])
        [(_, subscribers)] = await checker.pubsub_numsub(worker_liveness.channel(manager.instance_id))
        cut = subscribers == 0
        for _ in range(40):
            [(_, subscribers)] = await checker.pubsub_numsub(worker_liveness.channel(manager.instance_id))
            if subscribers:
                break
            await asyncio.sleep(0.25)
        return before, cut, bool(subscribers)
    finally:
        manager.__dict__["_mespoints_alive"]["task"].cancel()
        await worker_client.aclose(close_connection_pool=True)
        await checker.aclose(close_connection_pool=True)


def test_a_worker_subscribes_again_after_losing_its_redis_connection(redis_url):
    alive_before, cut, alive_again = asyncio.run(_liveness_survives_a_lost_connection(redis_url))
    assert alive_before and cut
    assert alive_again, "the worker would pass for dead and lose its browsers' tokens"
