"""The SignalR JSON hub protocol, as small as ReHome needs it.

Kept apart from the socket so it can be read (and tested) on its own: every record is a JSON object
followed by the record separator 0x1E; a connection starts with the handshake record and the
server's answer (``{}`` or ``{"error": ...}``). Only the message types ReHome uses are named here.
"""

from __future__ import annotations

import json
from typing import Any, Iterator

RECORD_SEPARATOR = "\x1e"

INVOCATION = 1
STREAM_ITEM = 2
COMPLETION = 3
STREAM_INVOCATION = 4
CANCEL_INVOCATION = 5
PING = 6
CLOSE = 7

HANDSHAKE = json.dumps({"protocol": "json", "version": 1}) + RECORD_SEPARATOR


def encode(message: dict[str, Any]) -> str:
    """One record: compact JSON (no NaN, which the server would refuse) and the separator."""
    return json.dumps(message, separators=(",", ":"), allow_nan=False) + RECORD_SEPARATOR


def invocation(invocation_id: str, target: str, arguments: list[Any]) -> str:
    """A call whose completion carries the result (or the hub's error)."""
    return encode({"type": INVOCATION, "invocationId": invocation_id, "target": target, "arguments": arguments})


def stream_invocation(invocation_id: str, target: str, arguments: list[Any]) -> str:
    """A call the server answers with stream items, then one completion."""
    return encode({"type": STREAM_INVOCATION, "invocationId": invocation_id, "target": target, "arguments": arguments})


def cancel_invocation(invocation_id: str) -> str:
    """Stops a server-to-client stream the reader has given up on."""
    return encode({"type": CANCEL_INVOCATION, "invocationId": invocation_id})


def ping() -> str:
    """Keeps the connection alive: the server closes one it has heard nothing from for 30 s."""
    return encode({"type": PING})


class RecordReader:
    """Splits what arrives into records: a WebSocket message may hold several, and a record may be cut."""

    def __init__(self) -> None:
        self._buffer = ""

    def feed(self, data: str | bytes) -> Iterator[dict[str, Any]]:
        self._buffer += data.decode("utf-8") if isinstance(data, bytes) else data
        *records, self._buffer = self._buffer.split(RECORD_SEPARATOR)
        for record in records:
            if record:
                yield json.loads(record)


def handshake_error(answer: dict[str, Any]) -> str | None:
    """The server's reason for refusing the handshake, or None when it accepted it."""
    error = answer.get("error")
    return str(error) if error else None
