import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '../../kernel/observability.js';
import { recordScheduleRuns } from '../../kernel/schedules/record-schedule-runs.js';
import { applyDueChanges } from './apply-due-changes.js';

/**
 * The `hr-effective-changes` schedule: future-dated HR changes (a
 * termination at month end, a move on the first) applied once their time
 * has come.
 */
const applyEffectiveChanges = async (): Promise<{ applied: number; unmatched: number }> => {
  const summary = await applyDueChanges(new Date());
  logger.info('HR effective changes applied', summary);
  return summary;
};

/** Failed early by middy so a run that reaches its timeout is recorded. */
export const handler = middy(applyEffectiveChanges, { timeoutEarlyInMillis: 1_000 })
  .use(injectLambdaContext(logger))
  .use(recordScheduleRuns());
