"""One SignalR connection over one WebSocket: the handshake, calls and their completions, streams, pings.

It knows nothing of threads or failover: it turns hub calls into records and records back into
results, stream items and server events, and says (``closed``) when the socket is gone so the
failover above it can move on. Like the other ReHome clients it skips negotiation and goes straight
to the WebSocket, with the token in the ``access_token`` query parameter (how the api reads it on
the hub: ReHome.Api/Auth/HubAccessToken.cs).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from typing import Any, AsyncIterator, Callable
from urllib.parse import quote, urlsplit, urlunsplit

import websockets

from . import protocol
from .errors import NotConnectedError, ReHomeError

KEEP_ALIVE_SECONDS = 15.0
SERVER_TIMEOUT_SECONDS = 30.0
_STREAM_END = object()


def hub_address(api_url: str, access_token: str | None) -> str:
    """``ws(s)://<api>/hubs/agent?access_token=…`` for an api's http(s) base address."""
    parts = urlsplit(api_url)
    scheme = {"https": "wss", "http": "ws"}.get(parts.scheme, parts.scheme)
    query = f"access_token={quote(access_token, safe='')}" if access_token else ""
    return urlunsplit((scheme, parts.netloc, parts.path.rstrip("/") + "/hubs/agent", query, ""))


class HubConnection:
    """A started connection; build it with :meth:`open`. ``on_event(target, arguments)`` gets server events."""

    def __init__(self, socket: Any, url: str, on_event: Callable[[str, list[Any]], None],
                 reader: protocol.RecordReader) -> None:
        self.url = url
        self._socket = socket
        self._on_event = on_event
        self._ids = itertools.count(1)
        self._calls: dict[str, asyncio.Future[Any]] = {}
        self._streams: dict[str, asyncio.Queue[Any]] = {}
        self._reader = reader
        self.closed: asyncio.Future[BaseException | None] = asyncio.get_running_loop().create_future()
        self._tasks = [asyncio.create_task(self._receive()), asyncio.create_task(self._keep_alive())]

    @classmethod
    async def open(cls, api_url: str, access_token: str | None, on_event: Callable[[str, list[Any]], None],
                   timeout: float = 15.0) -> "HubConnection":
        """Connects the WebSocket and completes the handshake; raises when either fails."""
        socket = await asyncio.wait_for(websockets.connect(hub_address(api_url, access_token), open_timeout=timeout,
                                                           max_size=None), timeout)
        try:
            await socket.send(protocol.HANDSHAKE)
            reader = protocol.RecordReader()
            while True:
                records = list(reader.feed(await asyncio.wait_for(socket.recv(), timeout)))
                if records:
                    break
            if (error := protocol.handshake_error(records[0])) is not None:
                raise ReHomeError(f"the hub refused the handshake: {error}")
        except BaseException:
            await socket.close()
            raise
        connection = cls(socket, api_url, on_event, reader)
        # Records that came right behind the handshake answer (a ping, an event) are not lost.
        for record in records[1:]:
            connection._dispatch(record)
        return connection

    @property
    def is_open(self) -> bool:
        return not self.closed.done()

    async def invoke(self, target: str, *arguments: Any) -> Any:
        """Calls a hub method and returns its result; a hub error is raised as :class:`ReHomeError`."""
        invocation_id = str(next(self._ids))
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._calls[invocation_id] = future
        try:
            await self._send(protocol.invocation(invocation_id, target, list(arguments)))
            return await future
        finally:
            self._calls.pop(invocation_id, None)

    async def stream(self, target: str, *arguments: Any) -> AsyncIterator[Any]:
        """A server-to-client stream's items, in order; leaving early cancels it on the server."""
        invocation_id = str(next(self._ids))
        items: asyncio.Queue[Any] = asyncio.Queue()
        self._streams[invocation_id] = items
        finished = False
        try:
            await self._send(protocol.stream_invocation(invocation_id, target, list(arguments)))
            while True:
                item = await items.get()
                if item is _STREAM_END:
                    finished = True
                    return
                if isinstance(item, BaseException):
                    finished = True
                    raise item
                yield item
        finally:
            self._streams.pop(invocation_id, None)
            if not finished and self.is_open:
                with contextlib.suppress(Exception):
                    await self._send(protocol.cancel_invocation(invocation_id))

    async def close(self) -> None:
        """Closes the socket; pending calls fail with :class:`NotConnectedError`."""
        self._finish(None)
        with contextlib.suppress(Exception):
            await self._socket.close()
        for task in self._tasks:
            task.cancel()

    async def _send(self, record: str) -> None:
        if not self.is_open:
            raise NotConnectedError(f"the connection to {self.url} is closed")
        try:
            await self._socket.send(record)
        except websockets.ConnectionClosed as closed:
            self._finish(closed)
            raise NotConnectedError(f"the connection to {self.url} was lost") from closed

    async def _receive(self) -> None:
        error: BaseException | None = None
        try:
            while True:
                # Nothing heard for the server's timeout (it pings every 15 s) means the link is dead.
                message = await asyncio.wait_for(self._socket.recv(), SERVER_TIMEOUT_SECONDS)
                for record in self._reader.feed(message):
                    if self._dispatch(record):
                        return
        except asyncio.CancelledError:
            raise
        except BaseException as exception:  # noqa: BLE001 - any failure of the socket ends the connection
            error = exception
        finally:
            self._finish(error)
            with contextlib.suppress(Exception):
                await self._socket.close()

    def _dispatch(self, record: dict[str, Any]) -> bool:
        """Hands one record on; True when the server closed the connection."""
        kind = record.get("type")
        invocation_id = record.get("invocationId")
        if kind == protocol.INVOCATION:
            self._on_event(record.get("target", ""), record.get("arguments") or [])
        elif kind == protocol.STREAM_ITEM and invocation_id in self._streams:
            self._streams[invocation_id].put_nowait(record.get("item"))
        elif kind == protocol.COMPLETION:
            error = ReHomeError(record["error"]) if record.get("error") else None
            if (future := self._calls.get(invocation_id)) is not None and not future.done():
                future.set_exception(error) if error else future.set_result(record.get("result"))
            elif (items := self._streams.get(invocation_id)) is not None:
                items.put_nowait(error or _STREAM_END)
        elif kind == protocol.CLOSE:
            self._finish(NotConnectedError(f"the server closed the connection: {record.get('error') or 'no reason'}"))
            return True
        return False

    async def _keep_alive(self) -> None:
        while self.is_open:
            await asyncio.sleep(KEEP_ALIVE_SECONDS)
            with contextlib.suppress(NotConnectedError):
                await self._send(protocol.ping())

    def _finish(self, error: BaseException | None) -> None:
        if self.closed.done():
            return
        self.closed.set_result(error)
        lost = NotConnectedError(f"the connection to {self.url} was lost")
        for future in self._calls.values():
            if not future.done():
                future.set_exception(lost)
        for items in self._streams.values():
            items.put_nowait(lost)
