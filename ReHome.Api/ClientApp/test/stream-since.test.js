import assert from "node:assert/strict";
import { test } from "node:test";
import { StreamSync } from "../src/stream-sync.js";

/**
 * StreamSync over an in-memory hub: `Subscribe` answers from `log`, `Replay` streams the log's tokens
 * after a seq (tokens below `trimmedBelow` are gone, as when Redis trimmed the log).
 */
function hub({ epoch = "e1", tokens = 5, status = "streaming", trimmedBelow = 1 } = {}) {
  const log = { epoch, tokens, status, trimmedBelow, listed: true };
  const event = (seq) => ({ threadId: "thr", runId: "run", streamId: "s", seq, token: `t${seq}`, emittedAt: 0, epoch: log.epoch });
  const link = {
    connected: true,
    usable: true,
    replays: [],
    async invoke(method) {
      assert.equal(method, "Subscribe");
      const streams = log.listed ? [{ runId: "run", streamId: "s", status: log.status, lastSeq: log.tokens, epoch: log.epoch }] : [];
      return { threadId: "thr", streams, runs: [] };
    },
    stream(method, _threadId, _streamId, afterSeq) {
      assert.equal(method, "Replay");
      link.replays.push(afterSeq);
      return {
        subscribe({ next, complete }) {
          queueMicrotask(() => {
            for (let seq = Math.max(afterSeq + 1, log.trimmedBelow); seq <= log.tokens; seq++) next(event(seq));
            complete();
          });
        },
      };
    },
  };
  return { log, link };
}

const stats = () => ({ reconnects: 0, replays: 0, replayedTokens: 0, duplicatesDropped: 0, gapsDetected: 0, resyncs: 0, streamResets: 0, staleDropped: 0, silentChecks: 0 });

function recorder() {
  const seen = { tokens: [], resets: [], subscribed: [], errors: [], ended: [] };
  const handlers = {
    onToken: (e) => seen.tokens.push(e.seq),
    onStreamReset: (e) => seen.resets.push(e),
    onSubscribed: (e) => seen.subscribed.push(e),
    onError: (e) => seen.errors.push(e.code),
    onEnded: (e) => seen.ended.push(e.lastSeq),
  };
  return { seen, handlers };
}

test("since: a stream goes on after the given seq of its epoch, and the subscribe is recovered", async () => {
  const { link } = hub({ tokens: 5 });
  const { seen, handlers } = recorder();
  const sync = new StreamSync(link, stats());
  const result = await sync.subscribe("thr", handlers, { since: { s: { seq: 3, epoch: "e1" } } });
  assert.deepEqual(seen.tokens, [4, 5], "tokens up to the given seq are not shown again");
  assert.deepEqual(link.replays, [3]);
  assert.equal(result.recovered, true);
  assert.deepEqual(seen.subscribed, [{ threadId: "thr", recovered: true, resubscribe: false }]);
  assert.deepEqual(sync.thread("thr").positions(), { s: { seq: 5, epoch: "e1" } });
});

test("since: a stream whose epoch is gone starts again from seq 1 of the new one, not recovered", async () => {
  const { link } = hub({ epoch: "e2", tokens: 3 });
  const { seen, handlers } = recorder();
  const s = stats();
  const result = await new StreamSync(link, s).subscribe("thr", handlers, { since: { s: { seq: 7, epoch: "e1" } } });
  assert.deepEqual(seen.tokens, [1, 2, 3]);
  assert.equal(result.recovered, false);
  assert.equal(seen.resets.length, 1);
  assert.equal(seen.resets[0].previousEpoch, "e1");
  assert.equal(seen.resets[0].epoch, "e2");
  assert.equal(s.streamResets, 1);
});

test("since: when the log no longer holds the tokens after the position, the subscribe is not recovered", async () => {
  const { link } = hub({ tokens: 10, trimmedBelow: 8 });
  const { seen, handlers } = recorder();
  const result = await new StreamSync(link, stats()).subscribe("thr", handlers, { since: { s: { seq: 2, epoch: "e1" } } });
  assert.equal(result.recovered, false);
  assert.deepEqual(seen.errors, ["replay_incomplete"]);
  assert.deepEqual(seen.tokens, [8, 9, 10], "what the log still holds is shown, once");
});

test("since: a stream the server no longer knows makes the subscribe not recovered", async () => {
  const { link } = hub({ tokens: 2 });
  const { seen, handlers } = recorder();
  const result = await new StreamSync(link, stats()).subscribe("thr", handlers, { since: { s: { seq: 2, epoch: "e1" }, gone: { seq: 4, epoch: "e9" } } });
  assert.equal(result.recovered, false);
  assert.deepEqual(seen.tokens, []);
});

test("since overrides history for its streams; other streams follow history", async () => {
  const { link } = hub({ tokens: 4, status: "completed" });
  const { seen, handlers } = recorder();
  await new StreamSync(link, stats()).subscribe("thr", handlers, { history: "active", since: { s: { seq: 1, epoch: "e1" } } });
  assert.deepEqual(seen.tokens, [2, 3, 4], "an ended stream named in since is shown after its seq although history is active");
  assert.deepEqual(seen.ended, [4]);
});

test("a resubscribe reports recovered: true when every stream went on, false after an epoch change", async () => {
  const { log, link } = hub({ tokens: 2 });
  const { seen, handlers } = recorder();
  const sync = new StreamSync(link, stats());
  await sync.subscribe("thr", handlers, {});
  log.tokens = 4;
  sync.resubscribeAll();
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(seen.tokens, [1, 2, 3, 4]);
  log.epoch = "e2";
  log.tokens = 1;
  sync.resubscribeAll();
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(seen.subscribed.map((e) => [e.resubscribe, e.recovered]), [[false, true], [true, true], [true, false]]);
  assert.deepEqual(sync.thread("thr").positions(), { s: { seq: 1, epoch: "e2" } });
});

test("since with a bad position is refused before anything is sent", async () => {
  const { link } = hub();
  await assert.rejects(new StreamSync(link, stats()).subscribe("thr", {}, { since: { s: { seq: -1, epoch: "e1" } } }), { code: "invalid_argument" });
});

test("an ended stream the server no longer lists is forgotten on the next subscribe", async () => {
  const { log, link } = hub({ tokens: 3, status: "completed" });
  const { seen, handlers } = recorder();
  const sync = new StreamSync(link, stats());
  await sync.subscribe("thr", handlers, { history: "all" });
  assert.deepEqual(sync.thread("thr").positions(), { s: { seq: 3, epoch: "e1" } });
  log.listed = false;
  sync.resubscribeAll();
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(sync.thread("thr").positions(), {});
  assert.deepEqual(seen.tokens, [1, 2, 3]);
  assert.deepEqual(seen.ended, [3], "nothing of the forgotten stream again");
});
