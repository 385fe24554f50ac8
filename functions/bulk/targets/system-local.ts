import { applyToErp } from './erp-local.js';
import type { LocalApply, RecordOutcome } from './local.js';
import { systemStoreOf } from './local-types.js';
import { applyToStock } from './stock-local.js';

/**
 * Whether a job loads into our store somewhere other than the records: the
 * stock levels or the `erp` table (ERP and shop entities; `local-types.ts`).
 *
 * @example
 * takesSystemRecord({ source: 'erp', target: 'local', entity: 'inventory' }); // true
 * takesSystemRecord({ source: 'crm', target: 'local', entity: 'contacts' }); // false
 */
const takesSystemRecord = (job: Pick<LocalApply, 'source' | 'target' | 'entity'>): boolean =>
  job.target === 'local' && systemStoreOf(job.source, job.entity) !== undefined;

/**
 * Applies one record of such a job where its entity lives: a count on the
 * stock, or an entity in the `erp` table. One entry point, so the page
 * worker's ports dispatch with one line.
 *
 * @example
 * await applySystemRecord(job, { sku: 'SKU-1', warehouse: 'WH-1', qtyOnHand: 3 });
 */
const applySystemRecord = (job: LocalApply, record: Record<string, unknown>): Promise<RecordOutcome> =>
  systemStoreOf(job.source, job.entity) === 'stock' ? applyToStock(job, record) : applyToErp(job, record);

export { takesSystemRecord, applySystemRecord };
