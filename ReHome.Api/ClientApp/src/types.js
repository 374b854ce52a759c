// @ts-check
// The shapes rehome-client hands to applications (JSDoc only; this module exports nothing at run time).

/** @typedef {import("./errors.js").ReHomeError} ReHomeError */

/** @typedef {"disconnected" | "connecting" | "connected" | "reconnecting"} ConnectionState */

/**
 * `agent.thread.token`.
 * @typedef {object} TokenEvent
 * @property {string} threadId
 * @property {string} runId
 * @property {string} streamId
 * @property {number} seq starts at 1, no gaps within a stream
 * @property {string} token
 * @property {number} emittedAt Unix time in milliseconds, when the worker handed the token over
 * @property {string} [epoch] the stream's epoch: seqs count within it, and start again at 1 under a
 *   new one when the stream restarts
 */

/**
 * What `onToken` receives: the token event plus when and how it reached this client.
 * @typedef {TokenEvent & { receivedAt: number, latencyMs: number, source: "live" | "replay" }} DeliveredToken
 * `receivedAt` (Unix ms) is when the token reached the browser; `latencyMs` is
 * `receivedAt - emittedAt`, the emit-to-receive latency (meaningful for `source: "live"`; a
 * replayed token's latency includes the time it waited in the log).
 */

/**
 * `agent.thread.stream.ended`. After a reconnect the client may learn of an end from `Subscribe`
 * instead of the broadcast; then `reason` is absent.
 * @typedef {object} StreamEndedEvent
 * @property {string} threadId
 * @property {string} runId
 * @property {string} streamId
 * @property {number} lastSeq final
 * @property {"completed" | "failed" | "cancelled" | "aborted"} status
 * @property {string} [reason]
 * @property {string} [epoch] the epoch `lastSeq` belongs to (absent when the server lost it)
 */

/**
 * `agent.thread.stream.reset`: the stream restarted under a new epoch; its next tokens start at seq 1.
 * @typedef {object} StreamResetEvent
 * @property {string} threadId
 * @property {string} runId
 * @property {string} streamId
 * @property {string} epoch
 */

/**
 * What `onStreamReset` receives: a stream the client had shown restarted under a new epoch. Clear
 * what you showed of it; its tokens come again from seq 1.
 * @typedef {object} StreamReset
 * @property {string} threadId
 * @property {string} streamId
 * @property {string} runId
 * @property {string | null} previousEpoch
 * @property {string} epoch
 */

/**
 * @typedef {object} StreamSummary
 * @property {string} runId
 * @property {string} streamId
 * @property {"streaming" | "completed" | "failed" | "cancelled" | "aborted" | "unknown"} status
 * @property {number} lastSeq
 * @property {string} [epoch]
 */

/** @typedef {{ threadId: string, streams: StreamSummary[], runs?: RunView[] }} SubscribeResult */

/**
 * @typedef {object} ThreadHandlers
 * @property {(e: DeliveredToken) => void} [onToken] once per (streamId, seq), in seq order
 * @property {(e: StreamEndedEvent) => void} [onEnded] once per stream, after its last token
 * @property {(e: ReHomeError) => void} [onError] a refused subscribe, replay or resubscribe
 * @property {(run: RunView) => void} [onRunUpdated] a run of the thread changed (queued, running,
 *   completed, failed, cancelled); as the server sends it, and after every later Subscribe (a
 *   reconnect, `agent.resync`, a silent stream) for each run newer than the last one passed on —
 *   so an update lost on the way is caught up. The first Subscribe's runs are in its answer.
 * @property {(e: StreamReset) => void} [onStreamReset] a stream restarted under a new epoch: clear
 *   what was shown of it; `onToken` then delivers it again from seq 1
 */

/**
 * `agent.thread.run.updated` — the REST `Run`.
 * @typedef {object} RunView
 * @property {string} id
 * @property {string} threadId
 * @property {string} streamId
 * @property {"high" | "default"} priority
 * @property {"queued" | "running" | "completed" | "failed" | "cancelled"} status
 * @property {number} lastSeq
 * @property {number} attempts
 * @property {string} createdAt
 * @property {string} [error]
 * @property {number} version grows with every change of state; the client passes on only newer ones
 */

/**
 * @typedef {object} SubscribeOptions
 * @property {"active" | "all" | "none"} [history] which of the thread's existing streams to show
 *   from seq 1: `"active"` (default) the ones still streaming; `"all"` every stream the server
 *   still holds, ended ones included (each then gets its `onEnded`); `"none"` only tokens after the
 *   subscribe. Streams that start later are always shown from seq 1.
 */

/**
 * @typedef {object} StateChange
 * @property {ConnectionState} state
 * @property {ConnectionState} previous
 * @property {number} attempt reconnect attempt (1, 2, …) while reconnecting, else 0
 * @property {number} [retryInMs] while reconnecting: the wait before this attempt
 * @property {Error} [error] why the connection was lost
 */

/**
 * @typedef {object} ReHomeClientOptions
 * @property {string} [url] the API's base address, e.g. `"https://api.example.com"`; the hub is
 *   `${url}/hubs/agent`. A url already ending in `/hubs/agent` is used as it is. Default: this
 *   page's origin.
 * @property {() => string | Promise<string>} accessTokenFactory called on every (re)connect, so it
 *   can hand out a fresh token
 * @property {number[]} [retryDelaysMs] waits before reconnect attempts 1, 2, …; the last repeats
 *   forever (the client never gives up). Default `[0, 1000, 2000, 5000, 10000, 15000]`, ±20% jitter.
 * @property {number} [silentStreamCheckMs] a stream still streaming that has heard nothing from the
 *   server for this long makes its thread subscribe again (its last tokens and end may have been
 *   lost with no gap to show it). Default 30000; 0 turns the check off.
 * @property {import("@microsoft/signalr").LogLevel} [logLevel] SignalR's log level (default Warning)
 */

export {};
