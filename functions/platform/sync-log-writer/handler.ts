import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../../kernel/observability.js';
import { countSyncEvents } from '../../kernel/sync-log/sync-counters.js';
import { type StoredSyncEvent, putSyncLogItem } from '../../kernel/sync-log/sync-events.js';
import { planSyncLog } from './plan-log.js';

/**
 * Stream consumer on `records`: the sync event an inbound write carries goes
 * into the sync log, so the webhook itself makes one write. Log items are
 * keyed by the event's id, so a redelivered batch writes the same items
 * again. A failed write fails that record only (partial batch response);
 * after the bounded retries the batch goes to the stream-failures queue.
 *
 * The batch's new items are then added to the health counters the sync
 * monitor reads: one UpdateItem per integration and hour bucket in the
 * batch, not one per event. An item that was already in the log (a
 * redelivery) is not counted again.
 */
const processor = new BatchProcessor(EventType.DynamoDBStreams);

const consumeRecordEvents = async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
  const written: StoredSyncEvent[] = [];
  const logRecordEvent = async (record: DynamoDBRecord): Promise<void> => {
    const plan = planSyncLog(record);
    if ('skip' in plan) {
      logger.debug('no sync event to log', { reason: plan.skip, event_id: record.eventID });
      return;
    }
    if (await putSyncLogItem(plan.item)) written.push(plan.item);
  };
  const response = await processPartialResponse(event, logRecordEvent, processor, {
    context,
    throwOnFullBatchFailure: false,
  });
  await countSyncEvents(written);
  return response;
};

export const handler = middy(consumeRecordEvents).use(injectLambdaContext(logger));
