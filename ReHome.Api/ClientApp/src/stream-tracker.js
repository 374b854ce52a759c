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
 */
export class StreamTracker {
  /** @type {Map<number, ArrivedToken>} */
  #buffer = new Map();

  /**
   * @param {string} streamId
   * @param {string} runId
   * @param {number} [lastSeq] tokens up to this seq count as shown already (0: show from the start)
   */
  constructor(streamId, runId, lastSeq = 0) {
    this.streamId = streamId;
    this.runId = runId;
    /** Last contiguous seq shown. */
    this.lastSeq = lastSeq;
    /** Highest seq the server has said exists (a buffered token, Subscribe's lastSeq, the end event). */
    this.knownLastSeq = lastSeq;
    /** @type {StreamEndedEvent | null} */
    this.ended = null;
    this.endDelivered = false;
  }

  /** Tokens held back behind a gap. */
  get buffered() {
    return this.#buffer.size;
  }

  /** True while the server holds tokens this stream has not shown: a replay from `lastSeq` is due. */
  get missing() {
    return this.knownLastSeq > this.lastSeq;
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
