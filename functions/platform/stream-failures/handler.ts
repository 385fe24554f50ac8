import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '../../kernel/observability.js';
import { STREAM_CONSUMERS_ENV, type StreamConsumerCatalogueEntry } from '../../kernel/wiring/stream-consumers.js';
import { replayFailedStreamBatch } from './replay-message.js';
import { lambdaReplayPorts } from './replay-ports.js';

/**
 * Consumes the `streamFailures` queue, where every stream consumer's
 * on-failure destination sends the batches whose retries were spent, and
 * replays each batch within the 24 hours the stream keeps its records (see
 * `replay.ts`); what cannot be replayed is parked with its reason, where
 * `GET /admin/dlq` shows it. One message per invocation (batch size 1), so
 * one slow replay never holds back another's retry.
 */
const processor = new BatchProcessor(EventType.SQS);

/** The stream consumers it may replay to, from the environment the stack sets (`STREAM_CONSUMERS`). */
const catalogue = (): StreamConsumerCatalogueEntry[] =>
  JSON.parse(process.env[STREAM_CONSUMERS_ENV] ?? '[]') as StreamConsumerCatalogueEntry[];

const replayBatch = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const ports = lambdaReplayPorts(catalogue());
  return processPartialResponse(event, (record: SQSRecord) => replayFailedStreamBatch(record, ports), processor, {
    context,
    throwOnFullBatchFailure: false,
  });
};

export const handler = middy(replayBatch).use(injectLambdaContext(logger));
