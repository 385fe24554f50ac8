import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '../aws/condition-failure.js';
import { dynamo } from '../aws/dynamo-client.js';
import { tableName } from '../aws/resource-names.js';
import type { RecordData } from '../records/record.js';

/**
 * Conflicts are data: each keeps the local and the remote change and the
 * base both sides last agreed on, so the resolver (or a person) can merge
 * field by field later. Listed by status through the `byStatus` index.
 */
export type ConflictStatus = 'pending' | 'resolved' | 'escalated';

export interface Conflict {
  readonly conflict_id: string;
  readonly record_id: string;
  readonly record_type: string;
  readonly source: string;
  readonly local_timestamp: string;
  readonly remote_timestamp: string;
  readonly local_data: RecordData;
  readonly remote_data: RecordData;
  readonly base_data: RecordData | null;
  readonly local_version: number;
  readonly status: ConflictStatus;
  readonly created_at: string;
  readonly delivery_id?: string;
}

const conflictKey = (id: string): string => `CONFLICT#${id}`;

/**
 * Stores a new pending conflict. The id derives from the delivery when there
 * is one, so a redelivered webhook records its conflict once.
 */
const recordConflict = async (
  conflict: Omit<Conflict, 'conflict_id' | 'status' | 'created_at'>,
  now: string = new Date().toISOString(),
): Promise<Conflict> => {
  const conflictId = conflict.delivery_id ? `${conflict.source}-${conflict.delivery_id}` : randomUUID();
  const item: Conflict & { pk: string } = {
    ...conflict,
    conflict_id: conflictId,
    status: 'pending',
    created_at: now,
    pk: conflictKey(conflictId),
  };
  try {
    await dynamo().send(
      new PutCommand({
        TableName: tableName('conflicts'),
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
  const { pk: _pk, ...stored } = item;
  return stored;
};

export { recordConflict };
