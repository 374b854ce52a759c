// @ts-check
import { HttpTransportType, HubConnectionBuilder, HubConnectionState, LogLevel } from "@microsoft/signalr";
import { ReHomeError } from "./errors.js";
import { asError, call } from "./handlers.js";

/**
 * @typedef {import("./types.js").ConnectionState} ConnectionState
 * @typedef {import("./types.js").StateChange} StateChange
 * @typedef {import("./types.js").ReHomeClientOptions} ReHomeClientOptions
 */

/** The hub's path under the API's base address. */
export const HUB_PATH = "/hubs/agent";

const DefaultRetryDelaysMs = [0, 1000, 2000, 5000, 10000, 15000];

/** Connection states reported by `ReHomeClient#onStateChange`. */
export const ConnectionStates = Object.freeze({
  disconnected: /** @type {ConnectionState} */ ("disconnected"),
  connecting: /** @type {ConnectionState} */ ("connecting"),
  connected: /** @type {ConnectionState} */ ("connected"),
  reconnecting: /** @type {ConnectionState} */ ("reconnecting"),
});

/**
 * The hub address for an API base address (or a hub address, returned as it is).
 * @param {string | undefined} url
 */
export function hubUrl(url) {
  const base = (url ?? "").replace(/\/+$/, "");
  return base.endsWith(HUB_PATH) ? base : base + HUB_PATH;
}

/**
 * How every ReHome client builds its hub connection: WebSockets without negotiation (replicas without
 * sticky sessions have no negotiate round trip that a second replica would not know), the access
 * token from a factory.
 * @param {{ url?: string, accessTokenFactory?: () => string | Promise<string>, logLevel?: LogLevel }} options
 */
function hubConnectionBuilder(options) {
  return new HubConnectionBuilder()
    .withUrl(hubUrl(options.url), {
      transport: HttpTransportType.WebSockets,
      skipNegotiation: true,
      accessTokenFactory: options.accessTokenFactory,
    })
    .configureLogging(options.logLevel ?? LogLevel.Warning);
}

/**
 * A bare hub connection built the same way: not started, no handlers, no reconnect, nothing kept
 * exactly once. For code that needs the hub itself (load tools, tests of the hub); an app wants
 * `ReHomeClient`.
 * @param {{ url: string, accessTokenFactory: () => string | Promise<string>, logLevel?: LogLevel }} options
 * @returns {import("@microsoft/signalr").HubConnection}
 */
export function createHubConnection(options) {
  return hubConnectionBuilder(options).build();
}

/**
 * The SignalR connection and keeping it up: SignalR's automatic reconnect first, then, when that
 * gives up or the server closes the connection for good, starting it again with back-off, forever,
 * until {@link stop}. Knows nothing of threads: `onConnected` hears every (re)connect.
 * @internal
 */
export class HubLink {
  /** @type {ConnectionState} */
  #state = ConnectionStates.disconnected;
  /** @type {Set<(change: StateChange) => void>} */
  #stateListeners = new Set();
  #stopped = true;
  #restartAttempt = 0;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  #restartTimer;
  #retryDelaysMs;
  #connection;
  #hooks;

  /**
   * @param {ReHomeClientOptions} options
   * @param {{ reconnecting: () => void, reconnected: () => void }} hooks on every reconnect (not the
   *   first connect): `reconnecting` before the state turns `connected`, `reconnected` after
   */
  constructor(options, hooks) {
    this.#retryDelaysMs = options.retryDelaysMs?.length ? [...options.retryDelaysMs] : DefaultRetryDelaysMs;
    this.#hooks = hooks;
    this.#connection = hubConnectionBuilder(options)
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
      .build();
    this.#connection.onreconnected(() => this.#connected());
    this.#connection.onclose((error) => this.#closed(error));
  }

  /** @returns {ConnectionState} */
  get state() {
    return this.#state;
  }

  /** True between {@link stop} (or before the first {@link start}) and the next start. */
  get stopped() {
    return this.#stopped;
  }

  /** True while the hub can be called. */
  get connected() {
    return this.#connection.state === HubConnectionState.Connected;
  }

  /** True while started and the hub can be called. */
  get usable() {
    return !this.#stopped && this.connected;
  }

  /**
   * @param {(change: StateChange) => void} listener
   * @returns {() => void} removes the listener
   */
  onStateChange(listener) {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  /**
   * @param {string} event
   * @param {(...args: any[]) => void} handler
   */
  on(event, handler) {
    this.#connection.on(event, handler);
  }

  /**
   * @template T
   * @param {string} method
   * @param {...any} args
   * @returns {Promise<T>}
   */
  invoke(method, ...args) {
    return this.#connection.invoke(method, ...args);
  }

  /**
   * @template T
   * @param {string} method
   * @param {...any} args
   */
  stream(method, ...args) {
    return this.#connection.stream(/** @type {any} */ (method), ...args);
  }

  /** Connects; rejects (as a {@link ReHomeError}) when the first attempt fails. False when already started. */
  async start() {
    if (!this.#stopped) {
      return false;
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
    return true;
  }

  /** Disconnects and stops reconnecting. */
  async stop() {
    this.#stopped = true;
    clearTimeout(this.#restartTimer);
    await this.#connection.stop();
    this.#setState(ConnectionStates.disconnected);
  }

  #connected() {
    if (this.#stopped) {
      return;
    }

    this.#hooks.reconnecting();
    this.#restartAttempt = 0;
    this.#setState(ConnectionStates.connected);
    this.#hooks.reconnected();
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
}
