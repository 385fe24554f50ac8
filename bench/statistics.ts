/**
 * The few statistics the suites share. Medians rather than means: a bench on
 * a shared machine has outliers (a GC, another process), and the median of
 * repeated runs shrugs them off.
 */

/** The median of a non-empty list of numbers. */
const median = (values: readonly number[]): number => {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

/**
 * Calls per second of `call`, awaited one at a time for `iterations` calls,
 * after `warmUp` calls that let V8 optimise the path being measured.
 *
 * @example
 * const rate = await callsPerSecond(() => handler(event, context), { iterations: 20_000, warmUp: 2_000 });
 */
const callsPerSecond = async (
  call: () => Promise<unknown>,
  { iterations, warmUp }: { readonly iterations: number; readonly warmUp: number },
): Promise<number> => {
  for (let i = 0; i < warmUp; i++) await call();
  const start = performance.now();
  for (let i = 0; i < iterations; i++) await call();
  const seconds = (performance.now() - start) / 1000;
  return iterations / seconds;
};

/**
 * The `p`-th percentile (0-100) of a non-empty list, nearest-rank: always a
 * value that was measured, never an interpolation between two.
 *
 * @example
 * const p99 = percentile(latenciesMs, 99);
 */
const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) throw new RangeError('percentile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
};

export { median, percentile, callsPerSecond };
