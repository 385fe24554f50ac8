import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '../../kernel/aws/condition-failure.js';
import { dynamo } from '../../kernel/aws/dynamo-client.js';
import { tableName } from '../../kernel/aws/resource-names.js';

/**
 * Status changes of a conflict, each conditional on the status it was read
 * in, so two resolvers (the job and a person) never both close one, and an
 * escalation is made once.
 */
const key = (id: string) => ({ pk: `CONFLICT#${id}` });

const conditional = async (command: UpdateCommand): Promise<boolean> => {
  try {
    await dynamo().send(command);
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

/** How a conflict was closed. */
export interface ConflictClosing {
  readonly resolutionType: 'automatic' | 'manual';
  readonly winner: 'local' | 'remote' | 'merge';
  readonly details: Record<string, unknown>;
  readonly resolvedAt: string;
  readonly resolvedBy?: string;
}

/**
 * Marks a conflict resolved, if it is still pending or escalated.
 *
 * @returns false when it was closed already.
 *
 * @example
 * await markResolved('crm-msg_1', { resolutionType: 'automatic', winner: 'merge', details, resolvedAt });
 */
const markResolved = async (id: string, closing: ConflictClosing): Promise<boolean> =>
  conditional(
    new UpdateCommand({
      TableName: tableName('conflicts'),
      Key: key(id),
      ConditionExpression: '#status IN (:pending, :escalated)',
      UpdateExpression: `SET #status = :resolved, resolution_type = :type, winner = :winner, details = :details, resolved_at = :at${closing.resolvedBy ? ', resolved_by = :by' : ''}`,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':pending': 'pending',
        ':escalated': 'escalated',
        ':resolved': 'resolved',
        ':type': closing.resolutionType,
        ':winner': closing.winner,
        ':details': closing.details,
        ':at': closing.resolvedAt,
        ...(closing.resolvedBy ? { ':by': closing.resolvedBy } : {}),
      },
    }),
  );

/**
 * Moves a pending conflict to `escalated`, with `escalation_sent: false`
 * until its messages are queued ({@link markEscalationSent}).
 *
 * @returns false when it was not pending any more (another run escalated or resolved it).
 *
 * @example
 * if (await markEscalated(id, reason, now)) await sendEscalation(...);
 */
const markEscalated = async (id: string, reason: string, now: string): Promise<boolean> =>
  conditional(
    new UpdateCommand({
      TableName: tableName('conflicts'),
      Key: key(id),
      ConditionExpression: '#status = :pending',
      UpdateExpression:
        'SET #status = :escalated, escalated_at = :now, escalation_sent = :false, escalation_reason = :reason',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':pending': 'pending',
        ':escalated': 'escalated',
        ':now': now,
        ':false': false,
        ':reason': reason,
      },
    }),
  );

/**
 * Notes that an escalation's messages are queued, so no later run sends them again.
 *
 * @example
 * await markEscalationSent('crm-msg_1');
 */
const markEscalationSent = async (id: string): Promise<boolean> =>
  conditional(
    new UpdateCommand({
      TableName: tableName('conflicts'),
      Key: key(id),
      ConditionExpression: 'escalation_sent = :false',
      UpdateExpression: 'SET escalation_sent = :true',
      ExpressionAttributeValues: { ':false': false, ':true': true },
    }),
  );

export { markEscalated, markEscalationSent, markResolved };
