import type { OutboundAction } from '../../kernel/outbound/action.js';
import { mappingFor } from '../../kernel/mappings/crm/index.js';
import { toRemote } from '../../kernel/mappings/mapping.js';
import { logger } from '../../kernel/observability.js';
import { acknowledgePush } from '../../kernel/records/outbound-writes.js';
import { type RecordData, hasOpenConflict } from '../../kernel/records/record.js';
import { getRecord } from '../../kernel/records/record-reads.js';

/**
 * Pushes a local record to the CRM, built from the record as it is at send
 * time rather than as it was when the change was queued: POST when the CRM
 * has no id for it yet, PUT to its id otherwise. Reading at send time is what
 * keeps a create and the edits queued behind it from creating the record
 * twice: by the time an edit is sent, the create has written the id back.
 */
interface PushState {
  readonly version: number;
  readonly created: boolean;
  readonly pushed: RecordData;
}

const SYSTEM = 'crm';

const pushedFields = (mappingFields: readonly { local: string; direction: string }[], data: RecordData): RecordData =>
  Object.fromEntries(
    mappingFields
      .filter((f) => f.direction === 'both' && data[f.local] !== undefined)
      .map((f) => [f.local, data[f.local]]),
  );

const crmPushAction: OutboundAction = {
  async prepare(message) {
    const type = String(message.action?.params.record_type);
    const id = String(message.action?.params.record_id);
    const mapping = mappingFor(SYSTEM, type);
    if (!mapping?.outbound) return { skip: `no outbound mapping for ${type}` };
    const record = await getRecord(type, id);
    if (!record) return { skip: 'record no longer exists' };
    if (record.deleted_at) return { skip: 'record was deleted' };
    // Held while a conflict is open: the resolver's write releases (or replaces) this push.
    if (hasOpenConflict(record)) return { skip: `conflict ${record.conflict_id ?? ''} is open; held until resolved` };
    if ((record.synced_version ?? 0) >= record.version) return { skip: `CRM already has version ${record.version}` };
    const linked = record.external_source === SYSTEM && record.external_id;
    const state: PushState = {
      version: record.version,
      created: !linked,
      pushed: pushedFields(mapping.fields, record.data),
    };
    return {
      request: {
        kind: 'http',
        integration: SYSTEM,
        method: linked ? 'PUT' : 'POST',
        path: linked
          ? mapping.outbound.updatePath.replace('{external_id}', encodeURIComponent(record.external_id as string))
          : mapping.outbound.createPath,
        body: toRemote(mapping, record.data),
      },
      state,
    };
  },

  async afterSuccess(message, answer, state) {
    const { version, created, pushed } = state as PushState;
    const type = String(message.action?.params.record_type);
    const id = String(message.action?.params.record_id);
    const body = answer.body as { id?: unknown } | undefined;
    const externalId =
      created && body && (typeof body.id === 'string' || typeof body.id === 'number') ? String(body.id) : undefined;
    if (created && !externalId) {
      // Retrying would create a second record at the CRM, so we record the gap instead of failing.
      logger.error('CRM accepted a create but returned no id; the record stays unlinked', {
        record_id: id,
        status: answer.status,
      });
    }
    const current = await acknowledgePush({
      recordType: type,
      recordId: id,
      system: SYSTEM,
      version,
      pushed,
      externalId,
    });
    logger.info('CRM push acknowledged', { record_id: id, version, external_id: externalId, still_current: current });
  },
};

export { crmPushAction };
