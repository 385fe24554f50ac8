import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '../aws/condition-failure.js';
import { dynamo } from '../aws/dynamo-client.js';
import { tableName } from '../aws/resource-names.js';
import { type Origin, type RecordData, type StoredRecord, isAlias, matchKeyOf, recordKey } from './record.js';
import { RecordIsAliasError } from './record-errors.js';
import { getItem } from './record-reads.js';

/**
 * Writes a local change, as an internal app writing to the table would: the
 * new `data` replaces the old, `version` grows by one, `origin` records who
 * wrote it, and the stream carries it to the outbound consumers.
 *
 * The first local change after the record was last in sync keeps the agreed
 * data in `base_data` for a later three-way merge. Both branches are single
 * conditional writes, so two concurrent writers never lose each other's
 * version bump.
 *
 * @throws RecordIsAliasError when the key holds a vendor id's alias.
 *
 * @example
 * await writeLocalRecord('contact', 'c-42', { email: 'ana@example.com' }, 'admin');
 */
const writeLocalRecord = async (
  type: string,
  id: string,
  data: RecordData,
  origin: Origin = 'local',
  now: string = new Date().toISOString(),
): Promise<StoredRecord> => {
  const match = matchKeyOf(type, data);
  const common = {
    ':data': data,
    ':origin': origin,
    ':now': now,
    ':one': 1,
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      // An existing record: keep the last agreed data before it changes.
      const out = await dynamo().send(
        new UpdateCommand({
          TableName: tableName('records'),
          Key: { pk: recordKey(type, id) },
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(alias_of)',
          UpdateExpression: `SET base_data = if_not_exists(base_data, #data), #data = :data, #version = #version + :one, origin = :origin, updated_at = :now ${match ? ', match_key = :match' : ''} REMOVE deleted_at, deleted_from${match ? '' : ', match_key'}`,
          ExpressionAttributeNames: { '#data': 'data', '#version': 'version' },
          ExpressionAttributeValues: match ? { ...common, ':match': match } : common,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes as StoredRecord;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    try {
      // A new record: nothing agreed yet, so no base.
      const out = await dynamo().send(
        new UpdateCommand({
          TableName: tableName('records'),
          Key: { pk: recordKey(type, id) },
          ConditionExpression: 'attribute_not_exists(pk)',
          UpdateExpression: `SET record_type = :type, record_id = :id, #data = :data, #version = :one, origin = :origin, created_at = :now, updated_at = :now${match ? ', match_key = :match' : ''}`,
          ExpressionAttributeNames: { '#data': 'data', '#version': 'version' },
          ExpressionAttributeValues: { ...common, ':type': type, ':id': id, ...(match ? { ':match': match } : {}) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes as StoredRecord;
    } catch (error) {
      // Created by someone else between our two writes (go round again), or an alias.
      if (!isConditionFailure(error)) throw error;
      const existing = await getItem(type, id);
      if (isAlias(existing)) throw new RecordIsAliasError(type, id, existing.alias_of);
    }
  }
  throw new Error(`Could not write ${type}/${id}: the record kept changing between attempts`);
};

export { writeLocalRecord };
