import { SqsFifoPartialProcessorAsync, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger, metrics } from '../../kernel/observability.js';
import { dispatchRecord, dispatcherPorts } from './dispatch-record.js';

/**
 * Consumes the outbound FIFO queue. Records of one message group are handled
 * in order; when one fails, the rest of its group is handed back too
 * (`skipGroupOnError`) while other groups in the batch go on.
 */
const processor = new SqsFifoPartialProcessorAsync();
const ports = dispatcherPorts();

const dispatchBatch = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  processPartialResponse(event, (record: SQSRecord) => dispatchRecord(record, ports), processor, {
    context,
    skipGroupOnError: true,
    throwOnFullBatchFailure: false,
  });

export const handler = middy(dispatchBatch).use(injectLambdaContext(logger)).use(logMetrics(metrics));
