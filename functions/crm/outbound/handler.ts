import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../../kernel/observability.js';
import { enqueueOutbound } from '../../kernel/outbound/outbound-queue.js';
import { planCrmPush } from './plan-push.js';

/**
 * Stream consumer on `records`: each local contact change becomes one
 * message on the outbound queue. A failed enqueue fails that record only
 * (partial batch response); Lambda retries from it, with bisection, and
 * after the bounded retries the batch goes to the stream-failures queue.
 */
const processor = new BatchProcessor(EventType.DynamoDBStreams);

const pushRecord = async (record: DynamoDBRecord): Promise<void> => {
  const plan = planCrmPush(record);
  if ('skip' in plan) {
    logger.debug('change not pushed to the CRM', { reason: plan.skip, event_id: record.eventID });
    return;
  }
  await enqueueOutbound([plan.message]);
  logger.info('change queued for the CRM', { ...plan.message.context });
};

const consumeRecordChanges = async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> =>
  processPartialResponse(event, pushRecord, processor, { context, throwOnFullBatchFailure: false });

export const handler = middy(consumeRecordChanges).use(injectLambdaContext(logger));
