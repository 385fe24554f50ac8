import { enqueueOutbound } from '../../kernel/outbound/outbound-queue.js';
import type { StoredRecord } from '../../kernel/records/record.js';
import { planCrmPushOf } from './crm-push.js';
import type { LocalApply, RecordOutcome } from './local.js';

/**
 * Pushes one of our records to the CRM through the outbound queue (or, in a
 * dry run, only says what would be pushed). A page sent twice queues the
 * same message ids again, which the FIFO queue drops as duplicates within
 * its 5-minute window, and the push action skips a version the CRM has.
 *
 * @example
 * const result = await pushToCrm(job, storedRecord);
 */
const pushToCrm = async (job: LocalApply, record: Record<string, unknown>): Promise<RecordOutcome> => {
  const { message, ...result } = planCrmPushOf(record as unknown as StoredRecord);
  if (message && !job.dryRun) await enqueueOutbound([message]);
  return job.dryRun ? result : { outcome: result.outcome, recordId: result.recordId };
};

export { pushToCrm };
