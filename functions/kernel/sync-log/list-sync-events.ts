import { paginateQuery } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamo-client.js';
import { tableName } from '../aws/resource-names.js';
import { eventsKey } from './events-key.js';
import type { StoredSyncEvent } from './sync-events.js';

/** A record's events, oldest first; pages through all of them. */
const listSyncEvents = async (recordId: string): Promise<StoredSyncEvent[]> => {
  const items: StoredSyncEvent[] = [];
  const pages = paginateQuery(
    { client: dynamo() },
    {
      TableName: tableName('syncLog'),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': eventsKey(recordId) },
    },
  );
  for await (const page of pages) items.push(...((page.Items ?? []) as StoredSyncEvent[]));
  return items;
};

export { listSyncEvents };
