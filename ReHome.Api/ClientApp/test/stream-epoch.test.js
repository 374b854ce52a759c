import assert from "node:assert/strict";
import { test } from "node:test";
import { StreamTracker } from "../src/stream-tracker.js";

const token = (seq, epoch, text = `t${seq}`, source = "live") => ({
  event: { threadId: "thr", runId: "run", streamId: "s", seq, token: text, emittedAt: 0, epoch },
  receivedAt: 0,
  source,
});

/** What rehome-client does with each token: follow the epoch, then show what the tracker lets through. */
function show(tracker, shown, arrived) {
  const change = tracker.epochChange(arrived.event.epoch);
  if (change === "stale") return "stale";
  if (change === "new") {
    tracker.reset(arrived.event.epoch);
    shown.length = 0;
  }

  shown.push(...tracker.offer(arrived).deliver.map((a) => a.event.token));
  return change;
}

test("a stream takes the first epoch it is told, and the same epoch changes nothing", () => {
  const tracker = new StreamTracker("s", "run");
  assert.equal(tracker.epochChange("e1"), "same");
  assert.equal(tracker.epoch, "e1");
  tracker.offer(token(1, "e1"));
  assert.equal(tracker.epochChange("e1"), "same");
  assert.equal(tracker.epochChange(undefined), "same", "an event without an epoch (an older server) is taken as it is");
});

test("a stream rewound and restarted shows the new epoch's text exactly once, the old text discarded", () => {
  const tracker = new StreamTracker("s", "run");
  const shown = [];
  for (let seq = 1; seq <= 10; seq++) show(tracker, shown, token(seq, "old", `old${seq}`));
  assert.equal(shown.length, 10);

  // Redis came back at seq 5; the writer restarted the stream under a new epoch and wrote another reply.
  for (let seq = 1; seq <= 6; seq++) {
    assert.equal(show(tracker, shown, token(seq, "new", `new${seq}`)), seq === 1 ? "new" : "same");
  }

  // Late copies of the old epoch (a live broadcast in flight, a replay that read before the restart).
  for (const seq of [6, 7, 11]) assert.equal(show(tracker, shown, token(seq, "old", `old${seq}`, "replay")), "stale");
  for (let seq = 1; seq <= 6; seq++) show(tracker, shown, token(seq, "new", `new${seq}`, "replay"));

  assert.deepEqual(shown, ["new1", "new2", "new3", "new4", "new5", "new6"]);
  assert.equal(tracker.epoch, "new");
});

test("a reset forgets seqs, buffer and end, and asks for one replay from 0", () => {
  const tracker = new StreamTracker("s", "run", 0, "e1");
  tracker.offer(token(1, "e1"));
  tracker.offer(token(3, "e1"));
  tracker.end({ threadId: "thr", runId: "run", streamId: "s", lastSeq: 3, status: "completed", epoch: "e1" });

  assert.equal(tracker.reset("e2"), "e1");
  assert.deepEqual([tracker.lastSeq, tracker.knownLastSeq, tracker.buffered, tracker.ended], [0, 0, 0, null]);
  assert.equal(tracker.missing, true, "a replay from 0 is due: the new epoch may hold tokens already");
  assert.equal(tracker.takeProbe(), true);
  assert.equal(tracker.missing, false);
  assert.equal(tracker.epochChange("e1"), "stale");
  assert.equal(tracker.offer(token(1, "e2")).deliver.length, 1, "seq 1 shows again, under the new epoch");
});

test("a token of a new epoch past a gap waits for the replay from 0", () => {
  const tracker = new StreamTracker("s", "run", 0, "e1");
  const shown = [];
  for (let seq = 1; seq <= 4; seq++) show(tracker, shown, token(seq, "e1"));
  assert.equal(show(tracker, shown, token(3, "e2", "b3")), "new");
  assert.deepEqual(shown, []);
  assert.equal(tracker.missing, true);
  show(tracker, shown, token(1, "e2", "b1", "replay"));
  show(tracker, shown, token(2, "e2", "b2", "replay"));
  assert.deepEqual(shown, ["b1", "b2", "b3"]);
});

test("going back to an epoch left behind is possible when the server says so (a reset to it)", () => {
  const tracker = new StreamTracker("s", "run", 0, "e1");
  tracker.reset("e2");
  assert.equal(tracker.epochChange("e1"), "stale");
  tracker.reset("e1");
  assert.equal(tracker.epoch, "e1");
  assert.equal(tracker.epochChange("e2"), "stale");
});
