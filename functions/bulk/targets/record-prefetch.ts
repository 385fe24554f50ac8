import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../kernel/aws/dynamo-client.js';
import { tableName } from '../../kernel/aws/resource-names.js';
import { unlinkedMatchIds } from '../../kernel/records/match-batch.js';
import { type RecordsItem, type StoredRecord, isAlias, localIdFor, recordKey } from '../../kernel/records/record.js';

/**
 * What a page's records found in our store, read together before any is
 * applied, by the source's record id.
 */
export interface Prefetched {
  /** What each id's derived key held: a record, an alias, or nothing (`undefined`). */
  readonly items: ReadonlyMap<string, RecordsItem | undefined>;
  /**
   * For each id whose derived key was free and whose record has a match
   * key (a contact's email): the unlinked record it matches, read strongly,
   * or `undefined` when none does. An id missing here was not looked up.
   */
  readonly matches: ReadonlyMap<string, StoredRecord | undefined>;
}

/** One record of a page as the prefetch takes it: the source's id, and its match key when it has one. */
export interface PageRecordKey {
  readonly id: string;
  readonly matchKey?: string;
}

/** BatchGetItem takes at most 100 keys a call. */
const KEYS_PER_CALL = 100;

/**
 * Reads records table keys in BatchGetItem calls of 100, strongly
 * consistent (as the inbound path's own GetItem, so the rules decide on the
 * same thing). Keys DynamoDB leaves unprocessed are asked again.
 */
const readKeys = async (pks: readonly string[]): Promise<Map<string, RecordsItem>> => {
  const table = tableName('records');
  const found = new Map<string, RecordsItem>();
  const unique = [...new Set(pks)];
  for (let start = 0; start < unique.length; start += KEYS_PER_CALL) {
    let pending: Record<string, unknown>[] = unique.slice(start, start + KEYS_PER_CALL).map((pk) => ({ pk }));
    while (pending.length > 0) {
      const out = await dynamo().send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of out.Responses?.[table] ?? []) found.set(String(item.pk), item as RecordsItem);
      pending = (out.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return found;
};

/**
 * Reads what a page's records find in our store with a few calls instead of
 * a GetItem and a match Query per record: the derived keys of their ids
 * (BatchGetItem), then, for those whose key is free, the unlinked records
 * matching their match keys (one PartiQL SELECT on the match index per 50
 * keys, eventually consistent like the Query it replaces), read again
 * strongly (BatchGetItem) before anyone decides on them. Every id asked for
 * is in `items`.
 *
 * @example
 * const found = await prefetchRecords('contact', 'crm', [{ id: '003A', matchKey: 'contact#email#ana@example.com' }]);
 * found.items.get('003A'); // the record, its alias, or undefined
 * found.matches.get('003A'); // when the key was free: the unlinked record with that email, or undefined
 */
const prefetchRecords = async (
  recordType: string,
  source: string,
  records: readonly PageRecordKey[],
): Promise<Prefetched> => {
  const keyOf = (id: string) => recordKey(recordType, localIdFor(source, id));
  const held = await readKeys(records.map((record) => keyOf(record.id)));
  const items = new Map(records.map((record) => [record.id, held.get(keyOf(record.id))]));
  const unmatched = records.filter((record) => record.matchKey !== undefined && items.get(record.id) === undefined);
  const matches = new Map<string, StoredRecord | undefined>();
  if (unmatched.length === 0) return { items, matches };
  const candidates = await unlinkedMatchIds(unmatched.map((record) => record.matchKey as string));
  const candidateIds = [...candidates.values()].filter((id): id is string => id !== undefined);
  const reread =
    candidateIds.length === 0 ? new Map() : await readKeys(candidateIds.map((id) => recordKey(recordType, id)));
  for (const record of unmatched) {
    const id = candidates.get(record.matchKey as string);
    const item = id === undefined ? undefined : reread.get(recordKey(recordType, id));
    matches.set(record.id, isAlias(item) ? undefined : item);
  }
  return { items, matches };
};

export { prefetchRecords };
