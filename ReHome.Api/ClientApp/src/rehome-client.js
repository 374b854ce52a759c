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
import { ErrorCodes, ReHomeError } from "./errors.js";
import { ConnectionStates, HUB_PATH, HubLink, createHubConnection, hubUrl } from "./connection.js";
import { StreamSync } from "./stream-sync.js";

export { ErrorCodes, ReHomeError, ConnectionStates, HUB_PATH, createHubConnection };

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
 * @typedef {import("./types.js").ClientStats} ClientStats
 */

const DefaultSilentStreamCheckMs = 30000;

/** Names of the server-to-client events (CONTRACT.md). */
export const Events = Object.freeze({
  token: "agent.thread.token",
  streamEnded: "agent.thread.stream.ended",
  runUpdated: "agent.thread.run.updated",
  streamReset: "agent.thread.stream.reset",
  resync: "agent.resync",
});

/**
 * A browser client of the ReHome hub with exactly-once, in-order delivery per stream. The
 * connection and its back-off are in connection.js, the streams' sync and replay in stream-sync.js.
 */
export class ReHomeClient {
  #silentStreamCheckMs;
  /** @type {ReturnType<typeof setInterval> | undefined} */
  #silenceTimer;
  #link;
  #sync;

  /**
   * Counters for diagnostics and the live page.
   * @type {ClientStats}
   */
  stats = {
    reconnects: 0,
    replays: 0,
    replayedTokens: 0,
    duplicatesDropped: 0,
    gapsDetected: 0,
    resyncs: 0,
    streamResets: 0,
    staleDropped: 0,
    silentChecks: 0,
  };

  /** @param {ReHomeClientOptions} options */
  constructor(options) {
    if (!options || typeof options.accessTokenFactory !== "function") {
      throw new TypeError("ReHomeClient needs { accessTokenFactory }");
    }

    this.#silentStreamCheckMs = options.silentStreamCheckMs ?? DefaultSilentStreamCheckMs;
    this.#link = new HubLink(options, {
      reconnecting: () => this.stats.reconnects++,
      reconnected: () => this.#sync.resubscribeAll(),
    });
    this.#sync = new StreamSync(this.#link, this.stats);
    this.#link.on(Events.token, (/** @type {TokenEvent} */ event) => this.#sync.receive(event));
    this.#link.on(Events.streamEnded, (/** @type {StreamEndedEvent} */ event) => this.#sync.receiveEnd(event));
    this.#link.on(Events.runUpdated, (/** @type {RunView} */ run) => this.#sync.receiveRun(run));
    this.#link.on(Events.streamReset, (/** @type {StreamResetEvent} */ event) => this.#sync.receiveReset(event));
    this.#link.on(Events.resync, () => this.#resync());
  }

  /**
   * The hub address for an API base address (or a hub address, returned as it is).
   * @param {string | undefined} url
   */
  static hubUrl(url) {
    return hubUrl(url);
  }

  /** @returns {ConnectionState} */
  get state() {
    return this.#link.state;
  }

  /** Thread ids currently subscribed. */
  get threadIds() {
    return this.#sync.threadIds;
  }

  /**
   * Calls `listener` on every connection state change (and on every reconnect attempt).
   * @param {(change: StateChange) => void} listener
   * @returns {() => void} removes the listener
   */
  onStateChange(listener) {
    return this.#link.onStateChange(listener);
  }

  /**
   * Connects. Rejects when the first attempt fails; once connected, the client reconnects by
   * itself, forever, until {@link stop}. Subscriptions kept from before a stop resume.
   */
  async start() {
    if (!(await this.#link.start())) {
      return;
    }

    this.#sync.resubscribeAll();
    if (this.#silentStreamCheckMs > 0) {
      clearInterval(this.#silenceTimer);
      this.#silenceTimer = setInterval(() => {
        if (this.#link.usable) {
          this.#sync.checkSilentStreams(this.#silentStreamCheckMs);
        }
      }, Math.max(250, this.#silentStreamCheckMs / 2));
    }
  }

  /** Disconnects and stops reconnecting. Subscriptions are kept and resume on the next {@link start}. */
  async stop() {
    clearInterval(this.#silenceTimer);
    this.#sync.stopRetries();
    await this.#link.stop();
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
  subscribe(threadId, handlers, options = {}) {
    return this.#sync.subscribe(threadId, handlers, options);
  }

  /**
   * Where each stream of a subscribed thread stands (the last seq shown in order, and its epoch):
   * keep it (e.g. in sessionStorage, with what you showed) and pass it back as `since` after a
   * reload to go on from there. Empty for a thread not subscribed.
   * @param {string} threadId
   * @returns {import("./types.js").StreamPositions}
   */
  positions(threadId) {
    return this.#sync.thread(threadId)?.positions() ?? {};
  }

  /**
   * Stops listening to a thread; no handler of it is called afterwards.
   * @param {string} threadId
   */
  unsubscribe(threadId) {
    return this.#sync.unsubscribe(threadId);
  }

  /**
   * Asks the server to stop a run (the stop button). The stream then ends `cancelled`, which
   * subscribers hear through `onEnded`.
   * @param {string} threadId
   * @param {string} runId
   */
  async cancel(threadId, runId) {
    try {
      await this.#link.invoke("Cancel", threadId, runId);
    } catch (error) {
      throw ReHomeError.from(error, { threadId });
    }
  }

  /** The server's backplane came back: broadcasts may be lost, so every thread subscribes again and replays. */
  #resync() {
    if (!this.#link.usable) {
      return; // The reconnect resubscribes anyway.
    }

    this.stats.resyncs++;
    // Every client of the replica hears this at once: spread their Subscribes over a second.
    setTimeout(() => {
      if (this.#link.usable) {
        this.#sync.resubscribeAll();
      }
    }, Math.random() * 1000);
  }
}
