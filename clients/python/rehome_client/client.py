"""The client a program uses (ReHome.Client's ReHomeClient).

It owns the failover connection, routes the hub's thread events to the subscriptions that want
them, subscribes them all again after every reconnect and on ``agent.resync``, and — as the
contract's fallback for broadcasts lost without the socket closing — subscribes again a
subscription whose live stream has been silent for ``silent_stream_timeout`` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any, AsyncIterator, Callable, Iterable

from .backoff import ReconnectBackoff
from .errors import NotConnectedError, ReHomeError
from .failover import AccessToken, FailoverConnection
from .models import ReceivedToken, StreamPosition
from .statistics import ClientStatistics
from .subscription import Handlers, ThreadSubscription

log = logging.getLogger("rehome_client")

_EVENTS = {
    "agent.thread.token": lambda subscription, event: subscription.take_token(event, replayed=False),
    "agent.thread.stream.reset": ThreadSubscription.take_reset,
    "agent.thread.stream.ended": ThreadSubscription.take_end,
    "agent.thread.run.updated": ThreadSubscription.take_run_update,
}


class ReHomeClient:
    """A client of the ReHome hub over one or several api addresses. Use ``async with`` or call :meth:`close`."""

    def __init__(self, api_urls: list[str], access_token: AccessToken, *, first_reconnect_delay: float = 1.0,
                 max_reconnect_delay: float = 30.0, silent_stream_timeout: float | None = 30.0) -> None:
        self.statistics = ClientStatistics()
        """Reconnects, resyncs, replays and dropped duplicates so far."""
        # The reconnect delays with one "address": a failed replay waits the first delay, then double, and so on.
        self._replay_backoff = ReconnectBackoff(1, first_reconnect_delay, max_reconnect_delay)
        self._connection = FailoverConnection(list(api_urls), access_token, self._on_event, self.statistics,
                                              ReconnectBackoff(len(api_urls) or 1, first_reconnect_delay,
                                                               max_reconnect_delay))
        self._connection.on_connected = self._subscribe_all
        self._subscriptions: list[ThreadSubscription] = []
        self._silent_stream_timeout = silent_stream_timeout
        self._silent_watch: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def connected_to(self) -> str | None:
        """The api address of the live connection, if any."""
        return self._connection.current_url

    @property
    def last_connect_error(self) -> BaseException | None:
        """Why the last connection attempt failed, while no connection is made; None once one is."""
        return self._connection.last_connect_error

    async def connect(self) -> None:
        """Connects to the first api that answers; keeps trying (with back-off) until cancelled."""
        await self._connection.start()
        if self._silent_stream_timeout and self._silent_watch is None:
            self._silent_watch = asyncio.create_task(self._watch_silent_streams(self._silent_stream_timeout))

    async def subscribe(self, thread_id: str, on_token: Callable[[ReceivedToken], None],
                        on_ended: Callable[[dict[str, Any]], None] | None = None,
                        on_reset: Callable[[dict[str, Any]], None] | None = None,
                        on_run_updated: Callable[[dict[str, Any]], None] | None = None,
                        resume_from: Iterable[StreamPosition] | None = None) -> ThreadSubscription:
        """Subscribes to a thread: each ``(streamId, seq)`` of the current epoch goes to ``on_token`` once, in order.

        ``resume_from`` names streams already shown up to a seq (from :meth:`positions`): their tokens
        after it are replayed, nothing before is handed on again. A refusal raises :class:`ReHomeError`
        (``code`` ``forbidden`` for a thread that is missing or not yours).
        """
        handlers = Handlers(on_token, on_ended, on_reset, on_run_updated)
        return await self._add(thread_id, handlers, resume_from or (), None)

    def positions(self, thread_id: str) -> list[StreamPosition]:
        """Where each stream of the thread's subscriptions stands: save these to resume later."""
        return [position for subscription in self._subscriptions if subscription.thread_id == thread_id
                for position in subscription.positions()]

    async def read_stream(self, thread_id: str, stream_id: str,
                          resume_at: StreamPosition | None = None) -> AsyncIterator[ReceivedToken]:
        """One stream's tokens, each once and in order, after ``resume_at`` (or from its start) until it ends.

        After a reset (a new epoch) its tokens start again at seq 1.
        """
        tokens: asyncio.Queue[ReceivedToken | None] = asyncio.Queue()
        handlers = Handlers(tokens.put_nowait, on_ended=lambda _: tokens.put_nowait(None))
        resume = [StreamPosition(stream_id, resume_at.seq, resume_at.epoch)] if resume_at else []
        subscription = await self._add(thread_id, handlers, resume, stream_id)
        try:
            while (token := await tokens.get()) is not None:
                yield token
        finally:
            await self.unsubscribe(subscription)

    async def cancel(self, thread_id: str, run_id: str) -> None:
        """Asks the api to stop a run (the user pressed stop)."""
        await self._connection.invoke("Cancel", thread_id, run_id)

    async def unsubscribe(self, subscription: ThreadSubscription) -> None:
        """Ends a subscription; the hub is told when no other subscription wants the thread."""
        await subscription.close()
        if subscription in self._subscriptions:
            self._subscriptions.remove(subscription)
        if all(other.thread_id != subscription.thread_id for other in self._subscriptions):
            with contextlib.suppress(NotConnectedError):
                await self._connection.invoke("Unsubscribe", subscription.thread_id)

    async def close(self) -> None:
        for subscription in list(self._subscriptions):
            await subscription.close()
        for task in [self._silent_watch, *self._tasks]:
            if task is not None:
                task.cancel()
        await self._connection.close()

    async def __aenter__(self) -> "ReHomeClient":
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def _add(self, thread_id: str, handlers: Handlers, resume_from: Iterable[StreamPosition],
                   only_stream_id: str | None) -> ThreadSubscription:
        if not thread_id:
            raise ValueError("thread_id is required")
        subscription = ThreadSubscription(thread_id, handlers, self._connection, self.statistics,
                                          self._replay_backoff, resume_from, only_stream_id)
        self._subscriptions.append(subscription)
        try:
            await subscription.subscribe()
        except BaseException:
            self._subscriptions.remove(subscription)
            await subscription.close()
            raise
        return subscription

    def _on_event(self, target: str, arguments: list[Any]) -> None:
        if target == "agent.resync":
            log.info("the api asked for a resync (%s)", arguments[0].get("reason") if arguments else None)
            self.statistics.resyncs += 1
            self._spawn(self._subscribe_all())
            return
        take = _EVENTS.get(target)
        if take is None or not arguments or not isinstance(arguments[0], dict):
            return
        event = arguments[0]
        for subscription in [s for s in self._subscriptions if s.thread_id == event.get("threadId")]:
            take(subscription, event)

    async def _subscribe_all(self) -> None:
        for subscription in list(self._subscriptions):
            await self._resubscribe(subscription)

    async def _resubscribe(self, subscription: ThreadSubscription) -> None:
        try:
            await subscription.subscribe()
        except ReHomeError as error:
            log.warning("subscribing to %s again failed: %s", subscription.thread_id, error)

    async def _watch_silent_streams(self, timeout: float) -> None:
        while True:
            await asyncio.sleep(timeout / 4)
            now = time.time()
            for subscription in list(self._subscriptions):
                if subscription.take_silent_live_streams(now, timeout):
                    await self._resubscribe(subscription)

    def _spawn(self, work: Any) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
