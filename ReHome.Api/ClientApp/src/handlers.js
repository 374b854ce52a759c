// @ts-check

/**
 * Calls an application handler; a handler that throws must not break delivery to the others.
 * @template T
 * @param {((value: T) => void) | undefined} handler
 * @param {T} value
 */
export function call(handler, value) {
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
export function asError(error) {
  return error instanceof Error ? error : new Error(String(error));
}
