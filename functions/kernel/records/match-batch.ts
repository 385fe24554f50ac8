import { ExecuteStatementCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamo-client.js';
import { tableName } from '../aws/resource-names.js';

/** A PartiQL `IN` on an index key takes at most 50 values. */
const KEYS_PER_STATEMENT = 50;

/**
 * `unlinkedMatchId` (match-index.ts) for many match keys at once: one
 * PartiQL SELECT on the index per 50 keys (`match_key IN [...]`, following
 * its answer's pages), where each key would make a Query of its own. For
 * bulk loads, which look up a page's emails together. Answers, for every
 * key asked, the id of an unlinked record holding it, or undefined.
 * Eventually consistent like the Query: read the candidate again before
 * deciding on it. Its own module so only a function that sends it is
 * granted PartiQLSelect (test/unit/table-grants.test.ts).
 *
 * @example
 * const ids = await unlinkedMatchIds(['contact#email#ana@example.com']);
 * ids.get('contact#email#ana@example.com'); // 'rec-1' or undefined
 */
const unlinkedMatchIds = async (keys: readonly string[]): Promise<ReadonlyMap<string, string | undefined>> => {
  const unique = [...new Set(keys)];
  const found = new Map<string, string | undefined>(unique.map((key) => [key, undefined]));
  for (let start = 0; start < unique.length; start += KEYS_PER_STATEMENT) {
    const batch = unique.slice(start, start + KEYS_PER_STATEMENT);
    const statement =
      `SELECT match_key, record_id, external_id, deleted_at FROM "${tableName('records')}"."byMatchKey" ` +
      `WHERE match_key IN [${batch.map(() => '?').join(', ')}]`;
    let next: string | undefined;
    do {
      const out = await dynamo().send(
        new ExecuteStatementCommand({ Statement: statement, Parameters: batch, ...(next ? { NextToken: next } : {}) }),
      );
      // Linked and deleted records keep their entry (see match-index.ts); the index projects what this reads.
      for (const item of out.Items ?? []) {
        const key = String(item.match_key);
        if (found.get(key) === undefined && item.external_id === undefined && item.deleted_at === undefined) {
          found.set(key, String(item.record_id));
        }
      }
      next = out.NextToken;
    } while (next);
  }
  return found;
};

export { unlinkedMatchIds };
