import type { Counts, Outcome } from './job.js';

/**
 * A page's counts from its records' outcomes: one per record, `processed`
 * being all of them. Pure, so the counts a checkpoint adds are exactly what
 * the page's records came to.
 *
 * @example
 * countOutcomes(['created', 'created', 'errors']); // { created: 2, updated: 0, unchanged: 0, skipped: 0, errors: 1, processed: 3 }
 */
const countOutcomes = (list: readonly Outcome[]): Counts & { readonly processed: number } => {
  const counts = { created: 0, updated: 0, unchanged: 0, skipped: 0, errors: 0 };
  for (const outcome of list) counts[outcome] += 1;
  return { ...counts, processed: list.length };
};

export { countOutcomes };
