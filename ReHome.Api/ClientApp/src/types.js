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

/**
 * What `subscribe` resolves with: the server's answer, plus `recovered` (see {@link Subscribed}).
 * @typedef {{ threadId: string, streams: StreamSummary[], runs?: RunView[], recovered?: boolean }} SubscribeResult
 */

/**
 * Where a stream stands on this page: every token up to `seq` of `epoch` has been shown.
 * @typedef {{ seq: number, epoch: string | null }} StreamPosition
 */

/**
 * Positions per stream id, as `client.positions(threadId)` reports them and `since` takes them back.
 * @typedef {Record<string, StreamPosition>} StreamPositions
 */

/**
 * What `onSubscribed` receives after every Subscribe of a thread (the first, and each one after a
 * reconnect, `agent.resync` or a silent stream) once its streams have caught up.
 * @typedef {object} Subscribed
 * @property {string} threadId
 * @property {boolean} recovered true when every stream went on from where it stood (the positions
 *   given in `since`, or the last ones shown); false when one had to start again (its epoch is gone:
 *   `onStreamReset` told you) or the server no longer holds the tokens after its position (the
 *   stream's log was trimmed or expired, or the server no longer knows a stream given in `since`)
 * @property {boolean} resubscribe false for the first Subscribe, true for later ones
 */

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
 * @property {(e: Subscribed) => void} [onSubscribed] after every Subscribe of the thread has caught up
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
 * @property {StreamPositions} [since] go on from these positions (read with `client.positions`
 *   before a page reload, e.g. kept in sessionStorage): a stream named here shows only tokens after
 *   its `seq` (whatever `history` says); when its epoch is no longer the server's, it starts again
 *   from seq 1 of the new one (`onStreamReset` is called with `previousEpoch` the one given).
 *   Whether every stream could go on is `recovered` in the answer and in `onSubscribed`.
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

/**
 * `client.stats`: counters for diagnostics and the live page.
 * @typedef {object} ClientStats
 * @property {number} reconnects successful reconnects (automatic or by restarting the connection)
 * @property {number} replays Replay calls completed
 * @property {number} replayedTokens tokens shown that came from a replay
 * @property {number} duplicatesDropped tokens dropped because their (streamId, seq) was shown or held already
 * @property {number} gapsDetected live tokens that arrived after a gap
 * @property {number} resyncs `agent.resync` requests from the server that were followed
 * @property {number} streamResets streams started again under a new epoch (their shown tokens were dropped)
 * @property {number} staleDropped events of an epoch a stream had left, dropped
 * @property {number} silentChecks subscribes again because a live stream had been silent for `silentStreamCheckMs`
 */

export {};
