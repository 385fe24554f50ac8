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
  /** What the remote side did: a `deleted` is never resolved automatically. Absent on conflicts stored before it was kept: an update. */
  readonly remote_event?: 'created' | 'updated' | 'deleted';
  /** Set when resolved: who decided (`automatic`: a rule of the resolver; `manual`: a person through the admin API). */
  readonly resolution_type?: 'automatic' | 'manual';
  /** Set when resolved: whose values won (`merge`: both sides' changes kept). */
  readonly winner?: 'local' | 'remote' | 'merge';
  /** Set when resolved: the rule or choice, and the values written. */
  readonly details?: Record<string, unknown>;
  readonly resolved_at?: string;
  /** Who resolved it by hand (`admin`: the admin token names no person). */
  readonly resolved_by?: string;
  readonly escalated_at?: string;
  /** False between the move to `escalated` and the mail and Slack message being queued; absent: sent. */
  readonly escalation_sent?: boolean;
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
