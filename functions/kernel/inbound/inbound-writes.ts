import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, isRefused, itemOfFailure, refusalOf } from '../aws/condition-failure.js';
import { dynamo } from '../aws/dynamo-client.js';
import { tableName } from '../aws/resource-names.js';
import { type Conflict, ConflictExistsError, recordConflictWith } from '../conflicts/conflict-store.js';
import { type RecordUpdate, linkingItems, updateLinking } from '../records/linked-update.js';
import {
  type RecordAlias,
  type RecordData,
  type RecordsItem,
  type StoredRecord,
  aliasFor,
  localIdFor,
  recordKey,
} from '../records/record.js';
import { type CarriedSyncEvent, encodeSyncEvent } from '../sync-log/sync-events.js';
import { blindApplyCondition } from './apply-rule.js';
import type { InboundChange } from './inbound-rules.js';
import { type BlindApply, RecordMovedError, type RemoteNote } from './record-store.js';

/**
 * The writes an inbound change can make, each one conditional on the record
 * being exactly as the caller read it (`version`, and the last remote change
 * time). When the condition fails the caller reads again and decides again:
 * that is how two racing changes, or two copies of one delivery, end with
 * exactly one effect.
 *
 * Every write stamps `origin` with the source and never bumps `version`
 * unless `data` changes, so stream consumers can tell data changes from
 * bookkeeping. Every write also carries the attempt's sync event
 * (`sync_event`), which the `syncLogWriter` stream consumer copies into the
 * sync log: one write per change on the webhook's path.
 *
 * These are the writes of `dynamoRecordStore` (`dynamo-record-store.ts`),
 * the DynamoDB implementation of the `InboundRecordStore` port.
 */

/** Runs a conditional write, turning a refusal (a failed condition, a cancelled link transaction) into {@link RecordMovedError}. */
const guarded = async <T>(write: () => Promise<T>): Promise<T> => {
  try {
    return await write();
  } catch (error) {
    if (isRefused(error)) throw new RecordMovedError('The record changed while the change was applied');
    throw error;
  }
};

/** Condition: the record is as it was read. */
const unchangedSince = (record: StoredRecord) => ({
  expression:
    '#version = :readVersion AND ' +
    (record.remote_updated_at ? 'remote_updated_at = :readRemote' : 'attribute_not_exists(remote_updated_at)'),
  values: {
    ':readVersion': record.version,
    ...(record.remote_updated_at ? { ':readRemote': record.remote_updated_at } : {}),
  },
});

/**
 * Writes `update` to the record, and when the change links it to the
 * source's id for the first time (it was found by email or name), the alias
 * at the id's derived key in the same transaction: from then on the source's
 * id finds it with one GetItem, and a record the source creates there
 * collides with the alias. The record keeps its match key (the index filter
 * reads `external_id` to skip linked records).
 */
const writeLinked = async (
  record: StoredRecord,
  change: InboundChange,
  now: string,
  update: LinkedUpdate,
): Promise<void> => {
  const { command, alias } = linkedWrite(record, change, now, update);
  await guarded(() => updateLinking(command, alias));
};

/** An update of a record as {@link writeLinked} takes it: the condition it adds to, and the expression. */
interface LinkedUpdate {
  readonly condition: string;
  readonly expression: string;
  readonly names: Record<string, string>;
  readonly values: Record<string, unknown>;
}

/** The update and, when the change links the record to the source's id for the first time, the alias (see {@link writeLinked}). */
const linkedWrite = (
  record: StoredRecord,
  change: InboundChange,
  now: string,
  update: LinkedUpdate,
): { readonly command: RecordUpdate; readonly alias: RecordAlias | undefined } => {
  const command = {
    TableName: tableName('records'),
    Key: { pk: record.pk },
    ConditionExpression: `${update.condition} AND (attribute_not_exists(external_id) OR external_id = :ext)`,
    UpdateExpression: `${update.expression}`,
    ExpressionAttributeNames: update.names,
    ExpressionAttributeValues: { ...update.values, ':ext': change.externalId, ':source': change.source },
  };
  // A record that stands at the id's derived key itself (one of ours, typed in under that id) needs no
  // alias there: the id finds it directly, and a transaction may not write one item twice.
  const alias =
    record.external_id === undefined
      ? aliasFor(change.recordType, record.record_id, change.source, change.externalId, now)
      : undefined;
  return { command, alias: alias?.pk === record.pk ? undefined : alias };
};

/** The fields that link a record to the source's id (`:ext`, `:source` are set by {@link writeLinked}). */
const LINK = 'external_id = :ext, external_source = :source';

/**
 * A record born at the source: our id derives from theirs, so racing copies
 * collide on one key, as does a record of ours linked to that id (its alias
 * stands there). Linked from birth, it carries no index key (it can never
 * be matched, having a vendor id already): one write unit up to 1 KB. When
 * the key is taken, what holds it comes back with the failure.
 */
const createFromRemote = async (
  recordId: string,
  change: InboundChange,
  now: string,
  event: CarriedSyncEvent,
): Promise<StoredRecord> => {
  const item: StoredRecord = {
    pk: recordKey(change.recordType, recordId),
    record_type: change.recordType,
    record_id: recordId,
    data: change.data,
    version: 1,
    synced_version: 1,
    origin: change.source as StoredRecord['origin'],
    created_at: now,
    updated_at: now,
    synced_at: now,
    remote_updated_at: change.timestamp,
    remote_ms: Date.parse(change.timestamp),
    last_delivery_id: change.deliveryId,
    sync_status: 'synced',
    sync_event: encodeSyncEvent(event),
    external_id: change.externalId,
    external_source: change.source,
    ...(change.event === 'deleted' ? { deleted_at: now, deleted_from: change.source } : {}),
  };
  try {
    await dynamo().send(
      new PutCommand({
        TableName: tableName('records'),
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    throw new RecordMovedError('The record was created while the change was applied', {
      item: itemOfFailure<RecordsItem>(error),
    });
  }
  return item;
};

/**
 * Applies the change's fields over ours (fields it does not carry stay), as
 * a new version the source has by definition acknowledged. Links the record
 * to the source's id if it was matched by email or name.
 */
const applyRemote = async (
  record: StoredRecord,
  change: InboundChange,
  now: string,
  event: CarriedSyncEvent,
  options: { readonly delete?: boolean } = {},
): Promise<void> => {
  const data: RecordData = options.delete ? record.data : { ...record.data, ...change.data };
  const guard = unchangedSince(record);
  await writeLinked(record, change, now, {
    condition: guard.expression,
    expression: [
      'SET #data = :data, #version = :next, synced_version = :next, origin = :source, updated_at = :now,',
      'synced_at = :now, remote_updated_at = :ts, remote_ms = :ms, last_delivery_id = :delivery, sync_status = :synced,',
      `sync_event = :event, ${LINK}`,
      options.delete ? ', deleted_at = :now, deleted_from = :source' : '',
      ' REMOVE base_data, pushed_data, conflict_id',
      options.delete ? '' : ', deleted_at, deleted_from',
    ].join(''),
    names: { '#data': 'data', '#version': 'version' },
    values: {
      ...guard.values,
      ':data': data,
      ':next': record.version + 1,
      ':now': now,
      ':ts': change.timestamp,
      ':ms': Date.parse(change.timestamp),
      ':delivery': change.deliveryId,
      ':event': encodeSyncEvent(event),
      ':synced': options.delete ? 'deleted' : 'synced',
    },
  });
};

/**
 * The update path with no read before it: applies the change's fields to the
 * record whose id derives from the source's, in one conditional write that
 * holds only where the apply rule does (`apply-rule.ts`: the condition and
 * the clauses {@link decideInbound} checks, side by side). Anything else
 * fails the condition, and what the key held comes back with the failure
 * (strongly consistent), to be decided on the usual way. Fields are set one
 * by one (`data.email`), which is the same merge as {@link applyRemote}'s.
 * The change must carry a field.
 */
const applyRemoteBlind = async (change: InboundChange, now: string, event: CarriedSyncEvent): Promise<BlindApply> => {
  const condition = blindApplyCondition(change);
  const sets = condition.fields.map((field) => `${field.path} = ${field.value}`);
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName('records'),
        Key: { pk: recordKey(change.recordType, localIdFor(change.source, change.externalId)) },
        ConditionExpression: condition.expression,
        UpdateExpression: [
          `SET ${sets.join(', ')}, #version = #version + :one, synced_version = #version + :one, origin = :source,`,
          'updated_at = :now, synced_at = :now, remote_updated_at = :ts, remote_ms = :ms, last_delivery_id = :delivery,',
          'sync_status = :synced, sync_event = :event REMOVE base_data, conflict_id',
        ].join(' '),
        ExpressionAttributeNames: condition.names,
        ExpressionAttributeValues: {
          ...condition.values,
          ':one': 1,
          ':source': change.source,
          ':now': now,
          ':ts': change.timestamp,
          ':synced': 'synced',
          ':event': encodeSyncEvent(event),
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { applied: true };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return { applied: false, found: itemOfFailure<RecordsItem>(error) };
  }
};

/**
 * Bookkeeping only, `data` and `version` untouched: remembers the remote
 * change time and delivery, links the id, and with `acknowledge` marks our
 * pending version as seen by the source (it reported the same values).
 */
const noteRemote = async (
  record: StoredRecord,
  change: InboundChange,
  now: string,
  event: CarriedSyncEvent,
  status: RemoteNote,
): Promise<void> => writeLinked(record, change, now, remoteNote(record, change, now, event, status));

/** The update {@link noteRemote} makes, for it and for {@link noteConflict}. */
const remoteNote = (
  record: StoredRecord,
  change: InboundChange,
  now: string,
  event: CarriedSyncEvent,
  status: RemoteNote,
): LinkedUpdate => {
  const guard = unchangedSince(record);
  return {
    condition: guard.expression,
    expression: [
      'SET remote_updated_at = :ts, remote_ms = :ms, last_delivery_id = :delivery, sync_status = :status, synced_at = :now, ',
      `sync_event = :event, ${LINK}`,
      status.acknowledge ? ', synced_version = #version' : '',
      status.conflictId ? ', conflict_id = :conflict' : '',
      status.acknowledge ? ' REMOVE base_data' : '',
    ].join(''),
    names: { '#version': 'version' },
    values: {
      ...guard.values,
      ':ts': change.timestamp,
      ':ms': Date.parse(change.timestamp),
      ':delivery': change.deliveryId,
      ':event': encodeSyncEvent(event),
      ':status': status.syncStatus,
      ':now': now,
      ...(status.conflictId ? { ':conflict': status.conflictId } : {}),
    },
  };
};

/**
 * A conflict: the record claimed as {@link noteRemote} would (the delivery,
 * `sync_status: conflict`, the conflict id; `data` untouched) and the
 * conflict stored, in ONE transaction, so a retry after any failure finds
 * neither and stores both, never a record that names a delivery whose
 * change is nowhere. A record that moved since it was read refuses it
 * ({@link RecordMovedError}: decide again); a conflict id that stands
 * already, with the record unclaimed, is {@link ConflictExistsError}.
 */
const noteConflict = async (
  record: StoredRecord,
  change: InboundChange,
  now: string,
  event: CarriedSyncEvent,
  conflict: Omit<Conflict, 'status' | 'created_at'>,
): Promise<Conflict> => {
  const note = remoteNote(record, change, now, event, { syncStatus: 'conflict', conflictId: conflict.conflict_id });
  const { command, alias } = linkedWrite(record, change, now, note);
  const claim = linkingItems(command, alias);
  try {
    return await recordConflictWith(claim, conflict, now);
  } catch (error) {
    const refusal = refusalOf(error);
    if (!refusal) throw error;
    const onlyTheConflict = refusal.failedItems.length === 1 && refusal.failedItems[0] === claim.length;
    if (onlyTheConflict) throw new ConflictExistsError(conflict.conflict_id);
    throw new RecordMovedError('The record changed while the conflict was stored');
  }
};

/** Notes on the record a change we did not apply (stale), without a condition: it changes no data. */
const noteSkipped = async (
  record: StoredRecord,
  outcome: string,
  now: string,
  event: CarriedSyncEvent,
): Promise<void> => {
  await dynamo().send(
    new UpdateCommand({
      TableName: tableName('records'),
      Key: { pk: record.pk },
      ConditionExpression: 'attribute_exists(pk)',
      UpdateExpression: 'SET last_sync_outcome = :status, last_sync_attempt_at = :now, sync_event = :event',
      ExpressionAttributeValues: { ':status': outcome, ':now': now, ':event': encodeSyncEvent(event) },
    }),
  );
};

export { createFromRemote, applyRemote, applyRemoteBlind, noteRemote, noteConflict, noteSkipped };
