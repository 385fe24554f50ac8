import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamo-client.js';
import { tableName } from '../aws/resource-names.js';
import { type RecordsItem, type StoredRecord, isAlias } from './record.js';

/**
 * Lists the records of one type a page at a time, in key order (record id,
 * as DynamoDB orders strings: by UTF-8 bytes), through the `byType` index
 * (partition `record_type`, sort `record_id`; aliases have no `record_type`,
 * so the index holds records only).
 *
 * Key order rather than newest first: both keys of an item never change,
 * so the index is written once per record (at its creation) and a page's
 * token stays valid while records change; an index sorted by `updated_at`
 * would be rewritten on every change, and a record changed while someone
 * pages would move to an earlier or later page. The index is eventually
 * consistent, so a record created a moment ago may be missing from a page;
 * each record listed is then read strongly consistent by its key.
 */

/** BatchGetItem takes at most 100 keys a call. */
const KEYS_PER_CALL = 100;
/** Rounds of UnprocessedKeys retried before the listing gives up (throttled for over a second). */
const MAX_ROUNDS = 8;

/** One page: the records in key order, and the token of the next page when there may be one. */
export interface RecordPage {
  readonly items: readonly StoredRecord[];
  readonly next?: string;
}

/** Where a page ends, as DynamoDB's LastEvaluatedKey of the `byType` index holds it. */
interface PageKey {
  readonly pk: string;
  readonly record_type: string;
  readonly record_id: string;
}

/**
 * The opaque token of the page after `key`: base64url of its JSON, so it
 * travels in a query string as it is. Opaque to callers: only
 * {@link decodeNext} reads it.
 *
 * @example
 * encodeNext({ pk: 'contact#c-1', record_type: 'contact', record_id: 'c-1' }); // 'eyJwayI6...'
 */
const encodeNext = (key: PageKey): string =>
  Buffer.from(JSON.stringify([key.record_type, key.record_id, key.pk]), 'utf8').toString('base64url');

/**
 * The page key a token holds, or undefined when it is no token of a
 * listing of `type` (mangled, made up, or from another type's listing):
 * the caller answers 400 naming `next`.
 *
 * @example
 * decodeNext(encodeNext(key), 'contact'); // key
 * decodeNext('nonsense', 'contact');      // undefined
 */
const decodeNext = (token: string, type: string): PageKey | undefined => {
  if (!/^[A-Za-z0-9_-]{1,2000}$/.test(token)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || !parsed.every((part) => typeof part === 'string')) {
    return undefined;
  }
  const [recordType, recordId, pk] = parsed as [string, string, string];
  if (recordType !== type || pk !== `${type}#${recordId}`) return undefined;
  return { pk, record_type: recordType, record_id: recordId };
};

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The items at `pks`, read strongly consistent in BatchGetItem calls of 100; unprocessed keys asked again with a growing pause. */
const readItems = async (pks: readonly string[]): Promise<Map<string, RecordsItem>> => {
  const table = tableName('records');
  const found = new Map<string, RecordsItem>();
  for (let start = 0; start < pks.length; start += KEYS_PER_CALL) {
    let pending: Record<string, unknown>[] = pks.slice(start, start + KEYS_PER_CALL).map((pk) => ({ pk }));
    for (let round = 0; pending.length > 0; round++) {
      if (round >= MAX_ROUNDS) throw new Error(`Could not read ${pending.length} records: throttled`);
      if (round > 0) await pause(25 * 2 ** round);
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
 * One page of the records of `type`: up to `limit` ids from the index
 * after `after` (a {@link decodeNext} result), then their records read by
 * key. A record deleted from the table between the two reads is left out,
 * so a page may hold fewer than `limit` items and still have a `next`.
 *
 * @example
 * const first = await listRecords('contact', 50);
 * const second = first.next ? await listRecords('contact', 50, decodeNext(first.next, 'contact')) : undefined;
 */
const listRecords = async (type: string, limit: number, after?: PageKey): Promise<RecordPage> => {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: tableName('records'),
      IndexName: 'byType',
      KeyConditionExpression: 'record_type = :type',
      ExpressionAttributeValues: { ':type': type },
      ProjectionExpression: 'pk',
      Limit: limit,
      ...(after ? { ExclusiveStartKey: { ...after } } : {}),
    }),
  );
  const pks = (out.Items ?? []).map((item) => String(item.pk));
  const found = await readItems(pks);
  const items = pks
    .map((pk) => found.get(pk))
    .filter((item): item is StoredRecord => item !== undefined && !isAlias(item) && item.record_type === type);
  const last = out.LastEvaluatedKey as PageKey | undefined;
  return { items, ...(last ? { next: encodeNext(last) } : {}) };
};

export { decodeNext, encodeNext, listRecords };
