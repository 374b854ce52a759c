"""What the client had to do to keep its streams exactly once — for dashboards and tests."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ClientStatistics:
    """Counters since the client was made. A replay overlapping live tokens drops a few duplicates as a matter of course."""

    connects: int = 0
    reconnects: int = 0
    """Connections made after the first (to the same api or the next one)."""
    resyncs: int = 0
    """``agent.resync`` events (an api's backplane came back after a loss)."""
    replays: int = 0
    """``Replay`` calls made (after a gap, a subscribe, a reset or a silent stream)."""
    duplicates_dropped: int = 0
    """Tokens dropped because they were already handed on."""

    def connected(self) -> None:
        self.connects += 1
        if self.connects > 1:
            self.reconnects += 1

    def as_dict(self) -> dict[str, int]:
        return {"reconnects": self.reconnects, "resyncs": self.resyncs, "replays": self.replays,
                "duplicatesDropped": self.duplicates_dropped}
