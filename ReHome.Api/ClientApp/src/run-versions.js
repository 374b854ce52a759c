// @ts-check

/**
 * The newest state of each run. `agent.thread.run.updated` is sent by the API and by workers, so two
 * updates can overtake each other on the way; each carries a version that grows with every change of
 * state, and only a newer one is passed on.
 */
export class RunVersions {
  /** @type {Map<string, number>} */
  #newest = new Map();

  /**
   * Records the update and says whether it is newer than any seen for its run. An update without a
   * version (an older server) always counts as newer.
   * @param {{ id: string, version?: number }} run
   * @returns {boolean}
   */
  accept(run) {
    const seen = this.#newest.get(run.id) ?? 0;
    const version = typeof run.version === "number" ? run.version : seen + 1;
    if (version <= seen) {
      return false;
    }

    this.#newest.set(run.id, version);
    return true;
  }
}
