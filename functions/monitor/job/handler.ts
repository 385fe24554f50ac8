import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '../../kernel/observability.js';
import { recordScheduleRuns } from '../../kernel/schedules/record-schedule-runs.js';
import { runMonitor } from './run-monitor.js';

/** The `sync-monitor` schedule's job, failed early by middy so a run that reaches its timeout is recorded. */
export const handler = middy(runMonitor, { timeoutEarlyInMillis: 1_000 })
  .use(injectLambdaContext(logger))
  .use(recordScheduleRuns());
