"""A Redis lock store for several Rasa servers that frees a dead server's lock and never
loses a live one (endpoints.production.yml: ``type: channels.lock_store.RenewingRedisLockStore``).

Rasa 3.6's ``RedisLockStore`` serves one message per conversation at a time with a
ticket queue in Redis, each ticket expiring ``TICKET_LOCK_LIFETIME`` seconds after it
was issued. Two faults show when a Rasa server dies while it answers a message:

- A waiter's own ticket expires too. When the dead server's ticket was issued less than
  the one-second polling interval before the waiter's, both expire between two polls;
  the queue is then empty, ``now_serving`` is 0, and the waiter waits for ever (until
  its client gives up). A page that sends again as soon as the connection breaks hits
  exactly this: tests/unit/test_lock_store.py shows it with the stock class.
- Every change is a read-modify-write of one JSON value, so two servers issuing a
  ticket at the same moment can overwrite each other's.

Here every ticket a live process holds or waits with is renewed in the background,
so only a dead process's ticket expires (after at most the lifetime), a slow message
keeps its lock however long it takes, and every change is one optimistic Redis
transaction (WATCH/MULTI), retried on conflict. A waiter whose ticket is gone anyway
(the process stalled past the lifetime) takes a new one at the back of the queue.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncGenerator, Callable
from contextlib import asynccontextmanager
from typing import Any

import redis  # type: ignore[import-untyped]
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

# How often a live process renews its tickets, as a share of the lifetime.
RENEW_FRACTION = 0.25


class RenewingRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs}
        if "port" in kwargs:
            kwargs["port"] = int(kwargs["port"])
        if "db" in kwargs:
            kwargs["db"] = int(kwargs["db"])
        super().__init__(**kwargs)

    # -- one atomic change of one conversation's queue ---------------------------------

    def _change(self, conversation_id: str, change: Callable[[TicketLock], Any]) -> Any:
        """Applies ``change`` to the conversation's queue in one Redis transaction.

        ``change`` edits the lock in place and returns a result; an empty queue is
        deleted. Retried when another process changed the queue meanwhile.
        """
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = (
                        TicketLock.from_dict(json.loads(raw))
                        if raw
                        else TicketLock(conversation_id)
                    )
                    result = change(lock)
                    pipe.multi()
                    if lock.tickets:
                        pipe.set(key, lock.dumps())
                    else:
                        pipe.delete(key)
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            return self._change(conversation_id, lambda lock: lock.issue_ticket(lock_lifetime))
        except redis.RedisError as e:
            raise LockError(f"Error while acquiring lock. Error:\n{e}") from e

    def renew(self, conversation_id: str, ticket_number: int, lock_lifetime: float) -> None:
        """Moves a live ticket's expiry forward (a ticket already gone stays gone: its
        waiter queues again, see ``_wait_for_turn``)."""

        def change(lock: TicketLock) -> None:
            lock.remove_expired_tickets()
            for ticket in lock.tickets:
                if ticket.number == ticket_number:
                    ticket.expires = time.time() + lock_lifetime

        self._change(conversation_id, change)

    def update_lock(self, conversation_id: str) -> None:
        self._change(conversation_id, lambda lock: lock.remove_expired_tickets())

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self._change(conversation_id, lambda lock: lock.remove_ticket_for(ticket_number))

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        # An empty queue is deleted by the same transaction that empties it.
        self.finish_serving(conversation_id, ticket_number)

    # -- holding and waiting -----------------------------------------------------------

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncGenerator[TicketLock, None]:
        held = {"ticket": self.issue_ticket(conversation_id, lock_lifetime)}
        renewer = asyncio.ensure_future(self._keep_alive(conversation_id, held, lock_lifetime))
        try:
            yield await self._wait_for_turn(
                conversation_id, held, lock_lifetime, wait_time_in_seconds
            )
        finally:
            renewer.cancel()
            self.cleanup(conversation_id, held["ticket"])

    async def _keep_alive(self, conversation_id: str, held: dict, lock_lifetime: float) -> None:
        interval = max(0.2, lock_lifetime * RENEW_FRACTION)
        while True:
            await asyncio.sleep(interval)
            try:
                self.renew(conversation_id, held["ticket"], lock_lifetime)
            except redis.RedisError:
                logger.warning("could not renew a conversation lock; retrying")

    async def _wait_for_turn(
        self, conversation_id: str, held: dict, lock_lifetime: float, wait: float
    ) -> TicketLock:
        while True:
            lock = self.get_lock(conversation_id)
            numbers = [t.number for t in lock.tickets if not t.has_expired()] if lock else []
            if held["ticket"] not in numbers:
                # Stalled past the lifetime: queue again rather than wait for ever.
                logger.warning("a conversation lock ticket expired while waiting; queued again")
                held["ticket"] = self.issue_ticket(conversation_id, lock_lifetime)
                continue
            if numbers[0] == held["ticket"]:
                return lock
            await asyncio.sleep(wait)
            self.update_lock(conversation_id)
