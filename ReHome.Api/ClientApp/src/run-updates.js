// @ts-check
import { call } from "./handlers.js";

/**
 * @typedef {import("./types.js").RunView} RunView
 * @typedef {import("./thread-subscription.js").ThreadSubscription} ThreadSubscription
 */

/**
 * `onRunUpdated`: passes on each run's updates, newest only — as the server sends them, and after a
 * later Subscribe for each run its answer shows newer than the last one passed on (an update lost on
 * the way is caught up that way).
 * @internal
 */
export const RunUpdates = Object.freeze({
  /**
   * A live `agent.thread.run.updated`.
   * @param {ThreadSubscription} thread
   * @param {RunView} run
   */
  receive(thread, run) {
    if (!thread.closed && thread.runVersions.accept(run)) {
      call(thread.handlers.onRunUpdated, run);
    }
  },

  /**
   * The runs in a Subscribe's answer. The first Subscribe's runs are in its answer only; later
   * ones pass on what is newer.
   * @param {ThreadSubscription} thread
   * @param {RunView[] | undefined} runs
   */
  catchUp(thread, runs) {
    if (!thread.synced) {
      return;
    }

    for (const run of runs ?? []) {
      if (thread.runVersions.accept(run)) {
        call(thread.handlers.onRunUpdated, run);
      }
    }
  },
});
