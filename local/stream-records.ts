import { randomUUID } from 'node:crypto';
import type { AttributeValue as SdkAttributeValue, _Record as SdkStreamRecord } from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';

/**
 * The SDK hands binary attributes back as bytes; Lambda events carry them
 * base64-encoded, as the JSON wire format does.
 */
const toEventAttribute = (value: SdkAttributeValue): AttributeValue => {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (value.M !== undefined) return { M: toEventImage(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toEventAttribute) };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  // An empty map (a tombstone's `data: {}`) comes back from GetRecords as `{}`, its type lost
  // on the way; an empty list keeps `L: []`. Lambda delivers `{M: {}}`.
  if (Object.keys(value).length === 0) return { M: {} };
  throw new Error(`Unknown DynamoDB attribute type: ${JSON.stringify(value)}`);
};

const toEventImage = (image: Record<string, SdkAttributeValue>): Record<string, AttributeValue> =>
  Object.fromEntries(Object.entries(image).map(([name, value]) => [name, toEventAttribute(value)]));

/**
 * A stream record from GetRecords as Lambda delivers it: the same fields,
 * `ApproximateCreationDateTime` in epoch seconds, the region of the stack
 * (DynamoDB Local reports "ddblocal") and the stream ARN as event source.
 *
 * @example
 * const event = { Records: out.Records.map((r) => toLambdaStreamRecord(r, streamArn, 'us-east-1')) };
 */
const toLambdaStreamRecord = (record: SdkStreamRecord, streamArn: string, region: string): DynamoDBRecord => {
  const change = record.dynamodb ?? {};
  const created = change.ApproximateCreationDateTime;
  return {
    eventID: record.eventID ?? randomUUID(),
    eventName: record.eventName as DynamoDBRecord['eventName'],
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    dynamodb: {
      ApproximateCreationDateTime: Math.floor((created ? created.getTime() : Date.now()) / 1000),
      Keys: toEventImage(change.Keys ?? {}),
      ...(change.NewImage ? { NewImage: toEventImage(change.NewImage) } : {}),
      ...(change.OldImage ? { OldImage: toEventImage(change.OldImage) } : {}),
      SequenceNumber: change.SequenceNumber ?? '',
      SizeBytes: change.SizeBytes ?? 0,
      StreamViewType: change.StreamViewType as NonNullable<DynamoDBRecord['dynamodb']>['StreamViewType'],
    },
    eventSourceARN: streamArn,
    ...(record.userIdentity
      ? {
          userIdentity: {
            type: record.userIdentity.Type ?? 'Service',
            principalId: record.userIdentity.PrincipalId ?? '',
          },
        }
      : {}),
  };
};

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

export { streamFailureRecord, toLambdaStreamRecord };
export type { StreamFailureContext };
