import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../../kernel/observability.js';
import { putSyncLogItem } from '../../kernel/sync-log/sync-events.js';
import { planSyncLog } from './plan-log.js';

/**
 * Stream consumer on `records`: the sync event an inbound write carries goes
 * into the sync log, so the webhook itself makes one write. Log items are
 * keyed by the event's id, so a redelivered batch writes the same items
 * again. A failed write fails that record only (partial batch response);
 * after the bounded retries the batch goes to the stream-failures queue.
 */
const processor = new BatchProcessor(EventType.DynamoDBStreams);

const logRecordEvent = async (record: DynamoDBRecord): Promise<void> => {
  const plan = planSyncLog(record);
  if ('skip' in plan) {
    logger.debug('no sync event to log', { reason: plan.skip, event_id: record.eventID });
    return;
  }
  await putSyncLogItem(plan.item);
};

const consumeRecordEvents = async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> =>
  processPartialResponse(event, logRecordEvent, processor, { context, throwOnFullBatchFailure: false });

export const handler = middy(consumeRecordEvents).use(injectLambdaContext(logger));
