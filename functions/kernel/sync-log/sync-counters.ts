import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamo-client.js';
import { tableName } from '../aws/resource-names.js';
import { logger } from '../observability.js';
import { COUNTER_RETENTION_DAYS, type CountableEvent, counterDeltas, counterPk } from './sync-counter-keys.js';

/**
 * Adds a batch of sync events to the health counters (see
 * `sync-counter-keys.ts`): one `UpdateItem` with `ADD` per integration and
 * hour bucket the batch touches. Atomic increments, so concurrent batches
 * never lose a count; `last_in_at` / `last_out_at` are set to the batch's
 * newest success in that hour (two batches racing in one hour may leave
 * the older of their two times: seconds apart, and the monitor reads lag
 * in minutes).
 *
 * Counting never fails the caller: the sync log is the record, counters are
 * its summary for monitoring. A write that fails is logged and its counts
 * are lost (the monitor then under-counts that hour).
 *
 * @returns how many counter writes were made.
 *
 * @example
 * await countSyncEvents(writtenItems);
 */
const countSyncEvents = async (events: readonly CountableEvent[]): Promise<number> => {
  const deltas = counterDeltas(events);
  await Promise.all(
    deltas.map(async (delta) => {
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {};
      const adds = Object.entries(delta.counts).map(([attribute, count], index) => {
        names[`#c${index}`] = attribute;
        values[`:c${index}`] = count;
        return `#c${index} :c${index}`;
      });
      const sets = ['expires_at = :expires'];
      values[':expires'] = Math.floor(Date.parse(`${delta.hour}:00:00Z`) / 1000) + COUNTER_RETENTION_DAYS * 86_400;
      if (delta.lastInAt) {
        sets.push('last_in_at = :lastIn');
        values[':lastIn'] = delta.lastInAt;
      }
      if (delta.lastOutAt) {
        sets.push('last_out_at = :lastOut');
        values[':lastOut'] = delta.lastOutAt;
      }
      try {
        await dynamo().send(
          new UpdateCommand({
            TableName: tableName('control'),
            Key: { pk: counterPk(delta.integration), sk: delta.hour },
            UpdateExpression: `ADD ${adds.join(', ')} SET ${sets.join(', ')}`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        );
      } catch (error) {
        logger.warn('sync counters could not be updated; the monitor under-counts this hour', {
          error,
          integration: delta.integration,
          hour: delta.hour,
          counts: delta.counts,
        });
      }
    }),
  );
  return deltas.length;
};

export { countSyncEvents };
