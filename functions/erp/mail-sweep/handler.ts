import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '../../kernel/observability.js';
import { recordScheduleRuns } from '../../kernel/schedules/record-schedule-runs.js';
import { sweepDueMails } from '../mail/mail-waits.js';

/**
 * The `erp-mail-sweep` schedule's job: mails whose wait for an order or
 * customer is over go out with what is known, or are recorded as not sent.
 */
const sweepWaitingMails = async (): Promise<{ sent: number; skipped: number }> => {
  const summary = await sweepDueMails(new Date());
  logger.info('ERP mail sweep done', summary);
  return summary;
};

/** Failed early by middy so a run that reaches its timeout is recorded. */
export const handler = middy(sweepWaitingMails, { timeoutEarlyInMillis: 1_000 })
  .use(injectLambdaContext(logger))
  .use(recordScheduleRuns());
