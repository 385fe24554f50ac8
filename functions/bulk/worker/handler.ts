import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { queueUrl } from '../../kernel/aws/resource-names.js';
import { sqs } from '../../kernel/aws/sqs-client.js';
import { logger } from '../../kernel/observability.js';
import type { PageMessage } from '../store/page-queue.js';
import { failJob, processPage } from './process-page.js';
import { workerPorts as ports } from './ports.js';

/** Failed receives of one page (not waits) before its job is marked failed: `BULK_FAILURE_RECEIVES`, default 5. */
const FAILURE_RECEIVES = Number(process.env.BULK_FAILURE_RECEIVES ?? 5);

const handBack = async (receiptHandle: string, seconds: number): Promise<void> => {
  await sqs().send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: queueUrl('bulkPages'),
      ReceiptHandle: receiptHandle,
      VisibilityTimeout: seconds,
    }),
  );
};

/**
 * `bulkPages` consumer, one page per invocation (batch size 1). A wait the
 * source asked for hands the message back with that visibility; a failure
 * is retried by SQS and, after {@link FAILURE_RECEIVES} receives, fails the
 * job with its reason.
 */
const consumePages = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    const message = JSON.parse(record.body) as PageMessage;
    try {
      const step = await processPage(message, ports);
      if (step.kind === 'wait') {
        await handBack(record.receiptHandle, step.seconds);
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    } catch (error) {
      const receives = Number(record.attributes.ApproximateReceiveCount ?? 1);
      const reason = error instanceof Error ? error.message : String(error);
      logger.error('bulk page failed', { job_id: message.job_id, page: message.page, receives, reason });
      if (receives >= FAILURE_RECEIVES) await failJob(ports, message.job_id, reason);
      else batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};

export const handler = middy(consumePages).use(injectLambdaContext(logger));
