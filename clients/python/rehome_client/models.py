"""What the client hands on: tokens with their arrival time and latency, and positions to resume from.

Events stay the hub's own camelCase JSON objects (docs/CONTRACT.md), so nothing is lost when the
contract adds a field; only what the client itself adds gets a type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ENDED_STATUSES = frozenset({"completed", "failed", "cancelled", "aborted"})


@dataclass(frozen=True)
class StreamPosition:
    """Where a client stands in a stream: every seq up to ``seq`` of ``epoch`` was shown. Save it to resume."""

    stream_id: str
    seq: int
    epoch: str | None = None


@dataclass(frozen=True)
class ReceivedToken:
    """A ``TokenEvent`` as the client handed it on. ``replayed`` tokens came by ``Replay``; their latency is their age."""

    event: dict[str, Any]
    received_at: float
    """Unix time in seconds when it arrived."""
    replayed: bool

    @property
    def stream_id(self) -> str:
        return self.event["streamId"]

    @property
    def seq(self) -> int:
        return self.event["seq"]

    @property
    def text(self) -> str:
        return self.event["token"]

    @property
    def epoch(self) -> str | None:
        return self.event.get("epoch")

    @property
    def latency_ms(self) -> float:
        """Receive time − ``emittedAt`` (the worker's hand-over), in milliseconds."""
        return self.received_at * 1000.0 - float(self.event.get("emittedAt", 0))
