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
  // A type this code does not know: refuse rather than hand a consumer a changed value.
  throw new Error(`Unknown DynamoDB attribute type: ${JSON.stringify(value)}`);
};

const toEventImage = (image: Record<string, SdkAttributeValue>): Record<string, AttributeValue> =>
  Object.fromEntries(Object.entries(image).map(([name, value]) => [name, toEventAttribute(value)]));

/**
 * A stream record from GetRecords as a Lambda event source mapping hands it
 * to a consumer: binary attributes base64-encoded (the SDK gives bytes),
 * `ApproximateCreationDateTime` in epoch seconds (the SDK gives a Date), the
 * region of the stack (DynamoDB Local reports "ddblocal") and the stream ARN
 * as event source. One conversion for both readers of streams: the offline
 * runtime's poller (`local/stream-poller.ts`) and the stream-failure
 * replayer (`functions/platform/stream-failures/`), so a replayed batch looks
 * like the one that failed.
 *
 * @example
 * const event = { Records: out.Records.map((r) => toLambdaStreamRecord(r, streamArn, 'eu-west-1')) };
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

export { toLambdaStreamRecord };
