import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../../kernel/observability.js';
import { countSyncEvents } from '../../kernel/sync-log/sync-counters.js';
import type { StoredSyncEvent } from '../../kernel/sync-log/sync-events.js';
import { followUpErpWrite } from './follow-up.js';

/**
 * Stream consumer on `erp` (entity items, by filter): logs each change,
 * updates orders from their invoices and shipments, queues the mails they
 * trigger (`follow-up.ts`). A failed record fails alone (partial batch
 * response); Lambda retries from it, and every step is idempotent, so the
 * records before it do no harm when handled again.
 */
const processor = new BatchProcessor(EventType.DynamoDBStreams);

const consumeErpWrites = async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
  const logged: StoredSyncEvent[] = [];
  const handleRecord = async (record: DynamoDBRecord): Promise<void> => {
    const entry = await followUpErpWrite(record);
    if (entry) logged.push(entry);
  };
  const response = await processPartialResponse(event, handleRecord, processor, {
    context,
    throwOnFullBatchFailure: false,
  });
  await countSyncEvents(logged);
  return response;
};

export const handler = middy(consumeErpWrites).use(injectLambdaContext(logger));
