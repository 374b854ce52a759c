"""StreamCursor alone: every order of arrival of one stream's tokens."""

import unittest

from rehome_client.cursor import EpochMatch, StreamCursor
from rehome_client.models import ReceivedToken

from .memory_hub import token


def received(seq: int) -> ReceivedToken:
    return ReceivedToken(token(seq), 0.0, False)


def seqs(tokens: list[ReceivedToken]) -> list[int]:
    return [t.seq for t in tokens]


class StreamCursorTests(unittest.TestCase):
    def test_in_order_tokens_are_handed_on_and_seen_ones_are_duplicates(self) -> None:
        cursor = StreamCursor("answer")
        self.assertEqual(([1], False), (seqs(cursor.accept(received(1))[0]), False))
        ready, duplicate = cursor.accept(received(1))
        self.assertEqual(([], True), (ready, duplicate))
        self.assertEqual(1, cursor.seq)

    def test_tokens_ahead_of_a_gap_are_held_until_it_is_filled(self) -> None:
        cursor = StreamCursor("answer")
        cursor.accept(received(1))
        self.assertEqual([], cursor.accept(received(3))[0])
        self.assertEqual([], cursor.accept(received(4))[0])
        self.assertTrue(cursor.has_gap)
        self.assertEqual(([], True), cursor.accept(received(4)))
        self.assertEqual([2, 3, 4], seqs(cursor.accept(received(2))[0]))
        self.assertFalse(cursor.has_gap)
        self.assertEqual(4, cursor.seq)

    def test_a_resumed_cursor_drops_what_was_shown(self) -> None:
        cursor = StreamCursor("answer", seq=5, epoch="epoch-aaaaaa")
        self.assertEqual(([], True), cursor.accept(received(5)))
        self.assertEqual([6], seqs(cursor.accept(received(6))[0]))

    def test_epochs_are_adopted_then_new_ones_reset_and_left_ones_are_known(self) -> None:
        cursor = StreamCursor("answer")
        self.assertIs(EpochMatch.CURRENT, cursor.match("epoch-aaaaaa"))
        cursor.accept(received(1))
        self.assertIs(EpochMatch.NEW, cursor.match("epoch-bbbbbb"))
        cursor.reset("epoch-bbbbbb")
        self.assertEqual((0, "epoch-bbbbbb"), (cursor.seq, cursor.epoch))
        self.assertIs(EpochMatch.LEFT, cursor.match("epoch-aaaaaa"))
        self.assertIs(EpochMatch.CURRENT, cursor.match(None))

    def test_the_end_is_handed_on_once_and_only_after_its_last_seq(self) -> None:
        cursor = StreamCursor("answer")
        cursor.accept(received(1))
        cursor.end = {"streamId": "answer", "lastSeq": 2, "status": "completed"}
        self.assertTrue(cursor.has_gap)
        self.assertIsNone(cursor.end_to_hand_on())
        cursor.accept(received(2))
        self.assertIsNotNone(cursor.end_to_hand_on())
        self.assertIsNone(cursor.end_to_hand_on())


if __name__ == "__main__":
    unittest.main()
