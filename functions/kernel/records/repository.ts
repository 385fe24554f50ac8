import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { HttpError } from '../http/responses.js';
import { isConditionFailure } from '../aws/condition-failure.js';
import { dynamo } from '../aws/dynamo-client.js';
import { tableName } from '../aws/resource-names.js';
import {
  type Origin,
  type RecordData,
  type RecordsItem,
  type StoredRecord,
  isAlias,
  localIdFor,
  matchKey,
  recordKey,
} from './record.js';

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

/** What a records key holds (a record or an alias), read strongly consistent. */
const getItem = async (type: string, id: string): Promise<RecordsItem | undefined> => {
  const out = await dynamo().send(
    new GetCommand({ TableName: tableName('records'), Key: { pk: recordKey(type, id) }, ConsistentRead: true }),
  );
  return out.Item as RecordsItem | undefined;
};

/** A record, read strongly consistent (every caller decides on what it reads); an alias is no record. */
const getRecord = async (type: string, id: string): Promise<StoredRecord | undefined> => {
  const item = await getItem(type, id);
  return isAlias(item) ? undefined : item;
};

/**
 * Our record for what stands at a vendor id's derived key: the record
 * itself, or the one its alias points to.
 */
const resolveItem = async (type: string, item: RecordsItem | undefined): Promise<StoredRecord | undefined> =>
  isAlias(item) ? getRecord(type, item.alias_of) : item;

/** Our record for a vendor's id, if we have one: at the id derived from theirs, or where its alias points. */
const findByExternalId = async (type: string, source: string, externalId: string): Promise<StoredRecord | undefined> =>
  resolveItem(type, await getItem(type, localIdFor(source, externalId)));

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
      ExpressionAttributeValues: { ':k': key },
    }),
  );
  // Linked records keep their entry (see inbound-writes.ts); the index projects what this reads.
  // Filtered here rather than by a FilterExpression: same items read, one expression less to parse.
  const unlinked = (out.Items ?? []).find((item) => item.external_id === undefined && item.deleted_at === undefined);
  return unlinked?.record_id as string | undefined;
};

/** A local write to the key of a vendor id's alias: it would turn a pointer into a record. */
class RecordIsAliasError extends HttpError {
  constructor(type: string, id: string, target: string) {
    super(409, `${type} ${id} is an alias of ${type} ${target} (the vendor id it derives from is linked there); write to ${target}`);
    this.name = 'RecordIsAliasError';
  }
}

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

export { getRecord, resolveItem, findByExternalId, unlinkedMatchId, writeLocalRecord };
