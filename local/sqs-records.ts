import type { Message } from '@aws-sdk/client-sqs';
import type { SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from 'aws-lambda';

const SYSTEM_ATTRIBUTES = [
  'ApproximateReceiveCount',
  'SentTimestamp',
  'SenderId',
  'ApproximateFirstReceiveTimestamp',
  'SequenceNumber',
  'MessageGroupId',
  'MessageDeduplicationId',
  'AWSTraceHeader',
  'DeadLetterQueueSourceArn',
] as const;

/** Lambda passes only the system attributes it documents, under the same names. */
const recordAttributes = (message: Message): SQSRecordAttributes => {
  const source = message.Attributes ?? {};
  const attributes: Record<string, string> = {
    ApproximateReceiveCount: '1',
    SentTimestamp: String(Date.now()),
    SenderId: 'offline',
    ApproximateFirstReceiveTimestamp: String(Date.now()),
  };
  for (const name of SYSTEM_ATTRIBUTES) {
    const value = source[name];
    if (value !== undefined) attributes[name] = value;
  }
  return attributes as unknown as SQSRecordAttributes;
};

/** Message attributes in the event's camel-cased shape, binary values base64-encoded. */
const recordMessageAttributes = (message: Message): SQSMessageAttributes => {
  const out: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    out[name] = {
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') } : {}),
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map((b) => Buffer.from(b).toString('base64')),
      dataType: value.DataType ?? 'String',
    };
  }
  return out;
};

/**
 * A received message as Lambda's SQS event source delivers it.
 *
 * @example
 * const event = { Records: messages.map((m) => toLambdaSqsRecord(m, queueArn, 'us-east-1')) };
 */
const toLambdaSqsRecord = (message: Message, queueArn: string, region: string): SQSRecord => ({
  messageId: message.MessageId ?? '',
  receiptHandle: message.ReceiptHandle ?? '',
  body: message.Body ?? '',
  attributes: recordAttributes(message),
  messageAttributes: recordMessageAttributes(message),
  md5OfBody: message.MD5OfBody ?? '',
  ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
  eventSource: 'aws:sqs',
  eventSourceARN: queueArn,
  awsRegion: region,
});

export { toLambdaSqsRecord };
