import { unlinkedMatchId } from '../records/match-index.js';
import { findByExternalId, getRecord, resolveItem } from '../records/record-reads.js';
import { wasDeliveryApplied } from '../sync-log/applied-deliveries.js';
import { appendSyncEvent } from '../sync-log/sync-events.js';
import {
  applyRemote,
  applyRemoteBlind,
  createFromRemote,
  noteConflict,
  noteRemote,
  noteSkipped,
} from './inbound-writes.js';
import type { InboundRecordStore } from './record-store.js';

/**
 * The `InboundRecordStore` port on DynamoDB: the `records` table (reads,
 * the match index, the conditional writes of `inbound-writes.ts`), the sync
 * log and the conflicts table (a conflict is put in one transaction with its
 * record's claim, `conflicts/conflict-store.ts`). Assembled here from single-purpose modules,
 * each touching one table, so the function is granted exactly the
 * operations it calls (`test/unit/table-grants.test.ts`); this module names
 * no table itself.
 *
 * @example
 * await applyInboundChange(change, dynamoRecordStore);
 */
const dynamoRecordStore: InboundRecordStore = {
  findByExternalId,
  resolveItem,
  // The index is eventually consistent: the candidate is read again, strongly, before anyone decides on it.
  findUnlinkedMatch: async (recordType, data) => {
    const id = await unlinkedMatchId(recordType, data);
    return id === undefined ? undefined : getRecord(recordType, id);
  },
  applyRemoteBlind,
  createFromRemote,
  applyRemote,
  noteRemote,
  noteConflict,
  noteSkipped,
  wasApplied: wasDeliveryApplied,
  appendSyncEvent,
};

export { dynamoRecordStore };
