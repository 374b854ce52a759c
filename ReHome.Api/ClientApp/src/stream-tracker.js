// @ts-check

/**
 * @typedef {import("./types.js").TokenEvent} TokenEvent
 * @typedef {import("./types.js").StreamEndedEvent} StreamEndedEvent
 */

/**
 * A token as it arrived: the event, when it arrived and how (live broadcast or replay).
 * @typedef {{ event: TokenEvent, receivedAt: number, source: "live" | "replay" }} ArrivedToken
 */

/**
 * What one stream of a thread has shown, and what it still lacks. Pure bookkeeping, no I/O:
 * the client feeds it every token it receives (live or replayed) and it answers which tokens to
 * show now, in seq order, each (streamId, seq) once.
 *
 * `lastSeq` is the last *contiguous* seq shown (1..lastSeq all shown) — where a replay starts.
 * Tokens past a gap wait in a buffer until the gap is filled, so a live token that overtook a lost
 * one never hides the gap.
 *
 * A stream's seqs belong to its `epoch`: when the stream restarts (or Redis lost its latest tokens
 * and the writer started it again), seqs start at 1 under a new epoch. {@link epochChange} says
 * whether an event's epoch is this one, a new one (the stream must be {@link reset}) or one this
 * stream already left behind (a late event of the old life, to be dropped).
 */
export class StreamTracker {
  /** @type {Map<number, ArrivedToken>} */
  #buffer = new Map();

  /**
   * @param {string} streamId
   * @param {string} runId
   * @param {number} [lastSeq] tokens up to this seq count as shown already (0: show from the start)
   * @param {string | null} [epoch] the epoch `lastSeq` belongs to, when known
   */
  constructor(streamId, runId, lastSeq = 0, epoch = null) {
    this.streamId = streamId;
    this.runId = runId;
    /** Last contiguous seq shown. */
    this.lastSeq = lastSeq;
    /** Highest seq the server has said exists (a buffered token, Subscribe's lastSeq, the end event). */
    this.knownLastSeq = lastSeq;
    /** @type {StreamEndedEvent | null} */
    this.ended = null;
    this.endDelivered = false;
    /** The epoch the shown seqs belong to; null until the server names one. */
    this.epoch = epoch ?? null;
    /** Set by a reset: one replay from seq 0 is due, even though no seq is known yet. */
    this.probe = false;
    /** The server's status from the last Subscribe ("unknown" when it no longer knows the stream). */
    this.status = "streaming";
    /** When this stream last heard from the server (Unix ms), for the silent-stream check. */
    this.heardAt = Date.now();
  }

  /** @type {Set<string>} epochs this stream has left behind */
  #retired = new Set();

  /** Tokens held back behind a gap. */
  get buffered() {
    return this.#buffer.size;
  }

  /** True while the server holds tokens this stream has not shown: a replay from `lastSeq` is due. */
  get missing() {
    return this.probe || this.knownLastSeq > this.lastSeq;
  }

  /**
   * How an event's epoch relates to this stream's. A stream that has shown nothing yet simply takes
   * the first epoch it is told.
   * @param {string | null | undefined} epoch
   * @returns {"same" | "new" | "stale"} `new`: the stream restarted, call {@link reset};
   *   `stale`: a late event of an epoch this stream left, drop it
   */
  epochChange(epoch) {
    if (!epoch || epoch === this.epoch) {
      return "same";
    }

    if (this.#retired.has(epoch)) {
      return "stale";
    }

    if (this.epoch === null && this.lastSeq === 0 && this.#buffer.size === 0 && !this.ended) {
      this.epoch = epoch;
      return "same";
    }

    return "new";
  }

  /**
   * Forgets everything shown of the current epoch and starts the stream again under `epoch`, from
   * seq 1; events of the old epoch count as stale from now on, and one replay from 0 is due.
   * @param {string} epoch
   * @returns {string | null} the epoch left behind
   */
  reset(epoch) {
    const previous = this.epoch;
    if (previous) {
      this.#retired.add(previous);
    }

    this.#retired.delete(epoch);
    this.epoch = epoch;
    this.#buffer.clear();
    this.lastSeq = 0;
    this.knownLastSeq = 0;
    this.ended = null;
    this.endDelivered = false;
    this.probe = true;
    return previous;
  }

  /** Takes the due replay from 0 (see {@link reset}); true when one was due. */
  takeProbe() {
    const probe = this.probe;
    this.probe = false;
    return probe;
  }

  /**
   * Takes one arrived token.
   * @param {ArrivedToken} arrived
   * @returns {{ deliver: ArrivedToken[], dropped: boolean, gap: boolean }} the tokens to show now,
   *   in seq order; `dropped` when this seq was shown or buffered before (or is no valid seq); `gap` when it waits behind one.
   */
  offer(arrived) {
    const seq = arrived.event.seq;
    if (!Number.isSafeInteger(seq) || seq < 1 || seq <= this.lastSeq || this.#buffer.has(seq)) {
      return { deliver: [], dropped: true, gap: false };
    }

    if (seq > this.lastSeq + 1) {
      this.#buffer.set(seq, arrived);
      this.observe(seq);
      return { deliver: [], dropped: false, gap: true };
    }

    const deliver = [arrived];
    this.lastSeq = seq;
    for (let next = this.#buffer.get(seq + 1); next; next = this.#buffer.get(this.lastSeq + 1)) {
      this.#buffer.delete(this.lastSeq + 1);
      deliver.push(next);
      this.lastSeq++;
    }

    this.observe(this.lastSeq);
    return { deliver, dropped: false, gap: false };
  }

  /**
   * Records that the server holds tokens up to `seq`.
   * @param {number} seq
   */
  observe(seq) {
    if (seq > this.knownLastSeq) {
      this.knownLastSeq = seq;
    }
  }

  /**
   * Records the stream's end; its lastSeq is final.
   * @param {StreamEndedEvent} ended
   */
  end(ended) {
    this.ended ??= ended;
    this.observe(ended.lastSeq);
  }

  /** The end event, once, as soon as every token up to its lastSeq has been shown; null until then. */
  takeEnd() {
    if (!this.ended || this.endDelivered || this.lastSeq < this.ended.lastSeq) {
      return null;
    }

    this.endDelivered = true;
    return this.ended;
  }

  /**
   * Gives up on tokens that can no longer be replayed (the log was trimmed or expired): what is
   * buffered is shown, and the end, if known, may follow.
   * @returns {ArrivedToken[]} the buffered tokens, in seq order
   */
  abandonMissing() {
    const rest = [...this.#buffer.entries()].sort(([a], [b]) => a - b).map(([, arrived]) => arrived);
    this.#buffer.clear();
    this.lastSeq = this.knownLastSeq;
    return rest;
  }
}
