/** How a consumer's reply to a batch is read, with `ReportBatchItemFailures` on. */
type BatchVerdict =
  | { readonly kind: 'success' }
  | { readonly kind: 'partial'; readonly failedIds: ReadonlySet<string> }
  | { readonly kind: 'invalid'; readonly reason: string };

/**
 * Reads a partial batch response the way Lambda does: no reply, an empty or
 * null `batchItemFailures`, is full success; an entry whose `itemIdentifier`
 * is missing, empty or not in the batch makes the whole batch a failure
 * (AWS: "Lambda treats a batch as a complete failure").
 *
 * @example
 * readBatchResponse({ batchItemFailures: [{ itemIdentifier: 'm-2' }] }, new Set(['m-1', 'm-2']));
 * // { kind: 'partial', failedIds: Set { 'm-2' } }
 */
const readBatchResponse = (value: unknown, idsInBatch: ReadonlySet<string>): BatchVerdict => {
  if (value === null || typeof value !== 'object') return { kind: 'success' };
  const failures = (value as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'success' };
  if (!Array.isArray(failures)) return { kind: 'invalid', reason: 'batchItemFailures is not an array' };
  if (failures.length === 0) return { kind: 'success' };
  const failedIds = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '')
      return { kind: 'invalid', reason: 'an itemIdentifier is missing or empty' };
    if (!idsInBatch.has(id)) return { kind: 'invalid', reason: `itemIdentifier ${id} is not in the batch` };
    failedIds.add(id);
  }
  return { kind: 'partial', failedIds };
};

export { readBatchResponse };
export type { BatchVerdict };
