import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, itemOfFailure } from '../../kernel/aws/condition-failure.js';
import { dynamo } from '../../kernel/aws/dynamo-client.js';
import { tableName } from '../../kernel/aws/resource-names.js';
import type { StoredRecord } from '../../kernel/records/record.js';

/**
 * Writes a conflict's resolution on the record: one conditional UpdateItem,
 * on condition that the record is still as it was read (its version, its
 * last remote change and its open conflict). A newer local edit, a newer
 * remote change or another resolution in between refuses the write, and the
 * caller decides again on what is there now: a resolution never overwrites
 * a change it did not see.
 *
 * The record's `data` and `base_data` both become the resolved values (so
 * the same difference is never found again), `conflict_id` goes, and
 * `resolved_through` remembers the newest conflict folded in, so conflicts
 * left pending by a crash after this write are recognised as settled.
 *
 * - `push: false` (the remote system already holds these values): stamped
 *   with the source as origin and acknowledged (`synced_version` = the new
 *   version), so no outbound consumer pushes it back;
 * - `push: true`: stamped `resolver` and left pending; the records stream
 *   takes it to the tool's outbound consumer like any local change, and that
 *   push releases (or replaces) the one held while the conflict was open.
 */
export interface ResolutionWrite {
  readonly record: StoredRecord;
  readonly values: Record<string, unknown>;
  readonly push: boolean;
  /** The outside system of the conflict: the origin of a write it already holds. */
  readonly source: string;
  /** `created_at` of the newest conflict this resolution folds in. */
  readonly resolvedThrough: string;
  readonly now: string;
}

/** The record moved since it was read: what is there now (undefined: gone). */
export type ApplyOutcome =
  | { readonly applied: true; readonly version: number }
  | { readonly applied: false; readonly current?: StoredRecord };

const asRead = (record: StoredRecord) => ({
  condition: '#version = :readVersion AND conflict_id = :readConflict AND remote_updated_at = :readRemote',
  values: {
    ':readVersion': record.version,
    ':readConflict': record.conflict_id,
    ':readRemote': record.remote_updated_at,
  },
});

const send = async (command: UpdateCommand): Promise<ApplyOutcome> => {
  try {
    const out = await dynamo().send(command);
    return { applied: true, version: (out.Attributes?.version as number | undefined) ?? 0 };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const item = itemOfFailure<StoredRecord>(error);
    return { applied: false, ...(item ? { current: item } : {}) };
  }
};

/**
 * @example
 * const outcome = await applyResolution({ record, values, push: true, source: 'crm', resolvedThrough, now });
 * if (!outcome.applied) // decide again on outcome.current
 */
const applyResolution = async (write: ResolutionWrite): Promise<ApplyOutcome> => {
  const guard = asRead(write.record);
  const acknowledged = write.push ? '' : ', synced_version = #version + :one';
  return send(
    new UpdateCommand({
      TableName: tableName('records'),
      Key: { pk: write.record.pk },
      ConditionExpression: guard.condition,
      UpdateExpression: `SET #data = :values, base_data = :values, #version = #version + :one, origin = :origin, sync_status = :status, updated_at = :now, resolved_through = :through${acknowledged} REMOVE conflict_id`,
      ExpressionAttributeNames: { '#data': 'data', '#version': 'version' },
      ExpressionAttributeValues: {
        ...guard.values,
        ':values': write.values,
        ':one': 1,
        ':origin': write.push ? 'resolver' : write.source,
        ':status': write.push ? 'pending' : 'synced',
        ':now': write.now,
        ':through': write.resolvedThrough,
      },
      ReturnValues: 'UPDATED_NEW',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    }),
  );
};

/**
 * Closes a conflict that later changes settled already (the remote system
 * came to agree with us, or its newer change was applied once our push had
 * landed): the data stays as it is, only the open conflict goes.
 *
 * @example
 * await closeSettled(record, newestConflict.created_at);
 */
const closeSettled = async (record: StoredRecord, resolvedThrough: string): Promise<ApplyOutcome> => {
  const guard = asRead(record);
  return send(
    new UpdateCommand({
      TableName: tableName('records'),
      Key: { pk: record.pk },
      ConditionExpression: guard.condition,
      UpdateExpression: 'SET resolved_through = :through REMOVE conflict_id',
      ExpressionAttributeValues: { ...guard.values, ':through': resolvedThrough },
      ReturnValues: 'UPDATED_NEW',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    }),
  ).then((outcome) => (outcome.applied ? { applied: true, version: record.version } : outcome));
};

export { applyResolution, closeSettled };
