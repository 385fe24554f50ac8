import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '../aws/condition-failure.js';
import { dynamo } from '../aws/dynamo-client.js';
import { tableName } from '../aws/resource-names.js';
import type { ScheduleDetail } from '../wiring/schedules.js';
import { lastRunKey } from './schedule-run.js';

/**
 * Writes a schedule's last run into the `control` table (UpdateItem only):
 * queued by the admin API, running and then succeeded or failed by the
 * scheduled function itself (`record-schedule-runs.ts`).
 */

/** Longer messages are cut: the summary is shown in a listing, the full story is in the log. */
const MAX_ERROR_LENGTH = 1_000;

/** Attributes that belong to one run only and must not survive into the next. */
const RUN_ATTRIBUTES = ['started_at', 'finished_at', 'duration_ms', '#error'];

const begin = async (
  run: ScheduleDetail,
  runAt: string,
  outcome: 'queued' | 'running',
  startedAt?: string,
): Promise<void> => {
  const sets = [
    '#schedule = :schedule',
    'run_id = :run_id',
    '#trigger = :trigger',
    'outcome = :outcome',
    'run_at = :run_at',
  ];
  if (startedAt) sets.push('started_at = :started_at');
  const removes = RUN_ATTRIBUTES.filter((name) => !(startedAt && name === 'started_at'));
  await dynamo().send(
    new UpdateCommand({
      TableName: tableName('control'),
      Key: lastRunKey(run.schedule),
      UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}`,
      ExpressionAttributeNames: { '#schedule': 'schedule', '#trigger': 'trigger', '#error': 'error' },
      ExpressionAttributeValues: {
        ':schedule': run.schedule,
        ':run_id': run.run_id,
        ':trigger': run.trigger,
        ':outcome': outcome,
        ':run_at': runAt,
        ...(startedAt ? { ':started_at': startedAt } : {}),
      },
    }),
  );
};

/**
 * Records a manual run as asked for, before its function is invoked: the
 * operator sees it at once, even while Lambda has not started it yet.
 *
 * @example
 * await recordRunQueued({ schedule: 'tick', trigger: 'manual', run_id: runId }, event.time);
 */
const recordRunQueued = (run: ScheduleDetail, runAt: string): Promise<void> => begin(run, runAt, 'queued');

/**
 * Records a run as started. It takes the summary over unconditionally: the
 * run that started last is the last run.
 *
 * @example
 * await recordRunStarted(run, event.time, new Date().toISOString());
 */
const recordRunStarted = (run: ScheduleDetail, runAt: string, startedAt: string): Promise<void> =>
  begin(run, runAt, 'running', startedAt);

interface RunEnd {
  readonly outcome: 'succeeded' | 'failed';
  readonly finishedAt: string;
  readonly durationMs?: number;
  /** The failure's message (no stack), when it failed. */
  readonly error?: string;
}

/**
 * Records how a run ended, unless a newer run has taken the summary over
 * meanwhile (a manual run during a slow scheduled one): then the newer run's
 * state stands and this returns false.
 *
 * @example
 * await recordRunFinished(run, { outcome: 'failed', finishedAt, durationMs: 120, error: 'CRM timed out' });
 */
const recordRunFinished = async (run: ScheduleDetail, end: RunEnd): Promise<boolean> => {
  const error = end.error === undefined ? undefined : end.error.slice(0, MAX_ERROR_LENGTH);
  const sets = ['outcome = :outcome', 'finished_at = :finished_at'];
  if (end.durationMs !== undefined) sets.push('duration_ms = :duration_ms');
  if (error !== undefined) sets.push('#error = :error');
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName('control'),
        Key: lastRunKey(run.schedule),
        UpdateExpression: `SET ${sets.join(', ')}${error === undefined ? ' REMOVE #error' : ''}`,
        ConditionExpression: 'run_id = :run_id',
        ExpressionAttributeNames: { '#error': 'error' },
        ExpressionAttributeValues: {
          ':run_id': run.run_id,
          ':outcome': end.outcome,
          ':finished_at': end.finishedAt,
          ...(end.durationMs !== undefined ? { ':duration_ms': end.durationMs } : {}),
          ...(error !== undefined ? { ':error': error } : {}),
        },
      }),
    );
    return true;
  } catch (thrown) {
    if (isConditionFailure(thrown)) return false;
    throw thrown;
  }
};

export { recordRunFinished, recordRunQueued, recordRunStarted };
export type { RunEnd };
