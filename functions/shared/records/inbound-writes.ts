import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { CarriedSyncEvent } from '../sync-log/sync-events.js';
import type { InboundChange } from '../sync/inbound-rules.js';
import { dynamo } from '../store/dynamo-client.js';
import { tableName } from '../store/names.js';
import { type RecordData, type StoredRecord, externalKeyFor, localIdFor, recordKey } from './record.js';

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
 */
export class RecordMovedError extends Error {
  override name = 'RecordMovedError';
}

const isConditionFailure = (error: unknown): boolean =>
  (error as Error).name === 'ConditionalCheckFailedException' ||
  (error as Error).name === 'TransactionCanceledException';

/** Runs a conditional write, turning a failed condition into {@link RecordMovedError}. */
const guarded = async <T>(write: () => Promise<T>): Promise<T> => {
  try {
    return await write();
  } catch (error) {
    if (isConditionFailure(error)) throw new RecordMovedError('The record changed while the change was applied');
    throw error;
  }
};

/** Condition: the record is as it was read. */
const unchangedSince = (record: StoredRecord) => ({
  expression:
    '#version = :readVersion AND ' +
    (record.remote_updated_at ? 'remote_updated_at = :readRemote' : 'attribute_not_exists(remote_updated_at)'),
  values: { ':readVersion': record.version, ...(record.remote_updated_at ? { ':readRemote': record.remote_updated_at } : {}) },
});

/**
 * Links the record to the source's id; it enters the external-id index only
 * if its id does not derive from the source's. A local record keeps its
 * match key: both indexes catch up asynchronously, and until the external-id
 * entry shows, a copy of the same change racing this one still finds the
 * record through its match entry (which then says it is linked).
 */
const link = (record: Pick<StoredRecord, 'record_id'>, change: InboundChange) => {
  const extKey = externalKeyFor(change.recordType, record.record_id, change.source, change.externalId);
  return {
    set: `external_id = :ext, external_source = :source${extKey ? ', ext_key = :extKey' : ''}`,
    values: { ':ext': change.externalId, ':source': change.source, ...(extKey ? { ':extKey': extKey } : {}) },
  };
};

/**
 * A record born at the source: our id derives from theirs, so racing copies
 * collide on one key. Linked from birth and found by its id, it carries
 * neither index key (it can never be matched, having a vendor id already):
 * one write unit, whatever its size up to 1 KB.
 */
const createFromRemote = async (
  recordId: string,
  change: InboundChange,
  now: string,
  event: CarriedSyncEvent,
): Promise<StoredRecord> => {
  const extKey = externalKeyFor(change.recordType, recordId, change.source, change.externalId);
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
    sync_event: event,
    external_id: change.externalId,
    external_source: change.source,
    ...(extKey ? { ext_key: extKey } : {}),
    ...(change.event === 'deleted' ? { deleted_at: now, deleted_from: change.source } : {}),
  };
  await guarded(() =>
    dynamo().send(
      new PutCommand({ TableName: tableName('records'), Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
    ),
  );
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
): Promise<StoredRecord> => {
  const data: RecordData = options.delete ? record.data : { ...record.data, ...change.data };
  const guard = unchangedSince(record);
  const linked = link(record, change);
  const linkCondition = 'attribute_not_exists(external_id) OR external_id = :ext';
  const out = await guarded(() =>
    dynamo().send(
      new UpdateCommand({
        TableName: tableName('records'),
        Key: { pk: record.pk },
        ConditionExpression: `${guard.expression} AND (${linkCondition})`,
        UpdateExpression: [
          'SET #data = :data, #version = :next, synced_version = :next, origin = :source, updated_at = :now,',
          'synced_at = :now, remote_updated_at = :ts, remote_ms = :ms, last_delivery_id = :delivery, sync_status = :synced,',
          'sync_event = :event, ',
          linked.set,
          options.delete ? ', deleted_at = :now, deleted_from = :source' : '',
          ' REMOVE base_data, pushed_data, conflict_id',
          options.delete ? '' : ', deleted_at, deleted_from',
        ].join(''),
        ExpressionAttributeNames: { '#data': 'data', '#version': 'version' },
        ExpressionAttributeValues: {
          ...guard.values,
          ':data': data,
          ':next': record.version + 1,
          ':now': now,
          ':ts': change.timestamp,
          ':ms': Date.parse(change.timestamp),
          ':delivery': change.deliveryId,
          ':event': event,
          ':synced': options.delete ? 'deleted' : 'synced',
          ...linked.values,
        },
        ReturnValues: 'ALL_NEW',
      }),
    ),
  );
  return out.Attributes as StoredRecord;
};

/** What {@link applyRemoteBlind} found: applied, or the record as it was when the condition failed (none: no record). */
export type BlindApply = { readonly applied: true } | { readonly applied: false; readonly current: StoredRecord | undefined };

/**
 * The update path with no read before it: applies the change's fields to the
 * record whose id derives from the source's, in one conditional write that
 * holds only where {@link decideInbound} would answer `apply`: the record is
 * linked to this id, not deleted, has no pending local change and no pushed
 * values to recognise, the change is newer than the last one applied, and it
 * changes at least one field. Anything else fails the condition, and the
 * record as it was comes back with the failure (strongly consistent), to be
 * decided on the usual way. Fields are set one by one (`data.email`), which
 * is the same merge as {@link applyRemote}'s. The change must carry a field.
 */
const applyRemoteBlind = async (change: InboundChange, now: string, event: CarriedSyncEvent): Promise<BlindApply> => {
  const fields = Object.entries(change.data).filter(([, value]) => value !== undefined);
  const names: Record<string, string> = { '#data': 'data', '#version': 'version' };
  const values: Record<string, unknown> = {
    ':ext': change.externalId,
    ':ms': Date.parse(change.timestamp),
    ':one': 1,
    ':source': change.source,
    ':now': now,
    ':ts': change.timestamp,
    ':delivery': change.deliveryId,
    ':synced': 'synced',
    ':event': event,
  };
  const sets: string[] = [];
  const differs: string[] = [];
  fields.forEach(([field, value], i) => {
    names[`#f${i}`] = field;
    values[`:f${i}`] = value;
    sets.push(`#data.#f${i} = :f${i}`);
    // As agreesWith/addsFields in inbound-rules.ts: a value we lack counts only when it is not null.
    differs.push(
      value === null
        ? `(attribute_exists(#data.#f${i}) AND #data.#f${i} <> :f${i})`
        : `(attribute_not_exists(#data.#f${i}) OR #data.#f${i} <> :f${i})`,
    );
  });
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName('records'),
        Key: { pk: recordKey(change.recordType, localIdFor(change.source, change.externalId)) },
        ConditionExpression: [
          'external_id = :ext AND synced_version = #version AND remote_ms < :ms',
          'attribute_not_exists(deleted_at) AND attribute_not_exists(pushed_data)',
          // DynamoDB refuses redundant parentheses, so one field's test stands alone.
          differs.length === 1 ? differs[0] : `(${differs.join(' OR ')})`,
        ].join(' AND '),
        UpdateExpression: [
          `SET ${sets.join(', ')}, #version = #version + :one, synced_version = #version + :one, origin = :source,`,
          'updated_at = :now, synced_at = :now, remote_updated_at = :ts, remote_ms = :ms, last_delivery_id = :delivery,',
          'sync_status = :synced, sync_event = :event REMOVE base_data, conflict_id',
        ].join(' '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { applied: true };
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    // lib-dynamodb leaves the item of a failed condition marshalled.
    const item = (error as { Item?: Record<string, AttributeValue> }).Item;
    return { applied: false, current: item ? (unmarshall(item) as StoredRecord) : undefined };
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
  status: { readonly syncStatus: string; readonly acknowledge?: boolean; readonly conflictId?: string },
): Promise<StoredRecord> => {
  const guard = unchangedSince(record);
  const linked = link(record, change);
  const out = await guarded(() =>
    dynamo().send(
      new UpdateCommand({
        TableName: tableName('records'),
        Key: { pk: record.pk },
        ConditionExpression: `${guard.expression} AND (attribute_not_exists(external_id) OR external_id = :ext)`,
        UpdateExpression: [
          'SET remote_updated_at = :ts, remote_ms = :ms, last_delivery_id = :delivery, sync_status = :status, synced_at = :now, ',
          'sync_event = :event, ',
          linked.set,
          status.acknowledge ? ', synced_version = #version' : '',
          status.conflictId ? ', conflict_id = :conflict' : '',
          status.acknowledge ? ' REMOVE base_data' : '',
        ].join(''),
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: {
          ...guard.values,
          ':ts': change.timestamp,
          ':ms': Date.parse(change.timestamp),
          ':delivery': change.deliveryId,
          ':event': event,
          ':status': status.syncStatus,
          ':now': now,
          ...linked.values,
          ...(status.conflictId ? { ':conflict': status.conflictId } : {}),
        },
        ReturnValues: 'ALL_NEW',
      }),
    ),
  );
  return out.Attributes as StoredRecord;
};

/** Notes on the record a change we did not apply (stale), without a condition: it changes no data. */
const noteSkipped = async (record: StoredRecord, outcome: string, now: string, event: CarriedSyncEvent): Promise<void> => {
  await dynamo().send(
    new UpdateCommand({
      TableName: tableName('records'),
      Key: { pk: record.pk },
      ConditionExpression: 'attribute_exists(pk)',
      UpdateExpression: 'SET last_sync_outcome = :status, last_sync_attempt_at = :now, sync_event = :event',
      ExpressionAttributeValues: { ':status': outcome, ':now': now, ':event': event },
    }),
  );
};

export { createFromRemote, applyRemote, applyRemoteBlind, noteRemote, noteSkipped, isConditionFailure };
