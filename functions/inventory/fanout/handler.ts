import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../../kernel/observability.js';
import { fanOutStockChange, recordTransaction } from './fan-out.js';
import { newestVersions } from './plan-fanout.js';

/**
 * Stream consumer on `inventory` (stock levels only, by filter): each new
 * version gets its transaction (the ledger is written here only), and
 * each change is queued for the other systems, with alerts. A failed record
 * fails alone (partial batch response); Lambda retries from it with
 * bisection, and after the bounded retries the batch goes to the
 * stream-failures queue.
 */
const processor = new BatchProcessor(EventType.DynamoDBStreams);

const consumeStockChanges = async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
  const newest = newestVersions(event.Records);
  const handleRecord = async (record: DynamoDBRecord): Promise<void> => {
    await recordTransaction(record);
    await fanOutStockChange(record, newest);
  };
  return processPartialResponse(event, handleRecord, processor, {
    context,
    throwOnFullBatchFailure: false,
  });
};

export const handler = middy(consumeStockChanges).use(injectLambdaContext(logger));
