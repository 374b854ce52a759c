"""One stream's exactly-once state (ReHome.Client's StreamCursor).

Its epoch, the last contiguous seq handed on, tokens that came ahead of a gap, the epochs it has left
and its end once known. No I/O and no clock: the subscription decides what to do (replay, reset)
from what the cursor reports, so every order of arrival can be tested here alone.
"""

from __future__ import annotations

import enum
from typing import Any

from .models import ReceivedToken, StreamPosition


class EpochMatch(enum.Enum):
    CURRENT = "current"
    NEW = "new"
    LEFT = "left"


class StreamCursor:
    def __init__(self, stream_id: str, seq: int = 0, epoch: str | None = None) -> None:
        self.stream_id = stream_id
        self.epoch = epoch
        self.seq = seq
        """Every seq up to this one (of ``epoch``) was handed on."""
        self.end: dict[str, Any] | None = None
        """The end of the current epoch, when known; handed on once ``seq`` reaches its ``lastSeq``."""
        self.end_handed_on = False
        self.seen_streaming = False
        self.last_activity = 0.0
        self._left_epochs: set[str] = set()
        self._ahead: dict[int, ReceivedToken] = {}

    @property
    def is_live(self) -> bool:
        """Reported as streaming and no end known: silence from it means broadcasts may be lost."""
        return self.seen_streaming and self.end is None

    @property
    def has_gap(self) -> bool:
        return bool(self._ahead) or (self.end is not None and self.seq < self.end["lastSeq"])

    @property
    def position(self) -> StreamPosition:
        return StreamPosition(self.stream_id, self.seq, self.epoch)

    def match(self, event_epoch: str | None) -> EpochMatch:
        """What an event of ``event_epoch`` means for this stream."""
        if event_epoch is None or event_epoch == self.epoch:
            return EpochMatch.CURRENT
        if self.epoch is None:
            # Nothing was known of the epoch yet (a fresh cursor, or a position saved without one): adopt it.
            self.epoch = event_epoch
            return EpochMatch.CURRENT
        return EpochMatch.LEFT if event_epoch in self._left_epochs else EpochMatch.NEW

    def reset(self, new_epoch: str) -> None:
        """Starts the stream again under ``new_epoch``: nothing of it is shown any more."""
        if self.epoch is not None:
            self._left_epochs.add(self.epoch)
        self.epoch = new_epoch
        self.seq = 0
        self._ahead.clear()
        self.end = None
        self.end_handed_on = False

    def accept(self, token: ReceivedToken) -> tuple[list[ReceivedToken], bool]:
        """Takes a token of the current epoch: the tokens now ready to hand on, in order, and whether it was a duplicate.

        Nothing is ready when it was seen already or came ahead of a gap (then it is held).
        """
        seq = token.seq
        if seq <= self.seq:
            return [], True
        if seq > self.seq + 1:
            if seq in self._ahead:
                return [], True
            self._ahead[seq] = token
            return [], False

        ready = [token]
        self.seq = seq
        while (following := self._ahead.pop(self.seq + 1, None)) is not None:
            ready.append(following)
            self.seq += 1
        return ready, False

    def end_to_hand_on(self) -> dict[str, Any] | None:
        """The end, once, when every seq up to its ``lastSeq`` was handed on."""
        if self.end is not None and not self.end_handed_on and self.seq >= self.end["lastSeq"]:
            self.end_handed_on = True
            return self.end
        return None
