/** What a burst of calls measured: its throughput and each call's latency. */
export interface BurstResult {
  readonly perSecond: number;
  /** One entry per call, in milliseconds, in completion order. */
  readonly latenciesMs: readonly number[];
}

/**
 * Runs `calls` with at most `concurrency` in flight, as a burst of webhooks
 * arrives at a function, and answers calls per second over the whole burst
 * and the latency of each call. A call that throws stops the burst: a
 * refused request would be measuring the error path.
 *
 * Whatever a call needs (a signed event, a key) should be built before it
 * is handed in, so that only the call itself is timed.
 *
 * @example
 * const { perSecond, latenciesMs } = await runBurst(events.map((e) => () => handler(e, context)), 16);
 */
const runBurst = async (calls: readonly (() => Promise<unknown>)[], concurrency: number): Promise<BurstResult> => {
  const latenciesMs: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, calls.length) }, async () => {
      while (next < calls.length) {
        const call = calls[next++] as () => Promise<unknown>;
        const begun = performance.now();
        await call();
        latenciesMs.push(performance.now() - begun);
      }
    }),
  );
  return { perSecond: calls.length / ((performance.now() - start) / 1000), latenciesMs };
};

export { runBurst };
