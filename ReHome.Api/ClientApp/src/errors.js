// @ts-check

/** Stable error codes: the hub's, and the client's own. */
export const ErrorCodes = Object.freeze({
  forbidden: "forbidden",
  rateLimited: "rate_limited",
  invalidArgument: "invalid_argument",
  /** The connection failed or closed during the call. */
  connection: "connection",
  /** Tokens the server announced could not be replayed (the log was trimmed or has expired). */
  replayIncomplete: "replay_incomplete",
});

const HubErrorPattern = /\b(forbidden|rate_limited|invalid_argument):\s*(.*)$/s;
const RetryAfterPattern = /retry after (\d+) s/;

/** An error with a stable `code` (see {@link ErrorCodes}); hub refusals keep the server's message. */
export class ReHomeError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   * @param {{ threadId?: string, streamId?: string, retryAfterSeconds?: number, cause?: unknown }} [details]
   */
  constructor(code, message, details = {}) {
    super(message, { cause: details.cause });
    this.name = "ReHomeError";
    this.code = code;
    this.threadId = details.threadId;
    this.streamId = details.streamId;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }

  /**
   * Reads the code out of a SignalR error: the hub's `HubException` messages start with
   * `forbidden`, `rate_limited` or `invalid_argument`.
   * @param {unknown} error
   * @param {{ threadId?: string, streamId?: string }} [context]
   */
  static from(error, context = {}) {
    if (error instanceof ReHomeError) {
      return error;
    }

    const text = error instanceof Error ? error.message : String(error);
    const match = HubErrorPattern.exec(text);
    if (!match) {
      return new ReHomeError(ErrorCodes.connection, text, { ...context, cause: error });
    }

    const retryAfter = RetryAfterPattern.exec(match[2]);
    return new ReHomeError(match[1], `${match[1]}: ${match[2]}`, {
      ...context,
      retryAfterSeconds: retryAfter ? Number(retryAfter[1]) : undefined,
      cause: error,
    });
  }
}
