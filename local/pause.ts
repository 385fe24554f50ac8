/**
 * Waits `ms`, or less if `signal` aborts: pollers sleep between calls and
 * must wake at once on shutdown, without an AbortError to catch.
 *
 * @example
 * await pause(250, stopping.signal);
 */
const pause = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

export { pause };
