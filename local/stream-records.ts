import type { DynamoDBRecord } from 'aws-lambda';

/** The fields of Lambda's on-failure record for a DynamoDB stream batch. */
interface StreamFailureContext {
  readonly requestId: string;
  readonly functionArn: string;
  readonly approximateInvokeCount: number;
  /** Set when the last attempt threw (Lambda's `X-Amz-Function-Error`). */
  readonly functionError?: 'Unhandled';
  readonly shardId: string;
  readonly streamArn: string;
}

const isoSeconds = (epochSeconds: number): string =>
  new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The message Lambda sends to a stream consumer's on-failure destination
 * once retries are spent: it describes the batch (shard, first and last
 * sequence numbers, arrival times) rather than carrying the records, which
 * a reader fetches from the stream while it still holds them (24 hours).
 *
 * @example
 * await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(streamFailureRecord(batch, context)) }));
 */
const streamFailureRecord = (batch: readonly DynamoDBRecord[], context: StreamFailureContext) => {
  const first = batch[0]?.dynamodb;
  const last = batch[batch.length - 1]?.dynamodb;
  return {
    requestContext: {
      requestId: context.requestId,
      functionArn: context.functionArn,
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: context.approximateInvokeCount,
    },
    responseContext: {
      statusCode: 200,
      executedVersion: '$LATEST',
      ...(context.functionError ? { functionError: context.functionError } : {}),
    },
    version: '1.0',
    timestamp: new Date().toISOString(),
    DDBStreamBatchInfo: {
      shardId: context.shardId,
      startSequenceNumber: first?.SequenceNumber ?? '',
      endSequenceNumber: last?.SequenceNumber ?? '',
      approximateArrivalOfFirstRecord: isoSeconds(first?.ApproximateCreationDateTime ?? 0),
      approximateArrivalOfLastRecord: isoSeconds(last?.ApproximateCreationDateTime ?? 0),
      batchSize: batch.length,
      streamArn: context.streamArn,
    },
  };
};

export { streamFailureRecord };
export type { StreamFailureContext };
