import assert from "node:assert/strict";
import { test } from "node:test";
import { StreamTracker } from "../src/stream-tracker.js";

const token = (seq, source = "live") => ({
  event: { threadId: "thr", runId: "run", streamId: "s", seq, token: `t${seq}`, emittedAt: 0 },
  receivedAt: 0,
  source,
});
const seqs = (arrived) => arrived.map((a) => a.event.seq);

test("in-order tokens are delivered at once", () => {
  const tracker = new StreamTracker("s", "run");
  assert.deepEqual(seqs(tracker.offer(token(1)).deliver), [1]);
  assert.deepEqual(seqs(tracker.offer(token(2)).deliver), [2]);
  assert.equal(tracker.lastSeq, 2);
  assert.equal(tracker.missing, false);
});

test("a duplicate is dropped, whether shown or still buffered", () => {
  const tracker = new StreamTracker("s", "run");
  tracker.offer(token(1));
  assert.deepEqual(tracker.offer(token(1, "replay")), { deliver: [], dropped: true, gap: false });
  tracker.offer(token(3));
  assert.equal(tracker.offer(token(3, "replay")).dropped, true);
  assert.equal(tracker.buffered, 1);
});

test("a token past a gap waits; filling the gap delivers everything in order", () => {
  const tracker = new StreamTracker("s", "run");
  tracker.offer(token(1));
  const late = tracker.offer(token(4));
  assert.deepEqual(late, { deliver: [], dropped: false, gap: true });
  tracker.offer(token(5));
  assert.equal(tracker.lastSeq, 1, "lastSeq stays contiguous: a replay starts after 1");
  assert.equal(tracker.knownLastSeq, 5);
  assert.equal(tracker.missing, true);

  assert.deepEqual(seqs(tracker.offer(token(2, "replay")).deliver), [2]);
  assert.deepEqual(seqs(tracker.offer(token(3, "replay")).deliver), [3, 4, 5]);
  assert.equal(tracker.offer(token(4, "replay")).dropped, true);
  assert.equal(tracker.offer(token(5, "replay")).dropped, true);
  assert.equal(tracker.lastSeq, 5);
  assert.equal(tracker.buffered, 0);
  assert.equal(tracker.missing, false);
});

test("every order of arrival, with repeats, shows 1..n once each in order", () => {
  const n = 40;
  for (let round = 0; round < 200; round++) {
    const tracker = new StreamTracker("s", "run");
    const arrivals = [];
    for (let seq = 1; seq <= n; seq++) {
      arrivals.push(seq);
      if (Math.random() < 0.3) arrivals.push(seq);
    }

    arrivals.sort(() => Math.random() - 0.5);
    const shown = arrivals.flatMap((seq) => seqs(tracker.offer(token(seq)).deliver));
    assert.deepEqual(shown, Array.from({ length: n }, (_, i) => i + 1));
  }
});

test("the end is taken once, and only after its last seq has been shown", () => {
  const tracker = new StreamTracker("s", "run");
  tracker.offer(token(1));
  tracker.end({ threadId: "thr", runId: "run", streamId: "s", lastSeq: 3, status: "completed" });
  assert.equal(tracker.missing, true, "the end announces tokens 2 and 3");
  assert.equal(tracker.takeEnd(), null);
  tracker.offer(token(2, "replay"));
  tracker.offer(token(3, "replay"));
  assert.equal(tracker.takeEnd()?.status, "completed");
  assert.equal(tracker.takeEnd(), null);
});

test("a stream subscribed without history starts after its current seq", () => {
  const tracker = new StreamTracker("s", "run", 10);
  assert.equal(tracker.offer(token(10)).dropped, true);
  assert.deepEqual(seqs(tracker.offer(token(11)).deliver), [11]);
});

test("tokens the server no longer holds are given up, and what was buffered is shown in order", () => {
  const tracker = new StreamTracker("s", "run");
  tracker.offer(token(1));
  tracker.offer(token(6));
  tracker.offer(token(5));
  assert.deepEqual(seqs(tracker.abandonMissing()), [5, 6]);
  assert.equal(tracker.lastSeq, 6);
  assert.equal(tracker.missing, false);
});

test("seq values that are not positive integers are dropped", () => {
  const tracker = new StreamTracker("s", "run");
  for (const seq of [0, -1, 1.5, Number.NaN]) {
    assert.equal(tracker.offer(token(seq)).dropped, true);
  }

  assert.equal(tracker.lastSeq, 0);
});
