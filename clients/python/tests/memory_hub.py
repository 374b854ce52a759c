"""An in-memory stand-in for the hub's two calls a subscription makes, holding a stream log like the api's.

``Replay`` answers from ``log`` exactly as the api does (every token with seq > afterSeq, in order),
so the subscription's bookkeeping can be driven through every order of arrival without a network.
"""

from __future__ import annotations

import asyncio
from typing import Any, AsyncIterator


def token(seq: int, epoch: str = "epoch-aaaaaa", stream: str = "answer", thread: str = "t1") -> dict[str, Any]:
    return {"threadId": thread, "runId": "run-1", "streamId": stream, "seq": seq, "token": f"t{seq}",
            "emittedAt": 0, "epoch": epoch}


class MemoryHub:
    def __init__(self) -> None:
        self.log: dict[str, list[dict[str, Any]]] = {}
        self.subscribe_result: dict[str, Any] = {"streams": [], "runs": []}
        self.replays: list[tuple[str, int]] = []
        self.current_url: str | None = "memory://hub"

    async def invoke(self, target: str, *arguments: Any) -> Any:
        assert target == "Subscribe", target
        return self.subscribe_result

    async def stream(self, target: str, *arguments: Any) -> AsyncIterator[Any]:
        assert target == "Replay", target
        _, stream_id, after = arguments
        self.replays.append((stream_id, after))
        await asyncio.sleep(0)
        for event in list(self.log.get(stream_id, [])):
            if event["seq"] > after:
                yield event
