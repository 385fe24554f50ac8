import { logger } from '../observability.js';
import { refusalOf } from '../aws/condition-failure.js';
import { tableName } from '../aws/resource-names.js';
import { type RecordUpdate, updateLinking } from './linked-update.js';
import { type RecordAlias, type RecordData, aliasFor, recordKey } from './record.js';

/** Which part of a link refused: the record's condition, or the alias key (taken by another record). */
type LinkRefusal = 'record' | 'alias';

/**
 * The part of the link that refused, by its place in the transaction
 * ({@link updateLinking}: the update, then the alias). A transaction
 * cancelled with no condition failed (a conflicting transaction,
 * throttling) is no refusal: it fails here and the stream retries it.
 */
const linkRefusalOf = (error: unknown): LinkRefusal | undefined => {
  const failed = refusalOf(error)?.failedItems ?? [];
  if (failed.includes(1)) return 'alias';
  if (failed.includes(0)) return 'record';
  return undefined;
};

/** Runs the record update, with the alias put in the same transaction when there is one. */
const write = async (update: RecordUpdate, alias: RecordAlias | undefined): Promise<LinkRefusal | undefined> => {
  try {
    await updateLinking(update, alias);
    return undefined;
  } catch (error) {
    const refusal = linkRefusalOf(error);
    if (!refusal) throw error;
    return refusal;
  }
};

/**
 * Records that an outside system accepted version `version` of a record we
 * pushed, and (after a create) the id it gave it.
 *
 * The acknowledgement holds only if the record is still at the version that
 * was pushed: a newer local edit is never marked as synced, and is pushed in
 * its turn. The new id is written back either way, so that push becomes an
 * update rather than a second create. The write stamps `origin: 'sync'` and
 * leaves `version` alone, so it triggers no push of its own. Linking writes
 * the alias at the id's derived key in the same transaction; if a record of
 * ours already stands there, the id is kept without an alias and a warning
 * names the record and the id. A record whose conflict opened while the
 * push was in flight keeps its `conflict` status and `base_data`: the
 * resolver still has to decide it (the version is acknowledged all the same,
 * since the system now holds these values).
 *
 * @returns whether the pushed version was still current.
 */
const acknowledgePush = async (ack: {
  readonly recordType: string;
  readonly recordId: string;
  readonly system: string;
  readonly version: number;
  readonly pushed: RecordData;
  readonly externalId?: string;
  readonly now?: string;
}): Promise<boolean> => {
  const now = ack.now ?? new Date().toISOString();
  // Linked now: the alias at the id's derived key points the system's id at this record, in the
  // same transaction. The match entry stays; its filter reads external_id to skip linked records.
  let alias = ack.externalId ? aliasFor(ack.recordType, ack.recordId, ack.system, ack.externalId, now) : undefined;
  const link = ack.externalId
    ? {
        set: ', external_id = :ext, external_source = :system',
        condition: ' AND (attribute_not_exists(external_id) OR external_id = :ext)',
        values: { ':ext': ack.externalId, ':system': ack.system },
      }
    : { set: '', condition: '', values: {} };
  const key = { pk: recordKey(ack.recordType, ack.recordId) };
  // The pushed version acknowledged. When a conflict opened while the push was in flight, the system
  // has these values now (so the version is acknowledged), but the conflict stays open, with its base
  // and status, until the resolver decides it.
  const acknowledge = (inConflict: boolean): RecordUpdate => ({
    TableName: tableName('records'),
    Key: key,
    ConditionExpression: `#version = :v AND ${inConflict ? 'attribute_exists' : 'attribute_not_exists'}(conflict_id)${link.condition}`,
    UpdateExpression: inConflict
      ? `SET synced_version = :v, synced_at = :now, origin = :sync, pushed_data = :pushed${link.set}`
      : `SET synced_version = :v, synced_at = :now, origin = :sync, pushed_data = :pushed, sync_status = :synced${link.set} REMOVE base_data`,
    ExpressionAttributeNames: { '#version': 'version' },
    ExpressionAttributeValues: {
      ':v': ack.version,
      ':now': now,
      ':sync': 'sync',
      ':pushed': ack.pushed,
      ...(inConflict ? {} : { ':synced': 'synced' }),
      ...link.values,
    },
  });
  const acknowledged = acknowledge(false);
  const acknowledgedInConflict = acknowledge(true);
  // A newer local edit arrived while the create was in flight: keep the id, leave the version unacknowledged.
  const linkedOnly: RecordUpdate = {
    TableName: tableName('records'),
    Key: key,
    ConditionExpression: `attribute_exists(pk)${link.condition}`,
    UpdateExpression: `SET synced_at = :now, origin = :sync, pushed_data = :pushed${link.set}`,
    ExpressionAttributeValues: { ':now': now, ':sync': 'sync', ':pushed': ack.pushed, ...link.values },
  };
  for (const update of [acknowledged, acknowledgedInConflict, linkedOnly]) {
    if (update === linkedOnly && !ack.externalId) return false;
    let refusal = await write(update, alias);
    if (refusal === 'alias') {
      // The system's id already has a record of ours (its own "created" webhook found no match and made
      // one): two local records for one remote one. Keep the id here so pushes update, and say so.
      logger.warn('the pushed record got an id that another local record already holds; both are kept', {
        record_type: ack.recordType,
        record_id: ack.recordId,
        external_id: ack.externalId,
      });
      alias = undefined;
      refusal = await write(update, undefined);
    }
    if (!refusal) return update !== linkedOnly;
  }
  return false;
};

export { acknowledgePush };
