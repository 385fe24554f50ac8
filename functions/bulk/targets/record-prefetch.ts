import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../kernel/aws/dynamo-client.js';
import { tableName } from '../../kernel/aws/resource-names.js';
import { type RecordsItem, localIdFor, recordKey } from '../../kernel/records/record.js';

/** What a page's derived keys held when read, by the source's record id: a record, an alias, or nothing (absent). */
export type Prefetched = ReadonlyMap<string, RecordsItem | undefined>;

/** BatchGetItem takes at most 100 keys a call. */
const KEYS_PER_CALL = 100;

/**
 * Reads what stands at the derived keys of a page's source ids in
 * BatchGetItem calls of 100, strongly consistent (as the inbound path's own
 * GetItem, so the rules decide on the same thing), instead of one GetItem
 * per record. Keys DynamoDB leaves unprocessed are asked again. Every id
 * asked for is in the answer: `undefined` when the key is free.
 *
 * @example
 * const found = await prefetchRecords('contact', 'crm', ['003A', '003B']);
 * found.get('003A'); // the record, its alias, or undefined
 */
const prefetchRecords = async (
  recordType: string,
  source: string,
  externalIds: readonly string[],
): Promise<Prefetched> => {
  const table = tableName('records');
  const idOfKey = new Map(externalIds.map((id) => [recordKey(recordType, localIdFor(source, id)), id]));
  const found = new Map<string, RecordsItem | undefined>(externalIds.map((id) => [id, undefined]));
  const keys = [...idOfKey.keys()];
  for (let start = 0; start < keys.length; start += KEYS_PER_CALL) {
    let pending: Record<string, unknown>[] = keys.slice(start, start + KEYS_PER_CALL).map((pk) => ({ pk }));
    while (pending.length > 0) {
      const out = await dynamo().send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of out.Responses?.[table] ?? []) {
        const id = idOfKey.get(String(item.pk));
        if (id !== undefined) found.set(id, item as RecordsItem);
      }
      pending = (out.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return found;
};

export { prefetchRecords };
