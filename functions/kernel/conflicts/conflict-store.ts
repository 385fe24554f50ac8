import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamo-client.js';
import { tableName } from '../aws/resource-names.js';
import type { TransactionItem } from '../records/linked-update.js';
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
 * The conflict this delivery's change would store already stands: the
 * record was not claimed with it (else the delivery would be a duplicate),
 * so something outside the inbound flow wrote it. Nothing was written; the
 * delivery answers 500 and the sender retries, rather than the change
 * being answered as done while the record does not say so.
 *
 * @example
 * if (failed.includes(conflictIndex)) throw new ConflictExistsError(conflictId);
 */
class ConflictExistsError extends Error {
  override name = 'ConflictExistsError';
  constructor(readonly conflictId: string) {
    super(`Conflict ${conflictId} is stored already, but its record was not claimed with it`);
  }
}

/**
 * Stores a new pending conflict in ONE transaction with `claim`, the
 * writes that mark its record (the delivery, `sync_status: conflict`, the
 * conflict id): both or neither. Stored apart, a failure after the claim
 * left a record naming a delivery whose change was nowhere, and the
 * sender's retry was answered `duplicate`: the remote change lost. The
 * conflict is put last, on condition that its id is new; the caller derives
 * the id from the record and the delivery (`conflictIdFor`), so a
 * redelivery can never store a second one. A refusal is read with `refusalOf()`: the conflict is
 * item `claim.length`.
 *
 * @param claim the record's items (`linkingItems` in `records/linked-update.ts`).
 *
 * @example
 * await recordConflictWith(linkingItems(update, alias), conflict, now);
 */
const recordConflictWith = async (
  claim: readonly TransactionItem[],
  conflict: Omit<Conflict, 'status' | 'created_at'>,
  now: string,
): Promise<Conflict> => {
  const item: Conflict & { pk: string } = {
    ...conflict,
    status: 'pending',
    created_at: now,
    pk: conflictKey(conflict.conflict_id),
  };
  await dynamo().send(
    new TransactWriteCommand({
      TransactItems: [
        ...claim,
        { Put: { TableName: tableName('conflicts'), Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
      ],
    }),
  );
  const { pk: _pk, ...stored } = item;
  return stored;
};

export { ConflictExistsError, recordConflictWith };
