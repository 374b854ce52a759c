// @ts-check
import { ErrorCodes, ReHomeError } from "./errors.js";
import { StreamTracker } from "./stream-tracker.js";
import { ThreadSubscription } from "./thread-subscription.js";
import { RunUpdates } from "./run-updates.js";
import { call } from "./handlers.js";

/**
 * @typedef {import("./types.js").TokenEvent} TokenEvent
 * @typedef {import("./types.js").StreamEndedEvent} StreamEndedEvent
 * @typedef {import("./types.js").StreamSummary} StreamSummary
 * @typedef {import("./types.js").SubscribeResult} SubscribeResult
 * @typedef {import("./types.js").ThreadHandlers} ThreadHandlers
 * @typedef {import("./types.js").SubscribeOptions} SubscribeOptions
 * @typedef {import("./types.js").RunView} RunView
 * @typedef {import("./types.js").StreamResetEvent} StreamResetEvent
 * @typedef {import("./types.js").ClientStats} ClientStats
 * @typedef {import("./types.js").StreamPositions} StreamPositions
 * @typedef {import("./stream-tracker.js").ArrivedToken} ArrivedToken
 * @typedef {import("./connection.js").HubLink} HubLink
 */

const TerminalStatuses = new Set(["completed", "failed", "cancelled", "aborted"]);

/**
 * The subscribed threads and their streams: Subscribe and apply its answer, take live events,
 * replay what a stream lacks, follow epochs. Each `onToken` fires once per (streamId, seq), in order.
 * @internal
 */
export class StreamSync {
  /** @type {Map<string, ThreadSubscription>} */
  #threads = new Map();
  /** @type {Map<StreamTracker, Promise<void>>} */
  #replays = new Map();
  #link;
  #stats;

  /**
   * @param {HubLink} link
   * @param {ClientStats} stats counted into
   */
  constructor(link, stats) {
    this.#link = link;
    this.#stats = stats;
  }

  /** Thread ids currently subscribed. */
  get threadIds() {
    return [...this.#threads.keys()];
  }

  /**
   * @param {string} threadId
   * @returns {ThreadSubscription | undefined}
   */
  thread(threadId) {
    return this.#threads.get(threadId);
  }

  /**
   * @param {string} threadId
   * @param {ThreadHandlers} handlers
   * @param {SubscribeOptions} options
   * @returns {Promise<SubscribeResult>}
   */
  async subscribe(threadId, handlers, options) {
    if (this.#threads.has(threadId)) {
      throw new ReHomeError(ErrorCodes.invalidArgument, `invalid_argument: already subscribed to ${threadId}`, { threadId });
    }

    const since = validSince(threadId, options.since);
    const thread = new ThreadSubscription(threadId, handlers ?? {}, options.history ?? "active", since);
    this.#threads.set(threadId, thread);
    try {
      return await this.#sync(thread);
    } catch (error) {
      this.#threads.delete(threadId);
      thread.closed = true;
      const failure = ReHomeError.from(error, { threadId });
      report(thread, failure);
      throw failure;
    }
  }

  /** @param {string} threadId */
  async unsubscribe(threadId) {
    const thread = this.#threads.get(threadId);
    if (!thread) {
      return;
    }

    thread.closed = true;
    clearTimeout(thread.retryTimer);
    this.#threads.delete(threadId);
    if (this.#link.connected) {
      await this.#link.invoke("Unsubscribe", threadId).catch(() => undefined);
    }
  }

  /** Stops every thread's pending retry (the client stops). */
  stopRetries() {
    for (const thread of this.#threads.values()) {
      clearTimeout(thread.retryTimer);
    }
  }

  /** Every thread subscribes again on the new connection and replays what it missed. */
  resubscribeAll() {
    for (const thread of this.#threads.values()) {
      this.#resubscribe(thread);
    }
  }

  /**
   * A stream still streaming that has not heard from the server for `silentMs` may have lost its
   * last tokens and its end with no gap to show it: its thread subscribes again, which brings the
   * stream's state and replays what it lacks.
   * @param {number} silentMs
   */
  checkSilentStreams(silentMs) {
    const now = Date.now();
    for (const thread of this.#threads.values()) {
      if (thread.closed || thread.pending) {
        continue;
      }

      const silent = [...thread.streams.values()].filter((tracker) =>
        !tracker.ended && tracker.status === "streaming" && now - tracker.heardAt >= silentMs);
      if (silent.length > 0) {
        for (const tracker of silent) {
          tracker.heardAt = now;
        }

        this.#stats.silentChecks++;
        this.#resubscribe(thread);
      }
    }
  }

  /** @param {TokenEvent} event */
  receive(event) {
    const receivedAt = Date.now();
    const thread = this.#threads.get(event?.threadId);
    if (!thread) {
      return;
    }

    whenSynced(thread, () => this.#accept(thread, { event, receivedAt, source: "live" }));
  }

  /** @param {StreamEndedEvent} event */
  receiveEnd(event) {
    const thread = this.#threads.get(event?.threadId);
    if (!thread) {
      return;
    }

    whenSynced(thread, () => {
      const tracker = thread.tracker(event.streamId, event.runId);
      if (!this.#followEpoch(thread, tracker, event.epoch, event.runId)) {
        return;
      }

      tracker.heardAt = Date.now();
      tracker.end(event);
      void this.#settle(thread, tracker);
    });
  }

  /** @param {StreamResetEvent} event */
  receiveReset(event) {
    const thread = this.#threads.get(event?.threadId);
    if (!thread || !event.epoch) {
      return;
    }

    whenSynced(thread, () => {
      const tracker = thread.tracker(event.streamId, event.runId);
      tracker.heardAt = Date.now();
      // A stream that has shown nothing just takes the epoch; one that has, starts again.
      if (!thread.closed && tracker.epochChange(event.epoch) === "new") {
        this.#reset(thread, tracker, event.epoch, event.runId);
      }
    });
  }

  /** @param {RunView} run */
  receiveRun(run) {
    const thread = this.#threads.get(run?.threadId);
    if (thread) {
      whenSynced(thread, () => RunUpdates.receive(thread, run));
    }
  }

  /**
   * Subscribes (again), applies the answer, then replays what each stream lacks.
   * @param {ThreadSubscription} thread
   * @returns {Promise<SubscribeResult>}
   */
  async #sync(thread) {
    thread.pending ??= [];
    /** @type {SubscribeResult} */
    const result = await this.#link.invoke("Subscribe", thread.threadId);
    if (thread.closed) {
      return result;
    }

    const resubscribe = thread.synced;
    thread.lostPosition = false;
    for (const summary of result.streams ?? []) {
      this.#applySummary(thread, summary);
    }

    if (thread.since) {
      // A stream the page had shown that the server no longer knows cannot go on.
      thread.lostPosition ||= Object.keys(thread.since).some((streamId) => !thread.streams.has(streamId));
      thread.since = null;
    }

    // An ended stream the server no longer lists (its retention passed) cannot send anything again:
    // forget it, so a page open for days keeps only what the server keeps.
    const listed = new Set((result.streams ?? []).map((summary) => summary.streamId));
    for (const [streamId, tracker] of thread.streams) {
      if (tracker.endDelivered && !listed.has(streamId)) {
        thread.streams.delete(streamId);
      }
    }

    // A run update may have been lost since the last Subscribe: its answer holds every run's state.
    RunUpdates.catchUp(thread, result.runs);
    thread.synced = true;
    // Another Subscribe of this thread (a resync, a silent-stream check) may have answered first.
    const waiting = thread.pending ?? [];
    thread.pending = null;
    for (const handle of waiting) {
      handle();
    }

    const catchingUp = [...thread.streams.values()].map((tracker) => this.#settle(thread, tracker));
    await Promise.all(catchingUp);
    const recovered = !thread.lostPosition;
    if (!thread.closed) {
      call(thread.handlers.onSubscribed, { threadId: thread.threadId, recovered, resubscribe });
    }

    return { ...result, recovered };
  }

  /**
   * @param {ThreadSubscription} thread
   * @param {StreamSummary} summary
   */
  #applySummary(thread, summary) {
    let tracker = thread.streams.get(summary.streamId);
    const ended = TerminalStatuses.has(summary.status);
    const change = tracker?.epochChange(summary.epoch);
    if (change === "stale") {
      // Read before a restart this client has already followed (two Subscribes in flight).
      this.#stats.staleDropped++;
      return;
    }

    if (tracker && change === "new") {
      this.#reset(thread, tracker, /** @type {string} */ (summary.epoch), summary.runId);
    }

    const position = thread.synced ? undefined : thread.since?.[summary.streamId];
    if (!tracker && position) {
      tracker = this.#resume(thread, summary, position);
    }

    if (!tracker) {
      // The first Subscribe decides how much history to show; streams found later are new.
      const skipHistory = thread.synced ? false : thread.history === "none" || (thread.history === "active" && ended);
      tracker = new StreamTracker(summary.streamId, summary.runId, skipHistory ? summary.lastSeq : 0, summary.epoch);
      if (skipHistory && ended) {
        tracker.endDelivered = true;
      }

      thread.streams.set(summary.streamId, tracker);
    }

    tracker.status = summary.status;
    tracker.heardAt = Date.now();
    tracker.observe(summary.lastSeq);
    if (ended) {
      tracker.end({
        threadId: thread.threadId,
        runId: summary.runId,
        streamId: summary.streamId,
        lastSeq: summary.lastSeq,
        status: /** @type {StreamEndedEvent["status"]} */ (summary.status),
        epoch: summary.epoch,
      });
    }
  }

  /**
   * A stream the page showed before (`since`): it goes on after the given seq when its epoch is still
   * the server's, else starts again from seq 1 of the server's epoch, and the page hears `onStreamReset`.
   * @param {ThreadSubscription} thread
   * @param {StreamSummary} summary
   * @param {import("./types.js").StreamPosition} position
   */
  #resume(thread, summary, position) {
    const { streamId, runId } = summary;
    let tracker;
    if (position.epoch && summary.epoch && position.epoch !== summary.epoch) {
      tracker = new StreamTracker(streamId, runId, 0, summary.epoch);
      this.#stats.streamResets++;
      thread.lostPosition = true;
      call(thread.handlers.onStreamReset, { threadId: thread.threadId, streamId, runId, previousEpoch: position.epoch, epoch: summary.epoch });
    } else {
      tracker = new StreamTracker(streamId, runId, position.seq, summary.epoch ?? position.epoch);
    }

    thread.streams.set(streamId, tracker);
    return tracker;
  }

  /**
   * Resets the stream when an event names a new epoch; false when the event belongs to an epoch the
   * stream has left (drop it).
   * @param {ThreadSubscription} thread
   * @param {StreamTracker} tracker
   * @param {string | undefined} epoch
   * @param {string} runId
   */
  #followEpoch(thread, tracker, epoch, runId) {
    const change = tracker.epochChange(epoch);
    if (change === "stale") {
      this.#stats.staleDropped++;
      return false;
    }

    if (change === "new") {
      this.#reset(thread, tracker, /** @type {string} */ (epoch), runId);
    }

    return true;
  }

  /**
   * Starts the stream again under `epoch`: what was shown of it is forgotten, the page hears
   * `onStreamReset` (to clear the stream's text), and the new epoch is replayed from seq 0.
   * @param {ThreadSubscription} thread
   * @param {StreamTracker} tracker
   * @param {string} epoch
   * @param {string} runId
   */
  #reset(thread, tracker, epoch, runId) {
    const previousEpoch = tracker.reset(epoch);
    this.#stats.streamResets++;
    thread.lostPosition = true;
    if (!thread.closed) {
      call(thread.handlers.onStreamReset, { threadId: thread.threadId, streamId: tracker.streamId, runId, previousEpoch, epoch });
    }

    if (!thread.pending) {
      void this.#settle(thread, tracker);
    }
  }

  /**
   * Shows what a token makes showable, and starts a replay when it reveals a gap.
   * @param {ThreadSubscription} thread
   * @param {ArrivedToken} arrived
   */
  #accept(thread, arrived) {
    if (thread.closed) {
      return;
    }

    const tracker = thread.tracker(arrived.event.streamId, arrived.event.runId);
    if (!this.#followEpoch(thread, tracker, arrived.event.epoch, arrived.event.runId)) {
      return;
    }

    tracker.heardAt = arrived.receivedAt;
    const { deliver, dropped, gap } = tracker.offer(arrived);
    if (dropped) {
      this.#stats.duplicatesDropped++;
      return;
    }

    if (gap && arrived.source === "live") {
      this.#stats.gapsDetected++;
      void this.#settle(thread, tracker);
    }

    this.#deliver(thread, deliver);
    deliverEnd(thread, tracker);
  }

  /**
   * @param {ThreadSubscription} thread
   * @param {ArrivedToken[]} tokens
   */
  #deliver(thread, tokens) {
    for (const { event, receivedAt, source } of tokens) {
      if (source === "replay") {
        this.#stats.replayedTokens++;
      }

      call(thread.handlers.onToken, { ...event, receivedAt, latencyMs: receivedAt - event.emittedAt, source });
    }
  }

  /**
   * Replays until the stream lacks nothing the server announced, then delivers its end if due.
   * One replay per stream at a time; a gap found meanwhile is filled by the loop.
   * @param {ThreadSubscription} thread
   * @param {StreamTracker} tracker
   * @returns {Promise<void>}
   */
  #settle(thread, tracker) {
    const running = this.#replays.get(tracker);
    if (running) {
      return running;
    }

    if (tracker.missing && thread.pausedUntil > Date.now()) {
      // The thread is over its rate limit: the retry scheduled for the end of the wait replays it.
      return Promise.resolve();
    }

    const replay = this.#replayMissing(thread, tracker).finally(() => this.#replays.delete(tracker));
    this.#replays.set(tracker, replay);
    return replay;
  }

  /**
   * @param {ThreadSubscription} thread
   * @param {StreamTracker} tracker
   */
  async #replayMissing(thread, tracker) {
    try {
      while (tracker.missing && !thread.closed) {
        if (!this.#link.connected) {
          // The resubscribe after the reconnect replays from here.
          return;
        }

        const from = tracker.lastSeq;
        const epoch = tracker.epoch;
        const probing = tracker.takeProbe();
        await this.#replayFrom(thread, tracker, from);
        this.#stats.replays++;
        if (!probing && tracker.epoch === epoch && tracker.lastSeq === from && tracker.missing) {
          thread.lostPosition = true;
          report(thread, new ReHomeError(
            ErrorCodes.replayIncomplete,
            `replay_incomplete: stream ${tracker.streamId} lacks seq ${from + 1} to ${tracker.knownLastSeq}, which the server no longer holds`,
            { threadId: thread.threadId, streamId: tracker.streamId }));
          this.#deliver(thread, tracker.abandonMissing());
        }
      }
    } catch (error) {
      const failure = ReHomeError.from(error, { threadId: thread.threadId, streamId: tracker.streamId });
      if (thread.closed || (failure.code === ErrorCodes.connection && !this.#link.connected)) {
        return;
      }

      report(thread, failure);
      if (failure.code === ErrorCodes.rateLimited || failure.code === ErrorCodes.connection) {
        this.#retryLater(thread, failure, () => this.#settleAll(thread));
      }

      return;
    }

    deliverEnd(thread, tracker);
  }

  /**
   * @param {ThreadSubscription} thread
   * @param {StreamTracker} tracker
   * @param {number} afterSeq
   */
  #replayFrom(thread, tracker, afterSeq) {
    return new Promise((resolve, reject) => {
      this.#link.stream("Replay", thread.threadId, tracker.streamId, afterSeq).subscribe({
        next: (/** @type {TokenEvent} */ event) =>
          this.#accept(thread, { event, receivedAt: Date.now(), source: "replay" }),
        error: reject,
        complete: () => resolve(undefined),
      });
    });
  }

  /** @param {ThreadSubscription} thread */
  #resubscribe(thread) {
    this.#sync(thread).catch((error) => {
      const failure = ReHomeError.from(error, { threadId: thread.threadId });
      if (thread.closed || (failure.code === ErrorCodes.connection && !this.#link.connected)) {
        return; // The next reconnect subscribes again.
      }

      report(thread, failure);
      if (failure.code === ErrorCodes.forbidden || failure.code === ErrorCodes.invalidArgument) {
        thread.closed = true;
        this.#threads.delete(thread.threadId);
      } else {
        this.#retryLater(thread, failure, () => this.#resubscribe(thread));
      }
    });
  }

  /** @param {ThreadSubscription} thread */
  #settleAll(thread) {
    for (const tracker of thread.streams.values()) {
      void this.#settle(thread, tracker);
    }
  }

  /**
   * Pauses the thread's replays for the wait the server named (1 s if none), then retries once.
   * Live tokens keep arriving meanwhile; they wait in their buffers instead of each asking again.
   * @param {ThreadSubscription} thread
   * @param {ReHomeError} failure
   * @param {() => void} retry
   */
  #retryLater(thread, failure, retry) {
    clearTimeout(thread.retryTimer);
    const delayMs = (failure.retryAfterSeconds ?? 1) * 1000;
    thread.pausedUntil = Date.now() + delayMs;
    thread.retryTimer = setTimeout(() => {
      thread.pausedUntil = 0;
      if (!thread.closed && this.#link.usable) {
        retry();
      }
    }, delayMs);
  }
}

/**
 * Checks `since` before anything is sent: each position needs a whole `seq` ≥ 0 and an epoch string (or null).
 * @param {string} threadId
 * @param {StreamPositions | undefined} since
 * @returns {StreamPositions | undefined}
 */
function validSince(threadId, since) {
  if (since === undefined || since === null) {
    return undefined;
  }

  const bad = typeof since !== "object" || Object.values(since).some((position) =>
    !position || !Number.isSafeInteger(position.seq) || position.seq < 0
      || (position.epoch !== null && position.epoch !== undefined && typeof position.epoch !== "string"));
  if (bad) {
    throw new ReHomeError(ErrorCodes.invalidArgument, `invalid_argument: since must map stream ids to { seq, epoch } with a whole seq >= 0`, { threadId });
  }

  return since;
}

/**
 * Runs an event's handling now, or after the Subscribe in flight has been applied.
 * @param {ThreadSubscription} thread
 * @param {() => void} handle
 */
function whenSynced(thread, handle) {
  if (thread.pending) {
    thread.pending.push(handle);
  } else {
    handle();
  }
}

/**
 * @param {ThreadSubscription} thread
 * @param {StreamTracker} tracker
 */
function deliverEnd(thread, tracker) {
  const ended = tracker.takeEnd();
  if (ended && !thread.closed) {
    call(thread.handlers.onEnded, ended);
  }
}

/**
 * @param {ThreadSubscription} thread
 * @param {ReHomeError} error
 */
function report(thread, error) {
  call(thread.handlers.onError, error);
}
