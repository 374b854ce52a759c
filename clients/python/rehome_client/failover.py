"""One live hub connection at a time over a list of api addresses (ReHome.Client's FailoverHubConnection).

When a connection cannot be made, or is lost, it moves to the next address — with jittered, doubling
back-off once every address has failed in a round — and calls ``on_connected`` after every
(re)connect so the subscriptions can subscribe and replay again. The token callable is called on
each connect, so an expired token is replaced by a fresh one.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from typing import Any, AsyncIterator, Awaitable, Callable

from .backoff import ReconnectBackoff
from .errors import NotConnectedError
from .hub_connection import HubConnection
from .statistics import ClientStatistics

AccessToken = Callable[[], "str | None | Awaitable[str | None]"]
log = logging.getLogger("rehome_client")


class FailoverConnection:
    def __init__(self, api_urls: list[str], access_token: AccessToken, on_event: Callable[[str, list[Any]], None],
                 statistics: ClientStatistics, backoff: ReconnectBackoff) -> None:
        if not api_urls:
            raise ValueError("api_urls needs at least one address")
        self._api_urls = list(api_urls)
        self._access_token = access_token
        self._on_event = on_event
        self._statistics = statistics
        self._backoff = backoff
        self._address_index = 0
        self._current: HubConnection | None = None
        self._watch: asyncio.Task[None] | None = None
        self._stopped = False
        self.on_connected: Callable[[], Awaitable[None]] | None = None
        self.last_connect_error: BaseException | None = None

    @property
    def current_url(self) -> str | None:
        """The api address of the live connection, if any."""
        return self._current.url if self._current is not None and self._current.is_open else None

    @property
    def current(self) -> HubConnection:
        if self._current is None or not self._current.is_open:
            raise NotConnectedError("the client is not connected to any api right now")
        return self._current

    async def invoke(self, target: str, *arguments: Any) -> Any:
        return await self.current.invoke(target, *arguments)

    def stream(self, target: str, *arguments: Any) -> AsyncIterator[Any]:
        return self.current.stream(target, *arguments)

    async def start(self) -> None:
        """Connects to the first api that answers; keeps trying (with back-off) until cancelled."""
        await self._connect()

    async def _connect(self) -> None:
        attempt = 0
        while not self._stopped:
            url = self._api_urls[self._address_index % len(self._api_urls)]
            try:
                token = self._access_token()
                if inspect.isawaitable(token):
                    token = await token
                connection = await HubConnection.open(url, token, self._on_event)
            except asyncio.CancelledError:
                raise
            except Exception as exception:  # noqa: BLE001 - any failure moves on to the next address
                self.last_connect_error = exception
                self._address_index += 1
                attempt += 1
                delay = self._backoff.delay_before(attempt)
                log.info("connecting to %s failed (%s); next attempt in %.2f s", url, exception, delay)
                await asyncio.sleep(delay)
                continue

            self._current = connection
            self.last_connect_error = None
            self._statistics.connected()
            log.info("connected to %s", url)
            self._watch = asyncio.create_task(self._reconnect_when_lost(connection))
            if self.on_connected is not None:
                await self.on_connected()
            return

    async def _reconnect_when_lost(self, connection: HubConnection) -> None:
        error = await connection.closed
        if self._stopped:
            return
        log.info("the connection to %s was lost (%s); moving to the next address", connection.url, error)
        self._address_index += 1
        await connection.close()
        await self._connect()

    async def close(self) -> None:
        self._stopped = True
        if self._watch is not None:
            self._watch.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._watch
        if self._current is not None:
            await self._current.close()
