"""A thread's events brought to exactly once (ReHome.Client's ThreadSubscription).

Per stream and epoch it drops seen seqs, holds tokens that came ahead of a gap and replays from the
last contiguous seq, resets on a new epoch and drops a left one, and hands a stream's end on only
once its last seq was. After every (re)connect and on ``agent.resync`` the client calls
:meth:`subscribe` again, which replays every stream from where it stands. Handlers are plain
callables, called one at a time on the event loop, in order.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any, AsyncIterator, Callable, Iterable, Protocol

from .backoff import ReconnectBackoff
from .cursor import EpochMatch, StreamCursor
from .models import ENDED_STATUSES, ReceivedToken, StreamPosition
from .run_versions import RunVersions
from .statistics import ClientStatistics

# A replay that keeps failing waits for the next gap, reconnect or resync instead of being retried for ever.
MAX_REPLAY_RETRIES = 8
log = logging.getLogger("rehome_client")


class Hub(Protocol):
    """The hub calls a subscription makes (the failover connection in the client; an in-memory hub in tests)."""

    async def invoke(self, target: str, *arguments: Any) -> Any: ...

    def stream(self, target: str, *arguments: Any) -> AsyncIterator[Any]: ...

    @property
    def current_url(self) -> str | None: ...


@dataclass
class Handlers:
    on_token: Callable[[ReceivedToken], None]
    on_ended: Callable[[dict[str, Any]], None] | None = None
    on_reset: Callable[[dict[str, Any]], None] | None = None
    on_run_updated: Callable[[dict[str, Any]], None] | None = None


class ThreadSubscription:
    def __init__(self, thread_id: str, handlers: Handlers, hub: Hub, statistics: ClientStatistics,
                 replay_backoff: ReconnectBackoff, resume_from: Iterable[StreamPosition] = (),
                 only_stream_id: str | None = None, clock: Callable[[], float] = time.time) -> None:
        self.thread_id = thread_id
        self._handlers = handlers
        self._hub = hub
        self._statistics = statistics
        self._replay_backoff = replay_backoff
        self._only_stream_id = only_stream_id
        self._clock = clock
        self._streams: dict[str, StreamCursor] = {}
        self._replaying: set[str] = set()
        self._replay_again: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._runs = RunVersions()
        self.closed = False
        for position in resume_from:
            cursor = StreamCursor(position.stream_id, position.seq, position.epoch)
            cursor.last_activity = clock()
            self._streams[position.stream_id] = cursor

    def positions(self) -> list[StreamPosition]:
        """Where each stream stands: save these, pass them as ``resume_from`` to continue later."""
        return [cursor.position for cursor in self._streams.values()]

    async def subscribe(self) -> None:
        """Subscribes (again) on the current connection, takes the runs it reports and replays every stream."""
        result = await self._hub.invoke("Subscribe", self.thread_id) or {}
        for summary in result.get("streams") or []:
            if not self._wanted(summary["streamId"]):
                continue
            cursor = self._cursor_of(summary["streamId"])
            if not self._take_epoch(cursor, summary.get("epoch"), summary.get("runId", "")):
                continue
            cursor.last_activity = self._clock()
            cursor.seen_streaming |= summary.get("status") == "streaming"
            if summary.get("status") in ENDED_STATUSES and cursor.end is None:
                cursor.end = {"threadId": self.thread_id, "runId": summary.get("runId"), "streamId": cursor.stream_id,
                              "lastSeq": summary.get("lastSeq", 0), "status": summary["status"], "epoch": cursor.epoch}
            # Replay even when Subscribe's lastSeq is ours: tokens may have been written since it was read.
            self._request_replay(cursor.stream_id)
            self._hand_on_end_if_reached(cursor)
        for run in result.get("runs") or []:
            self.take_run_update(run)
        self._forget_streams_the_server_forgot({summary["streamId"] for summary in result.get("streams") or []})

    def _forget_streams_the_server_forgot(self, listed: set[str]) -> None:
        """Drops the cursor of a stream whose end was handed on and that the api no longer lists.

        Its retention passed, so it cannot send anything again: a subscription that lives for days keeps
        only what the server keeps (a stream id used again later starts from a fresh cursor).
        """
        for stream_id in [stream_id for stream_id, cursor in self._streams.items()
                          if cursor.end_handed_on and stream_id not in listed]:
            del self._streams[stream_id]

    def take_token(self, event: dict[str, Any], replayed: bool = False) -> None:
        if not self._wanted(event["streamId"]):
            return
        received = ReceivedToken(event, self._clock(), replayed)
        cursor = self._cursor_of(event["streamId"])
        if not self._take_epoch(cursor, event.get("epoch"), event.get("runId", "")):
            return
        cursor.last_activity = received.received_at
        cursor.seen_streaming = True
        ready, duplicate = cursor.accept(received)
        for token in ready:
            self._handlers.on_token(token)
        if duplicate:
            self._statistics.duplicates_dropped += 1
        if cursor.has_gap:
            self._request_replay(cursor.stream_id)
        self._hand_on_end_if_reached(cursor)

    def take_reset(self, event: dict[str, Any]) -> None:
        if self._wanted(event["streamId"]):
            self._take_epoch(self._cursor_of(event["streamId"]), event.get("epoch"), event.get("runId", ""))

    def take_end(self, event: dict[str, Any]) -> None:
        if not self._wanted(event["streamId"]):
            return
        cursor = self._cursor_of(event["streamId"])
        if not self._take_epoch(cursor, event.get("epoch"), event.get("runId", "")):
            return
        cursor.end = event
        if cursor.has_gap:
            self._request_replay(cursor.stream_id)
        self._hand_on_end_if_reached(cursor)

    def take_run_update(self, run: dict[str, Any]) -> None:
        if self._runs.is_newer(run) and self._handlers.on_run_updated is not None:
            self._handlers.on_run_updated(run)

    def take_silent_live_streams(self, now: float, timeout: float) -> bool:
        """True when a live stream has been silent longer than ``timeout``; those count as active again."""
        silent = [cursor for cursor in self._streams.values() if cursor.is_live and now - cursor.last_activity > timeout]
        for cursor in silent:
            cursor.last_activity = now
        return bool(silent)

    async def replays_done(self) -> None:
        """Waits until no replay is running (tests, and callers that want a settled state)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self) -> None:
        """Stops the replays; the client unsubscribes when no other subscription wants the thread."""
        self.closed = True
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def _take_epoch(self, cursor: StreamCursor, epoch: str | None, run_id: str) -> bool:
        """False when the event belongs to an epoch the stream has left; resets the stream on a new one."""
        match = cursor.match(epoch)
        if match is EpochMatch.LEFT:
            return False
        if match is EpochMatch.NEW:
            cursor.reset(epoch or "")
            cursor.last_activity = self._clock()
            if self._handlers.on_reset is not None:
                self._handlers.on_reset({"threadId": self.thread_id, "runId": run_id,
                                         "streamId": cursor.stream_id, "epoch": epoch})
            self._request_replay(cursor.stream_id)
        return True

    def _hand_on_end_if_reached(self, cursor: StreamCursor) -> None:
        end = cursor.end_to_hand_on()
        if end is not None and self._handlers.on_ended is not None:
            self._handlers.on_ended(end)

    def _request_replay(self, stream_id: str, failed_attempts: int = 0) -> None:
        """Starts a replay from the last contiguous seq, or asks the running one to go once more."""
        if self.closed:
            return
        if stream_id in self._replaying:
            self._replay_again.add(stream_id)
            return
        self._replaying.add(stream_id)
        task = asyncio.get_running_loop().create_task(self._replay(stream_id, failed_attempts))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _replay(self, stream_id: str, failed_attempts: int) -> None:
        try:
            while True:
                self._replay_again.discard(stream_id)
                if stream_id not in self._streams:
                    # Forgotten meanwhile (the server no longer lists it): nothing to catch up.
                    self._replaying.discard(stream_id)
                    return
                start = self._streams[stream_id].seq
                self._statistics.replays += 1
                async for event in self._hub.stream("Replay", self.thread_id, stream_id, start):
                    self.take_token(event, replayed=True)
                failed_attempts = 0
                # Once more only when asked meanwhile and this round moved on; a gap the log cannot fill stays.
                if stream_id not in self._replay_again or stream_id not in self._streams or self._streams[stream_id].seq == start:
                    self._replaying.discard(stream_id)
                    return
        except asyncio.CancelledError:
            self._replaying.discard(stream_id)
            raise
        except Exception as exception:  # noqa: BLE001 - a failed replay is retried, never fatal
            self._replaying.discard(stream_id)
            self._replay_again.discard(stream_id)
            log.info("replaying %s/%s failed: %s", self.thread_id, stream_id, exception)
            await self._retry_replay(stream_id, failed_attempts + 1)

    async def _retry_replay(self, stream_id: str, failed_attempts: int) -> None:
        """A replay refused or failed while the connection stays up is tried again after a growing delay.

        Nothing else would, for a stream that has ended. A lost connection needs no retry here: the
        reconnect subscribes and replays.
        """
        if failed_attempts > MAX_REPLAY_RETRIES or self._hub.current_url is None or self.closed:
            return
        await asyncio.sleep(self._replay_backoff.delay_before(failed_attempts))
        self._request_replay(stream_id, failed_attempts)

    def _wanted(self, stream_id: str) -> bool:
        return self._only_stream_id is None or self._only_stream_id == stream_id

    def _cursor_of(self, stream_id: str) -> StreamCursor:
        cursor = self._streams.get(stream_id)
        if cursor is None:
            cursor = self._streams[stream_id] = StreamCursor(stream_id)
            cursor.last_activity = self._clock()
        return cursor
