import { isDeepStrictEqual } from 'node:util';
import { parseOr400 } from '../../kernel/http/parse-or-400.js';
import { applyStoredErpChange } from '../../kernel/erp/apply-stored.js';
import { type ErpChange, decideErpChange } from '../../kernel/erp/erp-decision.js';
import { erpId, erpPayloads } from '../../kernel/erp/erp-events.js';
import type { ErpItem, StoredErpEntity } from '../../kernel/erp/erp-items.js';
import { getErpItem } from '../../kernel/erp/erp-reads.js';
import * as z from '../../kernel/validation.js';
import type { FieldChange, Outcome } from '../domain/job.js';
import type { LocalApply, RecordOutcome } from './local.js';

/**
 * The `local` target for ERP `orders` and `customers`: the `erp` table,
 * through the ERP tool's own decision and conditional write
 * (`kernel/erp`: fingerprint dedupe, change-time stale, version-checked
 * PutItem), so a bulk load and the ERP webhook can run at once without
 * either overwriting a newer change. Each item written is marked with the
 * job (`bulk_job_id`): the follow-up logs its sync event and derives
 * paid/delivered, but mails nobody (an initial load of 5,000 orders must
 * not send 5,000 "New Order" mails). A record is the ERP webhook's payload
 * of that entity plus its `id`.
 */

const ENTITIES: Readonly<Record<string, StoredErpEntity>> = { orders: 'salesOrder', customers: 'customer' };

const rawId = (record: Readonly<Record<string, unknown>>): unknown => record.id ?? record.entityId;

const diff = (before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>) =>
  Object.fromEntries(
    Object.entries(after)
      .filter(([field, value]) => !isDeepStrictEqual(before[field] ?? null, value ?? null))
      .map(([field, value]) => [field, { from: before[field] ?? null, to: value ?? null }]),
  ) as Record<string, FieldChange>;

/** Whether every field the record carries says what the item holds (a stale re-sync is then unchanged). */
const agrees = (item: ErpItem | undefined, payload: Readonly<Record<string, unknown>>): boolean =>
  item !== undefined && Object.keys(diff(item.data, payload)).length === 0;

/** The outcome of a written item: new, or changed data (a merge that changed no field is unchanged). */
const writtenOutcome = (before: ErpItem | undefined, item: ErpItem): Outcome => {
  if (!before) return 'created';
  return isDeepStrictEqual(before.data, item.data) ? 'unchanged' : 'updated';
};

const refused = (kind: 'stale' | 'duplicate', before: ErpItem | undefined, payload: Record<string, unknown>) =>
  kind === 'duplicate' || agrees(before, payload)
    ? { outcome: 'unchanged' as const }
    : { outcome: 'skipped' as const, reason: 'stale: the ERP entity holds a newer change' };

/**
 * Applies (or, in a dry run, only decides) one ERP record of a bulk page.
 * A record that fails the ERP webhook's payload schema is an error of that
 * record, naming the field.
 *
 * @example
 * await applyToErp(job, { id: 'SO-1', orderNumber: 'N-1', customerId: 'C-1', status: 'open', lastModified });
 * // { outcome: 'created', recordId: 'SO-1' }
 */
const applyToErp = async (job: LocalApply, record: Record<string, unknown>): Promise<RecordOutcome> => {
  const entity = ENTITIES[job.entity];
  const id = rawId(record);
  const recordId = typeof id === 'string' || typeof id === 'number' ? String(id) : '';
  if (!entity) return { outcome: 'errors', recordId, reason: `no ERP entity for ${job.entity}` };
  let payload: Record<string, unknown>;
  try {
    parseOr400(z.object({ id: erpId }), { id: recordId === '' ? undefined : recordId }, 'record');
    payload = parseOr400(erpPayloads[entity], record, 'record') as Record<string, unknown>;
  } catch (error) {
    return { outcome: 'errors', recordId, reason: error instanceof Error ? error.message : String(error) };
  }
  const change: ErpChange = {
    eventType: 'updated',
    entity,
    entityId: recordId,
    payload,
    deliveryId: `bulk:${job.jobId}:${job.page}:${recordId}`,
    bulkJobId: job.jobId,
  };
  if (job.dryRun) {
    const existing = await getErpItem(entity, recordId);
    const decision = decideErpChange(existing, change);
    if (decision.kind !== 'write') return { ...refused(decision.kind, existing, payload), recordId };
    return {
      outcome: writtenOutcome(existing, decision.item),
      recordId,
      changes: diff(existing?.data ?? {}, decision.item.data),
    };
  }
  const result = await applyStoredErpChange(change);
  if (result.kind === 'written') return { outcome: writtenOutcome(result.before, result.item), recordId };
  const before = result.before;
  if (result.kind === 'duplicate' && before !== undefined && before.last_delivery_id === change.deliveryId) {
    // This page's crashed attempt wrote it: its first outcome.
    return { outcome: before.version === 1 ? 'created' : 'updated', recordId };
  }
  return { ...refused(result.kind, before, payload), recordId };
};

export { applyToErp };
