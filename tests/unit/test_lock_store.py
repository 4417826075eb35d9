"""channels/lock_store.py against a real Redis: a dead server's lock frees itself, a live
one is never lost, and servers racing for one conversation take turns.

Runs when TEST_REDIS_URL is set (.ci/run starts Redis).
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
import uuid
from urllib.parse import urlsplit

import pytest
from rasa.core.lock_store import RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from channels.lock_store import RenewingRedisLockStore

REDIS = os.environ.get("TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(not REDIS, reason="TEST_REDIS_URL not set (.ci/run sets it)")
DB = 7  # apart from the servers' db 1


def _where() -> dict:
    url = urlsplit(REDIS or "redis://127.0.0.1:6379/0")
    return {"host": url.hostname or "127.0.0.1", "port": url.port or 6379, "db": DB}


def ours() -> RenewingRedisLockStore:
    where = _where()
    return RenewingRedisLockStore(
        endpoint_config=EndpointConfig(
            url=where["host"], port=str(where["port"]), db=str(where["db"]), type="x"
        )
    )


def conversation() -> str:
    return f"lock-test-{uuid.uuid4().hex}"


async def _acquire_within(store: RedisLockStore, cid: str, lifetime: float, seconds: float):
    async def take() -> float:
        async with store.lock(cid, lock_lifetime=lifetime, wait_time_in_seconds=0.5):
            return time.time()

    return await asyncio.wait_for(take(), seconds)


def _dead_server_then_retry(store: RedisLockStore, lifetime: float, seconds: float) -> float:
    """A server takes the lock and dies; 0.2 s later the resent message waits for it."""
    cid = conversation()
    store.issue_ticket(cid, lifetime)  # the dead server's ticket: never finished
    time.sleep(0.2)
    start = time.time()
    return asyncio.run(_acquire_within(store, cid, lifetime, seconds)) - start


def test_the_stock_store_waits_for_ever_after_a_dead_server():
    # Why the class exists: its own ticket expires between two polls, right after the
    # dead one, and the waiter is never served.
    stock = RedisLockStore(**_where())
    with pytest.raises(asyncio.TimeoutError):
        _dead_server_then_retry(stock, lifetime=1, seconds=4)


def test_a_dead_servers_lock_frees_itself_within_its_lifetime():
    took = _dead_server_then_retry(ours(), lifetime=1, seconds=4)
    assert 0.5 <= took <= 2.5, took


def test_a_live_server_keeps_its_lock_past_the_lifetime():
    cid, events = conversation(), []

    async def holder(store):
        async with store.lock(cid, lock_lifetime=1, wait_time_in_seconds=0.2):
            events.append(("held", time.time()))
            await asyncio.sleep(3.0)  # a slow message: three lifetimes
            events.append(("released", time.time()))

    async def waiter(store):
        await asyncio.sleep(0.3)
        async with store.lock(cid, lock_lifetime=1, wait_time_in_seconds=0.2):
            events.append(("waiter", time.time()))

    async def both():
        await asyncio.gather(holder(ours()), waiter(ours()))

    asyncio.run(both())
    assert [name for name, _ in events] == ["held", "released", "waiter"], events
    assert ours().get_lock(cid) is None  # nothing left behind


def test_servers_racing_for_one_conversation_take_turns():
    cid, inside, most, served = conversation(), [0], [0], []
    guard = threading.Lock()

    def server(n: int) -> None:
        store = ours()  # its own connection, as each Rasa server has

        async def one(i: int) -> None:
            async with store.lock(cid, lock_lifetime=2, wait_time_in_seconds=0.02):
                with guard:
                    inside[0] += 1
                    most[0] = max(most[0], inside[0])
                await asyncio.sleep(0.01)
                with guard:
                    inside[0] -= 1
                    served.append((n, i))

        async def many() -> None:
            await asyncio.gather(*(one(i) for i in range(8)))

        asyncio.run(many())

    threads = [threading.Thread(target=server, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(served) == 32 and len(set(served)) == 32
    assert most[0] == 1
    assert ours().get_lock(cid) is None
