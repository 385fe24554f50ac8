import { SqsFifoPartialProcessorAsync, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '../../kernel/observability.js';
import { dispatchRecord, dispatcherPorts } from './dispatch-record.js';

/**
 * Consumes the outbound FIFO queue. Records of one message group are handled
 * in order; when one fails, the rest of its group is handed back too
 * (`skipGroupOnError`) while other groups in the batch go on.
 *
 * No `logMetrics` middleware: the dispatcher's metrics carry an
 * `integration` dimension and are published as they are counted
 * (`kernel/integration-metric.ts`); a flush with nothing stored would only
 * log a warning on every invocation.
 */
const processor = new SqsFifoPartialProcessorAsync();
const ports = dispatcherPorts();

const dispatchBatch = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  processPartialResponse(event, (record: SQSRecord) => dispatchRecord(record, ports), processor, {
    context,
    skipGroupOnError: true,
    throwOnFullBatchFailure: false,
  });

export const handler = middy(dispatchBatch).use(injectLambdaContext(logger));
