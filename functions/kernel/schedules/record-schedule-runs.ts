import type { MiddlewareObj, Request } from '@middy/core';
import { logger } from '../observability.js';
import type { ScheduleDetail } from '../wiring/schedules.js';
import { recordRunFinished, recordRunStarted } from './run-writes.js';
import { scheduleRunOf } from './schedule-event.js';

/** What `before` learned, for `after` and `onError` of the same invocation. */
interface RunInProgress {
  readonly run: ScheduleDetail;
  readonly startedMs: number;
}

/**
 * Middy middleware for scheduled handlers: records each run in the
 * `control` table (running, then succeeded or failed, with its duration and
 * the error's message), so `GET /admin/schedules` can show an operator what
 * the last run did without opening the logs. The event names its schedule
 * and run in `detail` (see `schedule-event.ts`), whether the rule, an
 * operator or the offline scheduler fired it.
 *
 * The job comes first:
 * - a failed job still throws, so Lambda's asynchronous retries and the
 *   schedule's DLQ work as before; recording never replaces its error;
 * - a failed write is logged and swallowed: a job does not fail because its
 *   record could not be kept;
 * - an event that names no run (an operator's own `aws lambda invoke`) runs
 *   unrecorded.
 *
 * A run Lambda kills at its timeout cannot record itself and stays
 * `running`; build the handler with `middy(job, { timeoutEarlyInMillis })`
 * leaving time for one write, so middy fails it first and it is recorded.
 *
 * Needs `control: ['UpdateItem']` on the function (`lib/check-topology.ts`
 * refuses a scheduled function without it).
 *
 * @example
 * export const handler = middy(resolveConflicts, { timeoutEarlyInMillis: 1_000 })
 *   .use(injectLambdaContext(logger))
 *   .use(recordScheduleRuns());
 */
const recordScheduleRuns = (): MiddlewareObj => {
  const runs = new WeakMap<Request, RunInProgress>();

  const finish = async (request: Request, outcome: 'succeeded' | 'failed'): Promise<void> => {
    const current = runs.get(request);
    if (!current) return;
    runs.delete(request);
    const error = outcome === 'failed' ? messageOf(request.error) : undefined;
    try {
      const recorded = await recordRunFinished(current.run, {
        outcome,
        finishedAt: new Date().toISOString(),
        durationMs: Date.now() - current.startedMs,
        ...(error === undefined ? {} : { error }),
      });
      if (!recorded) logger.info('a newer run has started; this run is not the last one any more', { outcome });
    } catch (writeError) {
      logger.error('could not record how the run ended', { outcome, error: writeError as Error });
    } finally {
      logger.removeKeys(['schedule', 'run_id', 'trigger']);
    }
  };

  return {
    // Before: so the run shows as running while it runs, and every log line carries its id.
    before: async (request) => {
      const run = scheduleRunOf(request.event);
      if (!run) {
        logger.warn('the event names no schedule run; running without recording it');
        return;
      }
      logger.appendKeys({ schedule: run.schedule, run_id: run.run_id, trigger: run.trigger });
      const started = new Date();
      runs.set(request, { run, startedMs: started.getTime() });
      const runAt = (request.event as { time?: unknown }).time;
      try {
        await recordRunStarted(run, typeof runAt === 'string' ? runAt : started.toISOString(), started.toISOString());
      } catch (error) {
        logger.error('could not record the run as started', { error: error as Error });
      }
    },
    // After: the job returned, so the run succeeded.
    after: (request) => finish(request, 'succeeded'),
    // On error: recorded as failed, and the error left in place, so middy rethrows it.
    onError: (request) => finish(request, 'failed'),
  };
};

/** The message of what the job threw, never its stack. */
const messageOf = (thrown: unknown): string => {
  if (thrown instanceof Error) return thrown.message || thrown.name;
  return String(thrown);
};

export { recordScheduleRuns };
