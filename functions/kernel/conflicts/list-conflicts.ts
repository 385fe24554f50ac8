import { paginateQuery } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamo-client.js';
import { tableName } from '../aws/resource-names.js';
import type { Conflict, ConflictStatus } from './conflict-store.js';

/** Conflicts in a status, oldest first, all pages. */
const listConflicts = async (status: ConflictStatus): Promise<Conflict[]> => {
  const items: Conflict[] = [];
  const pages = paginateQuery(
    { client: dynamo() },
    {
      TableName: tableName('conflicts'),
      IndexName: 'byStatus',
      KeyConditionExpression: '#status = :status',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':status': status },
    },
  );
  for await (const page of pages) {
    for (const raw of page.Items ?? []) {
      const { pk: _pk, ...conflict } = raw;
      items.push(conflict as Conflict);
    }
  }
  return items;
};

export { listConflicts };
