import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../../kernel/observability.js';
import { countSyncEvents } from '../../kernel/sync-log/sync-counters.js';
import { type StoredSyncEvent, putSyncLogItem } from '../../kernel/sync-log/sync-events.js';
import { planUserLog } from './plan-user-log.js';

/**
 * Stream consumer on `users`: the sync event each SCIM write carries goes
 * into the sync log (so a deleted user's history stays there), then the
 * batch's new items into the health counters, as the platform's
 * sync-log-writer does for records. Log items are keyed by the event's id:
 * a redelivered batch writes the same items again and counts none twice.
 * The place where the downstream push will hook in.
 */
const processor = new BatchProcessor(EventType.DynamoDBStreams);

const followUserChanges = async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
  const written: StoredSyncEvent[] = [];
  const logChange = async (record: DynamoDBRecord): Promise<void> => {
    const plan = planUserLog(record);
    if ('skip' in plan) return;
    if (await putSyncLogItem(plan.item)) written.push(plan.item);
  };
  const response = await processPartialResponse(event, logChange, processor, {
    context,
    throwOnFullBatchFailure: false,
  });
  await countSyncEvents(written);
  return response;
};

export const handler = middy(followUserChanges).use(injectLambdaContext(logger));
