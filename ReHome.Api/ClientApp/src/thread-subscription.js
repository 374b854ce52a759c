// @ts-check
import { StreamTracker } from "./stream-tracker.js";
import { RunVersions } from "./run-versions.js";

/**
 * @typedef {import("./types.js").ThreadHandlers} ThreadHandlers
 * @typedef {import("./types.js").SubscribeOptions} SubscribeOptions
 * @typedef {import("./types.js").StreamPositions} StreamPositions
 */

/**
 * One subscribed thread: its handlers and a tracker per stream.
 * @internal
 */
export class ThreadSubscription {
  /**
   * @param {string} threadId
   * @param {ThreadHandlers} handlers
   * @param {NonNullable<SubscribeOptions["history"]>} history
   * @param {StreamPositions} [since] where to continue each stream from (a page reload)
   */
  constructor(threadId, handlers, history, since) {
    this.threadId = threadId;
    this.handlers = handlers;
    this.history = history;
    /** Positions the first Subscribe continues from; cleared once applied. @type {StreamPositions | null} */
    this.since = since ?? null;
    /** @type {Map<string, StreamTracker>} */
    this.streams = new Map();
    /** Updates of a run can overtake each other; only newer ones are passed on. */
    this.runVersions = new RunVersions();
    /** Events that arrive while Subscribe is in flight wait here, so its answer is applied first. */
    /** @type {Array<() => void> | null} */
    this.pending = [];
    this.closed = false;
    /** Whether the first Subscribe has been answered: later-found streams are new, shown from seq 1. */
    this.synced = false;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.retryTimer = undefined;
    /** While over the rate limit (Unix ms): no replay is asked for before then. */
    this.pausedUntil = 0;
    /** Set when a stream could not be continued from where it was (a new epoch, a trimmed log). */
    this.lostPosition = false;
  }

  /**
   * @param {string} streamId
   * @param {string} runId
   */
  tracker(streamId, runId) {
    let tracker = this.streams.get(streamId);
    if (!tracker) {
      tracker = new StreamTracker(streamId, runId);
      this.streams.set(streamId, tracker);
    }

    return tracker;
  }

  /**
   * Where each stream stands: the last contiguous seq shown and its epoch.
   * @returns {StreamPositions}
   */
  positions() {
    /** @type {StreamPositions} */
    const positions = {};
    for (const tracker of this.streams.values()) {
      positions[tracker.streamId] = { seq: tracker.lastSeq, epoch: tracker.epoch };
    }

    return positions;
  }
}
