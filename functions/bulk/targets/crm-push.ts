import { mappingFor } from '../../kernel/mappings/crm/index.js';
import { toRemote } from '../../kernel/mappings/mapping.js';
import type { OutboundMessageInput } from '../../kernel/outbound/message.js';
import type { StoredRecord } from '../../kernel/records/record.js';
import type { FieldChange } from '../domain/job.js';
import type { RecordOutcome } from './local.js';

/**
 * The `crm` target: our records pushed to the CRM through the outbound
 * queue, as the same message the CRM tool's stream consumer queues for a
 * local change (`crm.pushRecord`, one message group per record, id
 * `crm#<type>#<id>#v<version>`): the dispatcher applies the CRM's mapping,
 * rate limits and retries, and the push action POSTs a record the CRM does
 * not know yet and PUTs one it does. The same id as a live push means a
 * record queued by both within SQS's deduplication window goes once.
 * A record the CRM already has at its version is unchanged, not queued.
 */
const PUSH_ACTION = 'crm.pushRecord';

/** The message that pushes `record` (built here, sent by the worker for the whole page at once). */
const pushMessage = (record: StoredRecord): OutboundMessageInput => {
  const group = `crm#${record.record_type}#${record.record_id}`;
  return {
    id: `${group}#v${record.version}`,
    group,
    request: { integration: 'crm', method: 'PUT', path: '/' },
    action: { name: PUSH_ACTION, params: { record_type: record.record_type, record_id: record.record_id } },
    context: { record_type: record.record_type, record_id: record.record_id, version: record.version },
  };
};

/**
 * What pushing `record` comes to: created (the CRM has no id for it),
 * updated (a local change it has not acknowledged) or unchanged; with the
 * message to queue, and the vendor fields as a sample's changes.
 *
 * @example
 * const { outcome, message } = planCrmPushOf(record);
 */
const planCrmPushOf = (record: StoredRecord): RecordOutcome & { readonly message?: OutboundMessageInput } => {
  const recordId = record.record_id;
  const mapping = mappingFor('crm', record.record_type);
  if (!mapping?.outbound) return { outcome: 'errors', recordId, reason: `the CRM takes no ${record.record_type}` };
  const linked = record.external_source === 'crm' && Boolean(record.external_id);
  if (linked && (record.synced_version ?? 0) >= record.version) return { outcome: 'unchanged', recordId };
  const changes: Record<string, FieldChange> = Object.fromEntries(
    Object.entries(toRemote(mapping, record.data)).map(([field, value]) => [field, { from: null, to: value }]),
  );
  return { outcome: linked ? 'updated' : 'created', recordId, changes, message: pushMessage(record) };
};

export { planCrmPushOf };
