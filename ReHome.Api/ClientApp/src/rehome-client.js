// @ts-check
/**
 * rehome-client: the ReHome hub from a browser, keeping the exactly-once promise for you.
 *
 * Each `onToken` fires once per (streamId, seq), in seq order, across lost broadcasts, reconnects
 * and API replicas: the client keeps each stream's last contiguous seq, drops duplicates, holds
 * tokens that arrive after a gap and calls the hub's `Replay` to fill it, and after every reconnect
 * subscribes again and replays each stream from where it stopped.
 *
 * Broadcasts lost without the socket dropping are caught up too: on `agent.resync` (the API's Redis
 * backplane came back) and when a live stream has been silent for `silentStreamCheckMs`, the client
 * subscribes again and replays. Each stream's seqs belong to an epoch; when a stream restarts under
 * a new epoch (`agent.thread.stream.reset`, or an event that names a new epoch) the client forgets
 * what it showed of it, calls `onStreamReset` so the page clears the stream's text, and shows the
 * new epoch from seq 1.
 *
 * @example
 * import { ReHomeClient } from "/js/rehome-client.js";
 * const client = new ReHomeClient({ url: "https://api.example.com", accessTokenFactory: () => token });
 * client.onStateChange(({ state }) => console.log(state));
 * await client.start();
 * await client.subscribe(threadId, {
 *   onToken: (e) => output.append(e.token),
 *   onEnded: (e) => console.log("ended", e.status),
 *   onError: (e) => console.warn(e.code, e.message),
 *   onStreamReset: (e) => clearText(e.streamId),
 * });
 * await client.cancel(threadId, runId);
 * await client.stop();
 */
import { HttpTransportType, HubConnectionBuilder, HubConnectionState, LogLevel } from "@microsoft/signalr";
import { ErrorCodes, ReHomeError } from "./errors.js";
import { StreamTracker } from "./stream-tracker.js";
import { RunVersions } from "./run-versions.js";

export { ErrorCodes, ReHomeError };

/**
 * @typedef {import("./types.js").TokenEvent} TokenEvent
 * @typedef {import("./types.js").DeliveredToken} DeliveredToken
 * @typedef {import("./types.js").StreamEndedEvent} StreamEndedEvent
 * @typedef {import("./types.js").StreamSummary} StreamSummary
 * @typedef {import("./types.js").SubscribeResult} SubscribeResult
 * @typedef {import("./types.js").ThreadHandlers} ThreadHandlers
 * @typedef {import("./types.js").SubscribeOptions} SubscribeOptions
 * @typedef {import("./types.js").StateChange} StateChange
 * @typedef {import("./types.js").ReHomeClientOptions} ReHomeClientOptions
 * @typedef {import("./types.js").ConnectionState} ConnectionState
 * @typedef {import("./types.js").RunView} RunView
 * @typedef {import("./types.js").StreamResetEvent} StreamResetEvent
 */

/** The hub's path under the API's base address. */
export const HUB_PATH = "/hubs/agent";

const TerminalStatuses = new Set(["completed", "failed", "cancelled", "aborted"]);
const DefaultRetryDelaysMs = [0, 1000, 2000, 5000, 10000, 15000];
const DefaultSilentStreamCheckMs = 30000;

/** Names of the server-to-client events (CONTRACT.md). */
export const Events = Object.freeze({
  token: "agent.thread.token",
  streamEnded: "agent.thread.stream.ended",
  runUpdated: "agent.thread.run.updated",
  streamReset: "agent.thread.stream.reset",
  resync: "agent.resync",
});

/** Connection states reported by {@link ReHomeClient#onStateChange}. */
export const ConnectionStates = Object.freeze({
  disconnected: /** @type {ConnectionState} */ ("disconnected"),
  connecting: /** @type {ConnectionState} */ ("connecting"),
  connected: /** @type {ConnectionState} */ ("connected"),
  reconnecting: /** @type {ConnectionState} */ ("reconnecting"),
});

/**
 * One subscribed thread: its handlers and a tracker per stream.
 * @internal
 */
class ThreadSubscription {
  /**
   * @param {string} threadId
   * @param {ThreadHandlers} handlers
   * @param {NonNullable<SubscribeOptions["history"]>} history
   */
  constructor(threadId, handlers, history) {
    this.threadId = threadId;
    this.handlers = handlers;
    this.history = history;
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
}

/** A browser client of the ReHome hub with exactly-once, in-order delivery per stream. */
export class ReHomeClient {
  /** @type {ConnectionState} */
  #state = ConnectionStates.disconnected;
  /** @type {Set<(change: StateChange) => void>} */
  #stateListeners = new Set();
  /** @type {Map<string, ThreadSubscription>} */
  #threads = new Map();
  /** @type {Map<StreamTracker, Promise<void>>} */
  #replays = new Map();
  #stopped = true;
  #restartAttempt = 0;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  #restartTimer;
  #retryDelaysMs;
  #silentStreamCheckMs;
  /** @type {ReturnType<typeof setInterval> | undefined} */
  #silenceTimer;
  #connection;

  /** Counters for diagnostics and the live page. */
  stats = {
    /** Successful reconnects (automatic or by restarting the connection). */
    reconnects: 0,
    /** Replay calls completed. */
    replays: 0,
    /** Tokens shown that came from a replay. */
    replayedTokens: 0,
    /** Tokens dropped because their (streamId, seq) was shown or held already. */
    duplicatesDropped: 0,
    /** Live tokens that arrived after a gap. */
    gapsDetected: 0,
    /** `agent.resync` requests from the server that were followed. */
    resyncs: 0,
    /** Streams started again under a new epoch (their shown tokens were dropped). */
    streamResets: 0,
    /** Events of an epoch a stream had left, dropped. */
    staleDropped: 0,
    /** Subscribes again because a live stream had been silent for `silentStreamCheckMs`. */
    silentChecks: 0,
  };

  /** @param {ReHomeClientOptions} options */
  constructor(options) {
    if (!options || typeof options.accessTokenFactory !== "function") {
      throw new TypeError("ReHomeClient needs { accessTokenFactory }");
    }

    this.#retryDelaysMs = options.retryDelaysMs?.length ? [...options.retryDelaysMs] : DefaultRetryDelaysMs;
    this.#silentStreamCheckMs = options.silentStreamCheckMs ?? DefaultSilentStreamCheckMs;
    const hubUrl = ReHomeClient.hubUrl(options.url);
    this.#connection = new HubConnectionBuilder()
      .withUrl(hubUrl, {
        // Replicas without sticky sessions: no negotiate round trip that a second replica would not know.
        transport: HttpTransportType.WebSockets,
        skipNegotiation: true,
        accessTokenFactory: options.accessTokenFactory,
      })
      .withAutomaticReconnect({
        nextRetryDelayInMilliseconds: (context) => {
          const retryInMs = this.#delayFor(context.previousRetryCount);
          this.#setState(ConnectionStates.reconnecting, {
            attempt: context.previousRetryCount + 1,
            retryInMs,
            error: context.retryReason,
          });
          return retryInMs;
        },
      })
      .configureLogging(options.logLevel ?? LogLevel.Warning)
      .build();

    this.#connection.on(Events.token, (/** @type {TokenEvent} */ event) => this.#receive(event));
    this.#connection.on(Events.streamEnded, (/** @type {StreamEndedEvent} */ event) => this.#receiveEnd(event));
    this.#connection.on(Events.runUpdated, (/** @type {RunView} */ run) => this.#receiveRun(run));
    this.#connection.on(Events.streamReset, (/** @type {StreamResetEvent} */ event) => this.#receiveReset(event));
    this.#connection.on(Events.resync, () => this.#resync());
    this.#connection.onreconnected(() => this.#connected());
    this.#connection.onclose((error) => this.#closed(error));
  }

  /**
   * The hub address for an API base address (or a hub address, returned as it is).
   * @param {string | undefined} url
   */
  static hubUrl(url) {
    const base = (url ?? "").replace(/\/+$/, "");
    return base.endsWith(HUB_PATH) ? base : base + HUB_PATH;
  }

  /** @returns {ConnectionState} */
  get state() {
    return this.#state;
  }

  /** Thread ids currently subscribed. */
  get threadIds() {
    return [...this.#threads.keys()];
  }

  /**
   * Calls `listener` on every connection state change (and on every reconnect attempt).
   * @param {(change: StateChange) => void} listener
   * @returns {() => void} removes the listener
   */
  onStateChange(listener) {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  /**
   * Connects. Rejects when the first attempt fails; once connected, the client reconnects by
   * itself, forever, until {@link stop}. Subscriptions kept from before a stop resume.
   */
  async start() {
    if (!this.#stopped) {
      return;
    }

    this.#stopped = false;
    this.#setState(ConnectionStates.connecting);
    try {
      await this.#connection.start();
    } catch (error) {
      this.#stopped = true;
      this.#setState(ConnectionStates.disconnected, { error: asError(error) });
      throw ReHomeError.from(error);
    }

    this.#setState(ConnectionStates.connected);
    this.#resubscribeAll();
    if (this.#silentStreamCheckMs > 0) {
      clearInterval(this.#silenceTimer);
      this.#silenceTimer = setInterval(() => this.#checkSilentStreams(), Math.max(250, this.#silentStreamCheckMs / 2));
    }
  }

  /** Disconnects and stops reconnecting. Subscriptions are kept and resume on the next {@link start}. */
  async stop() {
    this.#stopped = true;
    clearTimeout(this.#restartTimer);
    clearInterval(this.#silenceTimer);
    for (const thread of this.#threads.values()) {
      clearTimeout(thread.retryTimer);
    }

    await this.#connection.stop();
    this.#setState(ConnectionStates.disconnected);
  }

  /**
   * Subscribes to a thread. Resolves with the server's answer once the thread's existing streams
   * (as `options.history` asks) have been replayed; rejects with a {@link ReHomeError} whose code
   * is `forbidden` (missing or not yours), `rate_limited` or `invalid_argument` — `onError`
   * hears it too. From then on the subscription survives reconnects by itself.
   * @param {string} threadId
   * @param {ThreadHandlers} handlers
   * @param {SubscribeOptions} [options]
   * @returns {Promise<SubscribeResult>}
   */
  async subscribe(threadId, handlers, options = {}) {
    if (this.#threads.has(threadId)) {
      throw new ReHomeError(ErrorCodes.invalidArgument, `invalid_argument: already subscribed to ${threadId}`, { threadId });
    }

    const thread = new ThreadSubscription(threadId, handlers ?? {}, options.history ?? "active");
    this.#threads.set(threadId, thread);
    try {
      return await this.#sync(thread);
    } catch (error) {
      this.#threads.delete(threadId);
      thread.closed = true;
      const failure = ReHomeError.from(error, { threadId });
      this.#report(thread, failure);
      throw failure;
    }
  }

  /**
   * Stops listening to a thread; no handler of it is called afterwards.
   * @param {string} threadId
   */
  async unsubscribe(threadId) {
    const thread = this.#threads.get(threadId);
    if (!thread) {
      return;
    }

    thread.closed = true;
    clearTimeout(thread.retryTimer);
    this.#threads.delete(threadId);
    if (this.#connection.state === HubConnectionState.Connected) {
      await this.#connection.invoke("Unsubscribe", threadId).catch(() => undefined);
    }
  }

  /**
   * Asks the server to stop a run (the stop button). The stream then ends `cancelled`, which
   * subscribers hear through `onEnded`.
   * @param {string} threadId
   * @param {string} runId
   */
  async cancel(threadId, runId) {
    try {
      await this.#connection.invoke("Cancel", threadId, runId);
    } catch (error) {
      throw ReHomeError.from(error, { threadId });
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
    const result = await this.#connection.invoke("Subscribe", thread.threadId);
    if (thread.closed) {
      return result;
    }

    for (const summary of result.streams ?? []) {
      this.#applySummary(thread, summary);
    }

    if (thread.synced) {
      // A run update may have been lost since the last Subscribe: its answer holds every run's state.
      for (const run of result.runs ?? []) {
        if (thread.runVersions.accept(run)) {
          call(thread.handlers.onRunUpdated, run);
        }
      }
    }

    thread.synced = true;
    // Another Subscribe of this thread (a resync, a silent-stream check) may have answered first.
    const waiting = thread.pending ?? [];
    thread.pending = null;
    for (const handle of waiting) {
      handle();
    }

    const catchingUp = [...thread.streams.values()].map((tracker) => this.#settle(thread, tracker));
    await Promise.all(catchingUp);
    return result;
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
      this.stats.staleDropped++;
      return;
    }

    if (tracker && change === "new") {
      this.#reset(thread, tracker, /** @type {string} */ (summary.epoch), summary.runId);
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

  /** @param {TokenEvent} event */
  #receive(event) {
    const receivedAt = Date.now();
    const thread = this.#threads.get(event?.threadId);
    if (!thread) {
      return;
    }

    this.#whenSynced(thread, () => this.#accept(thread, { event, receivedAt, source: "live" }));
  }

  /** @param {StreamEndedEvent} event */
  #receiveEnd(event) {
    const thread = this.#threads.get(event?.threadId);
    if (!thread) {
      return;
    }

    this.#whenSynced(thread, () => {
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
  #receiveReset(event) {
    const thread = this.#threads.get(event?.threadId);
    if (!thread || !event.epoch) {
      return;
    }

    this.#whenSynced(thread, () => {
      const tracker = thread.tracker(event.streamId, event.runId);
      tracker.heardAt = Date.now();
      // A stream that has shown nothing just takes the epoch; one that has, starts again.
      if (!thread.closed && tracker.epochChange(event.epoch) === "new") {
        this.#reset(thread, tracker, event.epoch, event.runId);
      }
    });
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
      this.stats.staleDropped++;
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
    this.stats.streamResets++;
    if (!thread.closed) {
      call(thread.handlers.onStreamReset, { threadId: thread.threadId, streamId: tracker.streamId, runId, previousEpoch, epoch });
    }

    if (!thread.pending) {
      void this.#settle(thread, tracker);
    }
  }

  /** The server's backplane came back: broadcasts may be lost, so every thread subscribes again and replays. */
  #resync() {
    if (this.#stopped || this.#connection.state !== HubConnectionState.Connected) {
      return; // The reconnect resubscribes anyway.
    }

    this.stats.resyncs++;
    // Every client of the replica hears this at once: spread their Subscribes over a second.
    setTimeout(() => {
      if (!this.#stopped && this.#connection.state === HubConnectionState.Connected) {
        this.#resubscribeAll();
      }
    }, Math.random() * 1000);
  }

  /**
   * A stream still streaming that has not heard from the server for `silentStreamCheckMs` may have
   * lost its last tokens and its end with no gap to show it: its thread subscribes again, which
   * brings the stream's state and replays what it lacks.
   */
  #checkSilentStreams() {
    if (this.#stopped || this.#connection.state !== HubConnectionState.Connected) {
      return;
    }

    const now = Date.now();
    for (const thread of this.#threads.values()) {
      if (thread.closed || thread.pending) {
        continue;
      }

      const silent = [...thread.streams.values()].filter((tracker) =>
        !tracker.ended && tracker.status === "streaming" && now - tracker.heardAt >= this.#silentStreamCheckMs);
      if (silent.length > 0) {
        for (const tracker of silent) {
          tracker.heardAt = now;
        }

        this.stats.silentChecks++;
        this.#resubscribe(thread);
      }
    }
  }

  /** @param {RunView} run */
  #receiveRun(run) {
    const thread = this.#threads.get(run?.threadId);
    if (!thread) {
      return;
    }

    this.#whenSynced(thread, () => {
      if (!thread.closed && thread.runVersions.accept(run)) {
        call(thread.handlers.onRunUpdated, run);
      }
    });
  }

  /**
   * Runs an event's handling now, or after the Subscribe in flight has been applied.
   * @param {ThreadSubscription} thread
   * @param {() => void} handle
   */
  #whenSynced(thread, handle) {
    if (thread.pending) {
      thread.pending.push(handle);
    } else {
      handle();
    }
  }

  /**
   * Shows what a token makes showable, and starts a replay when it reveals a gap.
   * @param {ThreadSubscription} thread
   * @param {import("./stream-tracker.js").ArrivedToken} arrived
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
      this.stats.duplicatesDropped++;
      return;
    }

    if (gap && arrived.source === "live") {
      this.stats.gapsDetected++;
      void this.#settle(thread, tracker);
    }

    this.#deliver(thread, deliver);
    this.#deliverEnd(thread, tracker);
  }

  /**
   * @param {ThreadSubscription} thread
   * @param {import("./stream-tracker.js").ArrivedToken[]} tokens
   */
  #deliver(thread, tokens) {
    for (const { event, receivedAt, source } of tokens) {
      if (source === "replay") {
        this.stats.replayedTokens++;
      }

      call(thread.handlers.onToken, { ...event, receivedAt, latencyMs: receivedAt - event.emittedAt, source });
    }
  }

  /**
   * @param {ThreadSubscription} thread
   * @param {StreamTracker} tracker
   */
  #deliverEnd(thread, tracker) {
    const ended = tracker.takeEnd();
    if (ended && !thread.closed) {
      call(thread.handlers.onEnded, ended);
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
        if (this.#connection.state !== HubConnectionState.Connected) {
          // The resubscribe after the reconnect replays from here.
          return;
        }

        const from = tracker.lastSeq;
        const epoch = tracker.epoch;
        const probing = tracker.takeProbe();
        await this.#replayFrom(thread, tracker, from);
        this.stats.replays++;
        if (!probing && tracker.epoch === epoch && tracker.lastSeq === from && tracker.missing) {
          this.#report(thread, new ReHomeError(
            ErrorCodes.replayIncomplete,
            `replay_incomplete: stream ${tracker.streamId} lacks seq ${from + 1} to ${tracker.knownLastSeq}, which the server no longer holds`,
            { threadId: thread.threadId, streamId: tracker.streamId }));
          this.#deliver(thread, tracker.abandonMissing());
        }
      }
    } catch (error) {
      const failure = ReHomeError.from(error, { threadId: thread.threadId, streamId: tracker.streamId });
      if (thread.closed || (failure.code === ErrorCodes.connection && this.#connection.state !== HubConnectionState.Connected)) {
        return;
      }

      this.#report(thread, failure);
      if (failure.code === ErrorCodes.rateLimited || failure.code === ErrorCodes.connection) {
        this.#retryLater(thread, failure, () => this.#settleAll(thread));
      }

      return;
    }

    this.#deliverEnd(thread, tracker);
  }

  /**
   * @param {ThreadSubscription} thread
   * @param {StreamTracker} tracker
   * @param {number} afterSeq
   */
  #replayFrom(thread, tracker, afterSeq) {
    return new Promise((resolve, reject) => {
      this.#connection.stream("Replay", thread.threadId, tracker.streamId, afterSeq).subscribe({
        next: (/** @type {TokenEvent} */ event) =>
          this.#accept(thread, { event, receivedAt: Date.now(), source: "replay" }),
        error: reject,
        complete: () => resolve(undefined),
      });
    });
  }

  #connected() {
    if (this.#stopped) {
      return;
    }

    this.stats.reconnects++;
    this.#restartAttempt = 0;
    this.#setState(ConnectionStates.connected);
    this.#resubscribeAll();
  }

  /** Every thread subscribes again on the new connection and replays what it missed. */
  #resubscribeAll() {
    for (const thread of this.#threads.values()) {
      this.#resubscribe(thread);
    }
  }

  /** @param {ThreadSubscription} thread */
  #resubscribe(thread) {
    this.#sync(thread).catch((error) => {
      const failure = ReHomeError.from(error, { threadId: thread.threadId });
      if (thread.closed || (failure.code === ErrorCodes.connection && this.#connection.state !== HubConnectionState.Connected)) {
        return; // The next reconnect subscribes again.
      }

      this.#report(thread, failure);
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
      if (!thread.closed && !this.#stopped && this.#connection.state === HubConnectionState.Connected) {
        retry();
      }
    }, delayMs);
  }

  /**
   * The connection closed for good (SignalR gave up, or the server closed it without allowing a
   * reconnect, as it does when the access token expires): start it again, with back-off.
   * @param {Error | undefined} error
   */
  #closed(error) {
    if (this.#stopped) {
      this.#setState(ConnectionStates.disconnected, { error });
      return;
    }

    const retryInMs = this.#delayFor(this.#restartAttempt);
    this.#restartAttempt++;
    this.#setState(ConnectionStates.reconnecting, { attempt: this.#restartAttempt, retryInMs, error });
    clearTimeout(this.#restartTimer);
    this.#restartTimer = setTimeout(async () => {
      if (this.#stopped) {
        return;
      }

      try {
        await this.#connection.start();
      } catch (startError) {
        this.#closed(asError(startError));
        return;
      }

      this.#connected();
    }, retryInMs);
  }

  /** @param {number} previousAttempts */
  #delayFor(previousAttempts) {
    const delays = this.#retryDelaysMs;
    const base = delays[Math.min(previousAttempts, delays.length - 1)];
    // ±20% jitter, so clients dropped together do not come back together.
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  /**
   * @param {ConnectionState} state
   * @param {{ attempt?: number, retryInMs?: number, error?: Error }} [details]
   */
  #setState(state, details = {}) {
    const previous = this.#state;
    if (previous === state && state !== ConnectionStates.reconnecting) {
      return;
    }

    this.#state = state;
    /** @type {StateChange} */
    const change = { state, previous, attempt: details.attempt ?? 0, retryInMs: details.retryInMs, error: details.error };
    for (const listener of this.#stateListeners) {
      call(listener, change);
    }
  }

  /**
   * @param {ThreadSubscription} thread
   * @param {ReHomeError} error
   */
  #report(thread, error) {
    call(thread.handlers.onError, error);
  }
}

/**
 * Calls an application handler; a handler that throws must not break delivery to the others.
 * @template T
 * @param {((value: T) => void) | undefined} handler
 * @param {T} value
 */
function call(handler, value) {
  if (!handler) {
    return;
  }

  try {
    handler(value);
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}

/** @param {unknown} error */
function asError(error) {
  return error instanceof Error ? error : new Error(String(error));
}
