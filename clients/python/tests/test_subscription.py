"""ThreadSubscription against an in-memory hub: drops, holds, replays, resets and run versions."""

import unittest

from rehome_client.backoff import ReconnectBackoff
from rehome_client.statistics import ClientStatistics
from rehome_client.subscription import Handlers, ThreadSubscription
from rehome_client.models import StreamPosition

from .memory_hub import MemoryHub, token

A, B = "epoch-aaaaaa", "epoch-bbbbbb"


class Recorder:
    def __init__(self) -> None:
        self.tokens: list[tuple[int, str | None]] = []
        self.ends: list[dict] = []
        self.resets: list[dict] = []
        self.runs: list[dict] = []
        self.handlers = Handlers(lambda t: self.tokens.append((t.seq, t.epoch)), self.ends.append,
                                 self.resets.append, self.runs.append)


class ThreadSubscriptionTests(unittest.IsolatedAsyncioTestCase):
    def setUp(self) -> None:
        self.hub = MemoryHub()
        self.statistics = ClientStatistics()
        self.seen = Recorder()

    def subscription(self, resume_from=()) -> ThreadSubscription:
        return ThreadSubscription("t1", self.seen.handlers, self.hub, self.statistics,
                                  ReconnectBackoff(1, 0.01, 0.05), resume_from)

    async def test_duplicates_are_dropped_and_counted(self) -> None:
        subscription = self.subscription()
        for seq in [1, 2, 2, 1, 3, 3]:
            subscription.take_token(token(seq))
        self.assertEqual([(1, A), (2, A), (3, A)], self.seen.tokens)
        self.assertEqual(3, self.statistics.duplicates_dropped)
        self.assertEqual([], self.hub.replays)

    async def test_a_gap_is_held_and_filled_by_a_replay_from_the_last_contiguous_seq(self) -> None:
        self.hub.log["answer"] = [token(seq) for seq in range(1, 6)]
        subscription = self.subscription()
        subscription.take_token(token(1))
        subscription.take_token(token(4))
        subscription.take_token(token(5))
        self.assertEqual([(1, A)], self.seen.tokens, "tokens ahead of the gap are held")
        await subscription.replays_done()
        self.assertEqual(("answer", 1), self.hub.replays[0], "replayed from the last contiguous seq")
        self.assertEqual([(seq, A) for seq in range(1, 6)], self.seen.tokens)

    async def test_subscribe_replays_every_stream_from_where_it_stands(self) -> None:
        self.hub.log["answer"] = [token(seq) for seq in range(1, 8)]
        self.hub.subscribe_result = {"streams": [{"runId": "run-1", "streamId": "answer", "status": "streaming",
                                                  "lastSeq": 7, "epoch": A}], "runs": []}
        subscription = self.subscription(resume_from=[StreamPosition("answer", 4, A)])
        await subscription.subscribe()
        await subscription.replays_done()
        self.assertEqual([("answer", 4)], self.hub.replays)
        self.assertEqual([(seq, A) for seq in range(5, 8)], self.seen.tokens)
        self.assertEqual([StreamPosition("answer", 7, A)], subscription.positions())

    async def test_a_new_epoch_resets_the_stream_and_replays_it_from_zero(self) -> None:
        subscription = self.subscription()
        subscription.take_token(token(1, A))
        subscription.take_token(token(2, A))
        self.hub.log["answer"] = [token(seq, B) for seq in range(1, 4)]
        subscription.take_reset({"threadId": "t1", "runId": "run-1", "streamId": "answer", "epoch": B})
        await subscription.replays_done()
        self.assertEqual([B], [reset["epoch"] for reset in self.seen.resets])
        self.assertEqual(("answer", 0), self.hub.replays[-1])
        self.assertEqual([(1, A), (2, A), (1, B), (2, B), (3, B)], self.seen.tokens)

    async def test_a_token_of_a_new_epoch_resets_the_stream_too(self) -> None:
        subscription = self.subscription()
        subscription.take_token(token(1, A))
        self.hub.log["answer"] = [token(seq, B) for seq in range(1, 3)]
        subscription.take_token(token(2, B))
        await subscription.replays_done()
        self.assertEqual(1, len(self.seen.resets))
        self.assertEqual([(1, A), (1, B), (2, B)], self.seen.tokens)

    async def test_events_of_a_left_epoch_are_dropped(self) -> None:
        subscription = self.subscription()
        subscription.take_token(token(1, A))
        subscription.take_reset({"threadId": "t1", "runId": "run-1", "streamId": "answer", "epoch": B})
        await subscription.replays_done()
        subscription.take_token(token(2, A))
        subscription.take_end({"threadId": "t1", "runId": "run-1", "streamId": "answer", "lastSeq": 2,
                               "status": "completed", "epoch": A})
        subscription.take_reset({"threadId": "t1", "runId": "run-1", "streamId": "answer", "epoch": A})
        await subscription.replays_done()
        self.assertEqual([(1, A)], self.seen.tokens)
        self.assertEqual([], self.seen.ends)
        self.assertEqual(1, len(self.seen.resets))

    async def test_the_end_is_handed_on_only_after_its_last_seq_and_only_once(self) -> None:
        subscription = self.subscription()
        subscription.take_token(token(1))
        end = {"threadId": "t1", "runId": "run-1", "streamId": "answer", "lastSeq": 3, "status": "completed", "epoch": A}
        subscription.take_end(end)
        self.assertEqual([], self.seen.ends, "seqs 2 and 3 were not handed on yet")
        # The end's gap asked for a replay; the log holds 2 and 3 by the time it runs.
        self.hub.log["answer"] = [token(seq) for seq in range(1, 4)]
        await subscription.replays_done()
        self.assertEqual(("answer", 1), self.hub.replays[0])
        subscription.take_end(end)
        self.assertEqual([(1, A), (2, A), (3, A)], self.seen.tokens)
        self.assertEqual([end], self.seen.ends)

    async def test_an_ended_stream_from_subscribe_ends_once_replayed(self) -> None:
        self.hub.log["answer"] = [token(seq) for seq in range(1, 4)]
        self.hub.subscribe_result = {"streams": [{"runId": "run-1", "streamId": "answer", "status": "completed",
                                                  "lastSeq": 3, "epoch": A}], "runs": []}
        subscription = self.subscription()
        await subscription.subscribe()
        self.assertEqual([], self.seen.ends)
        await subscription.replays_done()
        self.assertEqual([(1, A), (2, A), (3, A)], self.seen.tokens)
        self.assertEqual([3], [end["lastSeq"] for end in self.seen.ends])

    async def test_an_ended_stream_the_server_no_longer_lists_is_forgotten_on_the_next_subscribe(self) -> None:
        self.hub.log["answer"] = [token(seq) for seq in range(1, 4)]
        self.hub.log["live"] = [token(1, stream="live")]
        self.hub.subscribe_result = {"streams": [
            {"runId": "run-1", "streamId": "answer", "status": "completed", "lastSeq": 3, "epoch": A},
            {"runId": "run-2", "streamId": "live", "status": "streaming", "lastSeq": 1, "epoch": A}], "runs": []}
        subscription = self.subscription()
        await subscription.subscribe()
        await subscription.replays_done()
        self.assertEqual({"answer", "live"}, {position.stream_id for position in subscription.positions()})

        # The answer's retention passed: the api lists only the live stream now.
        self.hub.subscribe_result = {"streams": [self.hub.subscribe_result["streams"][1]], "runs": []}
        await subscription.subscribe()
        await subscription.replays_done()
        self.assertEqual({"live"}, {position.stream_id for position in subscription.positions()})
        self.assertEqual([3], [end["lastSeq"] for end in self.seen.ends], "nothing of the forgotten stream again")

    async def test_run_updates_are_handed_on_only_when_their_version_is_newer(self) -> None:
        self.hub.subscribe_result = {"streams": [], "runs": [{"id": "run-1", "status": "running", "version": 3}]}
        subscription = self.subscription()
        await subscription.subscribe()
        subscription.take_run_update({"id": "run-1", "status": "queued", "version": 2})
        subscription.take_run_update({"id": "run-1", "status": "running", "version": 3})
        subscription.take_run_update({"id": "run-1", "status": "completed", "version": 5})
        subscription.take_run_update({"id": "run-2", "status": "queued", "version": 1})
        self.assertEqual([("run-1", 3), ("run-1", 5), ("run-2", 1)],
                         [(run["id"], run["version"]) for run in self.seen.runs])


if __name__ == "__main__":
    unittest.main()
