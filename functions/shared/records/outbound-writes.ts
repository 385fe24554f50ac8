import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../store/dynamo-client.js';
import { tableName } from '../store/names.js';
import { type RecordData, externalKeyFor, recordKey } from './record.js';

/**
 * Records that an outside system accepted version `version` of a record we
 * pushed, and (after a create) the id it gave it.
 *
 * The acknowledgement holds only if the record is still at the version that
 * was pushed: a newer local edit is never marked as synced, and is pushed in
 * its turn. The new id is written back either way, so that push becomes an
 * update rather than a second create. The write stamps `origin: 'sync'` and
 * leaves `version` alone, so it triggers no push of its own.
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
  // Linked now: into the external-id index (our id does not derive from theirs). The match entry stays;
  // it says the record is linked, and covers the moment before the external-id entry shows.
  const extKey = ack.externalId ? externalKeyFor(ack.recordType, ack.recordId, ack.system, ack.externalId) : undefined;
  const link = ack.externalId
    ? {
        set: `, external_id = :ext, external_source = :system${extKey ? ', ext_key = :extKey' : ''}`,
        condition: ' AND (attribute_not_exists(external_id) OR external_id = :ext)',
        values: { ':ext': ack.externalId, ':system': ack.system, ...(extKey ? { ':extKey': extKey } : {}) },
      }
    : { set: '', condition: '', values: {} };
  const key = { pk: recordKey(ack.recordType, ack.recordId) };
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName('records'),
        Key: key,
        ConditionExpression: `#version = :v${link.condition}`,
        UpdateExpression: `SET synced_version = :v, synced_at = :now, origin = :sync, pushed_data = :pushed, sync_status = :synced${link.set} REMOVE base_data`,
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':v': ack.version, ':now': now, ':sync': 'sync', ':pushed': ack.pushed, ':synced': 'synced', ...link.values },
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
  if (!ack.externalId) return false;
  // A newer local edit arrived while the create was in flight: keep the id, leave the version unacknowledged.
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName('records'),
        Key: key,
        ConditionExpression: `attribute_exists(pk)${link.condition}`,
        UpdateExpression: `SET synced_at = :now, origin = :sync, pushed_data = :pushed${link.set}`,
        ExpressionAttributeValues: { ':now': now, ':sync': 'sync', ':pushed': ack.pushed, ...link.values },
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
  return false;
};

export { acknowledgePush };
