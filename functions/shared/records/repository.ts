import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../store/dynamo-client.js';
import { tableName } from '../store/names.js';
import { type Origin, type RecordData, type StoredRecord, externalKey, localIdFor, matchKey, recordKey } from './record.js';

/**
 * The field that identifies a record of a type before any vendor id is
 * known: a contact by email, an account by company name. A local record of
 * these types carries a `match_key`, so an inbound "created" for a record
 * we already pushed (or typed in by hand) links to it instead of
 * duplicating it. Records born at a vendor have none: they are never
 * candidates, and stay out of the index.
 */
const matchFields: Readonly<Record<string, string>> = { contact: 'email', account: 'company_name' };

const matchKeyOf = (type: string, data: RecordData): string | undefined => {
  const field = matchFields[type];
  const value = field ? data[field] : undefined;
  return field && typeof value === 'string' && value.trim() !== '' ? matchKey(type, field, value) : undefined;
};

/** A record, read strongly consistent (every caller decides on what it reads). */
const getRecord = async (type: string, id: string): Promise<StoredRecord | undefined> => {
  const out = await dynamo().send(
    new GetCommand({ TableName: tableName('records'), Key: { pk: recordKey(type, id) }, ConsistentRead: true }),
  );
  return out.Item as StoredRecord | undefined;
};

/**
 * The id of our record linked to a vendor's id, from the external-id index
 * (eventually consistent; re-read the record before deciding on it). Only
 * records whose id does not derive from the vendor's are in that index:
 * look for the derived id first ({@link findByExternalId} does both).
 */
const linkedRecordId = async (type: string, source: string, externalId: string): Promise<string | undefined> => {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: tableName('records'),
      IndexName: 'byExternalId',
      KeyConditionExpression: 'ext_key = :k',
      ExpressionAttributeValues: { ':k': externalKey(type, source, externalId) },
      Limit: 2,
    }),
  );
  return out.Items?.[0]?.record_id as string | undefined;
};

/** Our record for a vendor's id, if we have one: the id derived from theirs, else the external-id index. */
const findByExternalId = async (type: string, source: string, externalId: string): Promise<StoredRecord | undefined> => {
  const derived = await getRecord(type, localIdFor(source, externalId));
  if (derived) return derived;
  const linked = await linkedRecordId(type, source, externalId);
  return linked ? getRecord(type, linked) : undefined;
};

/**
 * The id of a record of `type` whose match field equals the one in `data`
 * and that no vendor has claimed yet: the candidate to link an inbound
 * record to. Eventually consistent, like every index read: re-read it.
 */
const unlinkedMatchId = async (type: string, data: RecordData): Promise<string | undefined> => {
  const key = matchKeyOf(type, data);
  if (!key) return undefined;
  const out = await dynamo().send(
    new QueryCommand({
      TableName: tableName('records'),
      IndexName: 'byMatchKey',
      KeyConditionExpression: 'match_key = :k',
      // Linked records keep their entry (see inbound-writes.ts); the index carries what this filter reads.
      FilterExpression: 'attribute_not_exists(external_id) AND attribute_not_exists(deleted_at)',
      ExpressionAttributeValues: { ':k': key },
    }),
  );
  return out.Items?.[0]?.record_id as string | undefined;
};

/**
 * Writes a local change, as an internal app writing to the table would: the
 * new `data` replaces the old, `version` grows by one, `origin` records who
 * wrote it, and the stream carries it to the outbound consumers.
 *
 * The first local change after the record was last in sync keeps the agreed
 * data in `base_data` for a later three-way merge. Both branches are single
 * conditional writes, so two concurrent writers never lose each other's
 * version bump.
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
          ConditionExpression: 'attribute_exists(pk)',
          UpdateExpression: `SET base_data = if_not_exists(base_data, #data), #data = :data, #version = #version + :one, origin = :origin, updated_at = :now ${match ? ', match_key = :match' : ''} REMOVE deleted_at, deleted_from${match ? '' : ', match_key'}`,
          ExpressionAttributeNames: { '#data': 'data', '#version': 'version' },
          ExpressionAttributeValues: match ? { ...common, ':match': match } : common,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes as StoredRecord;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
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
      // Created by someone else between our two writes: go round again.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
  throw new Error(`Could not write ${type}/${id}: the record kept changing between attempts`);
};

export { getRecord, findByExternalId, linkedRecordId, unlinkedMatchId, writeLocalRecord, matchKeyOf };
