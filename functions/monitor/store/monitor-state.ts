import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../kernel/aws/dynamo-client.js';
import { isConditionFailure } from '../../kernel/aws/condition-failure.js';
import { tableName } from '../../kernel/aws/resource-names.js';
import type { AlertState } from '../domain/alert-plan.js';
import { STATE_KEY } from './monitor-keys.js';

/**
 * What the monitor keeps between runs: the alert state (status, open
 * incident, last page), the last successes it has seen per integration (so
 * an integration silent for more than the 24 h the counters cover is still
 * known to have been active), and since when the outbound queue has not been
 * empty. `version` counts the writes.
 */
interface MonitorState extends AlertState {
  readonly version: number;
  readonly last_success?: Readonly<Record<string, { readonly in?: string; readonly out?: string }>>;
  readonly queue_not_empty_since?: string;
}

/**
 * The state as the last run left it; undefined before the first run. A
 * strongly consistent read: the conditional write that follows compares
 * with this version.
 *
 * @example
 * const state = await getMonitorState();
 */
const getMonitorState = async (): Promise<MonitorState | undefined> => {
  const out = await dynamo().send(
    new GetCommand({ TableName: tableName('control'), Key: STATE_KEY, ConsistentRead: true }),
  );
  if (!out.Item) return undefined;
  const { pk: _pk, sk: _sk, ...state } = out.Item;
  return state as MonitorState;
};

/**
 * Writes the next state on condition that no other run wrote since
 * `readVersion` was read (undefined: no state yet).
 *
 * @returns false when another run got there first: that run alerts, this one does not.
 *
 * @example
 * if (await saveMonitorState({ ...next, version: read + 1 }, read)) await sendAlerts();
 */
const saveMonitorState = async (next: MonitorState, readVersion: number | undefined): Promise<boolean> => {
  try {
    await dynamo().send(
      new PutCommand({
        TableName: tableName('control'),
        Item: { ...STATE_KEY, ...next },
        ...(readVersion === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: '#version = :read',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':read': readVersion },
            }),
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

export { getMonitorState, saveMonitorState };
export type { MonitorState };
