import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamo-client.js';
import { tableName } from '../aws/resource-names.js';
import { type RecordsItem, type StoredRecord, isAlias, localIdFor, recordKey } from './record.js';

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

export { getItem, getRecord, resolveItem, findByExternalId };
