import { randomUUID } from 'node:crypto';
import { parseOr400 } from '../../kernel/http/parse-or-400.js';
import { HttpError, json } from '../../kernel/http/responses.js';
import { logger } from '../../kernel/observability.js';
import { recordRunFinished, recordRunQueued } from '../../kernel/schedules/run-writes.js';
import { lastRunOf } from '../../kernel/schedules/run-reads.js';
import { scheduleCatalogue } from '../../kernel/schedules/schedule-catalogue.js';
import { scheduleEvent } from '../../kernel/schedules/schedule-event.js';
import { startScheduleRun } from '../../kernel/schedules/start-schedule-run.js';
import * as z from '../../kernel/validation.js';
import { SCHEDULE_NAME_PATTERN } from '../../kernel/wiring/schedules.js';
import type { AdminRoutes } from './admin-route.js';

// Built on first use, not at import: a cold start should not pay for schemas
// its first request may never use (issue 15); z.lazy keeps each one schema.
/**
 * What an operator needs to see and nudge the scheduled jobs: every
 * schedule with its expression and how its last run went, and a way to run
 * one now (to check a fix, or to catch up after an outage) without waiting
 * for its next turn. The schedules come from the catalogue the stack sets
 * on this function (`SCHEDULES`); runs are recorded by the jobs themselves
 * (`recordScheduleRuns()`).
 */
const runPath = z.lazy(() =>
  z.object({
    name: z.string().check(z.regex(SCHEDULE_NAME_PATTERN, 'must be 1 to 64 letters, digits, ".", "_" or "-"')),
  }),
);

const scheduleRoutes: AdminRoutes = {
  'GET /admin/schedules': async () => {
    const items = await Promise.all(
      scheduleCatalogue().map(async (entry) => ({
        name: entry.name,
        expression: entry.expression,
        function: entry.function,
        last_run: await lastRunOf(entry.name),
      })),
    );
    return json(200, { items });
  },
  'POST /admin/schedules/{name}/run': async (event) => {
    const { name } = parseOr400(runPath, event.pathParameters, 'path');
    const entry = scheduleCatalogue().find((candidate) => candidate.name === name);
    if (!entry) throw new HttpError(404, `No schedule named ${name}`);
    const runId = randomUUID();
    const run = scheduleEvent({
      schedule: name,
      trigger: 'manual',
      runId,
      at: new Date(),
      region: process.env.AWS_REGION ?? '',
      account: event.requestContext.accountId,
    });
    // Queued first, so the job's own "running" write (which may come within milliseconds) is never overwritten.
    await recordRunQueued(run.detail, run.time);
    try {
      await startScheduleRun(entry.function, run);
    } catch (error) {
      logger.error('could not start a schedule run', { schedule: name, run_id: runId, error: error as Error });
      await recordRunFinished(run.detail, {
        outcome: 'failed',
        finishedAt: new Date().toISOString(),
        error: `The run could not be started: ${(error as Error).message}`,
      }).catch((writeError: unknown) =>
        logger.error('could not record the run as failed', { error: writeError as Error }),
      );
      // Ours, not the caller's: a 500 with a correlation id, the details in the log.
      throw error;
    }
    logger.info('schedule run started', { schedule: name, run_id: runId });
    return json(202, { run_id: runId, schedule: name });
  },
};

export { scheduleRoutes, runPath };
