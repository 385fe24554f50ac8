import { conflictIdFor } from '../conflicts/conflict-id.js';
import { countForIntegration } from '../integration-metric.js';
import { logger } from '../observability.js';
import { type RecordsItem, type StoredRecord, localIdFor } from '../records/record.js';
import { type CarriedSyncEvent, carriedSyncEvent } from '../sync-log/sync-events.js';
import { type InboundChange, type InboundDecision, decideInbound } from './inbound-rules.js';
import { type InboundRecordStore, RecordMovedError } from './record-store.js';

/**
 * Applies one inbound change from an outside system: find our record, decide
 * with {@link decideInbound}, make one conditional write, log the attempt.
 * When the record moved between the read and the write (a racing change, or
 * another copy of the same delivery), read and decide again. Every read and
 * write goes through the {@link InboundRecordStore} port, so this module
 * reads top-down: find, decide, act; the tables are the store's business.
 *
 * Every attempt, whatever its outcome, leaves one sync event: carried on the
 * record write it made (the `syncLogWriter` stream consumer logs it, seconds
 * later), or appended directly when it wrote none (a duplicate).
 */
export type InboundResult =
  | { readonly status: 'synced'; readonly record_id: string; readonly direction: 'inbound'; readonly changed: boolean }
  | { readonly status: 'duplicate'; readonly record_id?: string }
  | { readonly status: 'stale'; readonly record_id: string; readonly last_applied: string }
  | { readonly status: 'conflict'; readonly record_id: string; readonly conflict_id: string };

const MAX_ROUNDS = 8;

/**
 * What the caller knows of the source id's derived key: what it holds
 * (read already, or returned by a failed condition), or that it must be
 * read, or that it need not be (a create: the conditional put checks it).
 */
type DerivedKey = { readonly item: RecordsItem | undefined } | 'read' | 'skip';

/**
 * Our record for the change as the caller found it already (strongly
 * consistent: at the derived key, where its alias points, else an unlinked
 * match re-read), so the first round decides on it without reading again.
 * A caller that reads many records at once (bulk sync's BatchGetItem of a
 * page) saves the round trips; every write stays conditional on exactly
 * this record, so one that moved since is read and decided again.
 */
export interface KnownRecord {
  readonly record: StoredRecord | undefined;
}

/**
 * Our record for the source's id: the record at the derived id or the one
 * its alias points to (strongly consistent: every record the source created
 * or that we linked to its id is found there), else, for creates and
 * updates, an unlinked record with the same email or name (from the index,
 * eventually consistent, so re-read).
 */
const findRecord = async (
  store: InboundRecordStore,
  change: InboundChange,
  derived: DerivedKey,
): Promise<StoredRecord | undefined> => {
  if (derived !== 'skip') {
    const record =
      derived === 'read'
        ? await store.findByExternalId(change.recordType, change.source, change.externalId)
        : await store.resolveItem(change.recordType, derived.item);
    if (record) return record;
  }
  if (change.event === 'deleted') return undefined;
  const match = await store.findUnlinkedMatch(change.recordType, change.data);
  if (match) {
    logger.info('linking an inbound record to a local one by its match field', {
      record_id: match.record_id,
      external_id: change.externalId,
    });
  }
  return match;
};

/** What the sync event of one attempt says. */
const inboundEventFields = (
  change: InboundChange,
  decision: InboundDecision['kind'],
  outcome: InboundResult['status'],
  conflictId?: string,
) => ({
  direction: 'inbound' as const,
  source: change.source,
  event: change.event,
  outcome,
  timestamp: change.timestamp,
  delivery_id: change.deliveryId,
  detail: { external_id: change.externalId, decision, ...(conflictId ? { conflict_id: conflictId } : {}) },
});

/** The sync event of one attempt, carried on its record write. */
const inboundEvent = (
  change: InboundChange,
  decision: InboundDecision['kind'],
  outcome: InboundResult['status'],
  now: Date,
  conflictId?: string,
): CarriedSyncEvent => carriedSyncEvent(inboundEventFields(change, decision, outcome, conflictId), now);

/** A delivery with no effect writes no record, so its event goes straight to the log. */
const duplicate = async (
  store: InboundRecordStore,
  change: InboundChange,
  recordId: string | undefined,
  decision: InboundDecision['kind'],
  now: Date,
): Promise<InboundResult> => {
  await store.appendSyncEvent(
    {
      ...inboundEventFields(change, decision, 'duplicate'),
      record_type: change.recordType,
      record_id: recordId ?? localIdFor(change.source, change.externalId),
    },
    now,
  );
  return { status: 'duplicate', record_id: recordId };
};

const act = async (
  store: InboundRecordStore,
  record: StoredRecord | undefined,
  decision: InboundDecision,
  change: InboundChange,
  now: Date,
): Promise<InboundResult> => {
  const at = now.toISOString();
  const synced = () => inboundEvent(change, decision.kind, 'synced', now);
  switch (decision.kind) {
    case 'duplicate':
      return duplicate(store, change, record?.record_id, decision.kind, now);
    case 'stale': {
      const current = record as StoredRecord;
      if (await store.wasApplied(current.record_id, change.deliveryId)) {
        return duplicate(store, change, current.record_id, decision.kind, now);
      }
      await store.noteSkipped(current, 'stale', at, inboundEvent(change, decision.kind, 'stale', now));
      return { status: 'stale', record_id: current.record_id, last_applied: decision.lastApplied };
    }
    case 'create':
    case 'tombstone': {
      const created = await store.createFromRemote(localIdFor(change.source, change.externalId), change, at, synced());
      return { status: 'synced', record_id: created.record_id, direction: 'inbound', changed: true };
    }
    case 'apply':
    case 'delete': {
      const current = record as StoredRecord;
      await store.applyRemote(current, change, at, synced(), { delete: decision.kind === 'delete' });
      return { status: 'synced', record_id: current.record_id, direction: 'inbound', changed: true };
    }
    case 'echo': {
      const current = record as StoredRecord;
      await store.noteRemote(current, change, at, synced(), {
        syncStatus: 'synced',
        acknowledge: decision.acknowledge,
      });
      return { status: 'synced', record_id: current.record_id, direction: 'inbound', changed: false };
    }
    case 'conflict': {
      const current = record as StoredRecord;
      // The record's claim and the conflict commit together: if the record moved, neither is written and we
      // decide again; if the conflict write fails, the record does not name the delivery, so a retry stores it.
      const conflictId = conflictIdFor(change.recordType, current.record_id, change.source, change.deliveryId);
      const event = inboundEvent(change, decision.kind, 'conflict', now, conflictId);
      await store.noteConflict(current, change, at, event, {
        conflict_id: conflictId,
        record_id: current.record_id,
        record_type: change.recordType,
        source: change.source,
        local_timestamp: current.updated_at,
        remote_timestamp: change.timestamp,
        local_data: current.data,
        remote_data: change.event === 'deleted' ? {} : change.data,
        remote_event: change.event,
        base_data: current.base_data ?? null,
        local_version: current.version,
        delivery_id: change.deliveryId,
      });
      return { status: 'conflict', record_id: current.record_id, conflict_id: conflictId };
    }
  }
};

const logHandled = (change: InboundChange, decision: InboundDecision['kind'], result: InboundResult): void => {
  logger.info('inbound change handled', {
    source: change.source,
    record_type: change.recordType,
    record_id: result.record_id,
    external_id: change.externalId,
    delivery_id: change.deliveryId,
    decision,
    outcome: result.status,
  });
  // Changes in per integration, whatever became of them, and the conflicts they opened.
  countForIntegration(`Inbound_${result.status}`, change.source);
  if (result.status === 'conflict') countForIntegration('Conflict_opened', change.source);
};

const carriesFields = (change: InboundChange): boolean =>
  Object.values(change.data).some((value) => value !== undefined);

/**
 * The common paths cost one read at most before their one write: an update
 * of a record the source created tries the write first (the store's
 * `applyRemoteBlind`, on the apply rule of `apply-rule.ts`), and a create
 * looks for a record to link by email or name and then puts on condition
 * that the derived key is free. When a condition fails, what the store
 * returned with it (or a fresh read) is decided on again.
 *
 * @param store where records live: `dynamoRecordStore` in every handler.
 * @param known our record as the caller read it already (optional): no blind write, no read in the first round.
 *
 * @example
 * const result = await applyInboundChange({ source: 'crm', event: 'updated', recordType: 'contact',
 *   externalId: '003X', data: { email: 'ana@example.com' }, timestamp, deliveryId }, dynamoRecordStore);
 */
const applyInboundChange = async (
  change: InboundChange,
  store: InboundRecordStore,
  now: Date = new Date(),
  known?: KnownRecord,
): Promise<InboundResult> => {
  let derived: DerivedKey = change.event === 'created' ? 'skip' : 'read';
  if (!known && change.event === 'updated' && carriesFields(change)) {
    const blind = await store.applyRemoteBlind(change, now.toISOString(), inboundEvent(change, 'apply', 'synced', now));
    if (blind.applied) {
      const result = {
        status: 'synced',
        record_id: localIdFor(change.source, change.externalId),
        direction: 'inbound',
        changed: true,
      } as const;
      logHandled(change, 'apply', result);
      return result;
    }
    derived = { item: blind.found };
  }
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const record = round === 1 && known ? known.record : await findRecord(store, change, derived);
    const decision = decideInbound(record, change);
    try {
      const result = await act(store, record, decision, change, now);
      logHandled(change, decision.kind, result);
      return result;
    } catch (error) {
      if (!(error instanceof RecordMovedError)) throw error;
      derived = error.found ?? 'read';
      logger.debug('record moved while applying; deciding again', { round, external_id: change.externalId });
    }
  }
  throw new Error(`Record ${change.recordType}/${change.externalId} kept changing; gave up after ${MAX_ROUNDS} rounds`);
};

export { applyInboundChange };
