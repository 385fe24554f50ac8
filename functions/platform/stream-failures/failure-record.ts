import * as z from '../../kernel/validation.js';

// Built on first use, not at import: a cold start should not pay for schemas
// its first request may never use (issue 15); z.lazy keeps each one schema.
/**
 * The message Lambda sends to a DynamoDB stream consumer's on-failure
 * destination once a batch's retries are spent (AWS documents it under
 * "Retain discarded records for a DynamoDB event source"): who failed
 * (`requestContext.functionArn`) and pointers to the batch
 * (`DDBStreamBatchInfo`: shard, first and last sequence numbers, stream
 * ARN), never the records themselves, which the stream keeps for 24 hours.
 *
 * @example
 * const failure = parseStreamFailureRecord(record.body);
 * failure.DDBStreamBatchInfo.startSequenceNumber; // '800000000003126276362'
 */
const sequenceNumber = z.lazy(() => z.string().check(z.regex(/^\d{1,40}$/, 'must be a sequence number')));

const streamFailureRecord = z.lazy(() =>
  z.object({
    requestContext: z.object({
      requestId: z.optional(z.string()),
      functionArn: z
        .string()
        .check(z.regex(/^arn:[^:]+:lambda:[^:]*:[^:]*:function:[^:]+(:[^:]+)?$/, 'must be a function ARN')),
      condition: z.optional(z.string()),
      approximateInvokeCount: z.optional(z.number()),
    }),
    responseContext: z.optional(
      z.object({
        statusCode: z.optional(z.number()),
        functionError: z.optional(z.nullable(z.string())),
      }),
    ),
    timestamp: z.optional(z.string()),
    DDBStreamBatchInfo: z.object({
      shardId: z.string().check(z.minLength(1)),
      startSequenceNumber: sequenceNumber,
      endSequenceNumber: sequenceNumber,
      batchSize: z.optional(z.number()),
      streamArn: z.string().check(z.minLength(1)),
      approximateArrivalOfFirstRecord: z.optional(z.string()),
      approximateArrivalOfLastRecord: z.optional(z.string()),
    }),
  }),
);

type StreamFailureRecord = z.infer<typeof streamFailureRecord>;

/** Thrown for a message that is not an on-failure record; it cannot be replayed, only parked. */
class NotAStreamFailure extends Error {
  override name = 'NotAStreamFailure';
}

/**
 * Parses an SQS message body as a DynamoDB stream on-failure record.
 *
 * @throws NotAStreamFailure naming what is wrong.
 */
const parseStreamFailureRecord = (body: string): StreamFailureRecord => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new NotAStreamFailure('the message is not JSON');
  }
  const parsed = z.safeParse(streamFailureRecord, json);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new NotAStreamFailure(`the message is not a DynamoDB stream on-failure record (${issues.join('; ')})`);
};

/**
 * The function name an ARN names, without a qualifier:
 * `arn:aws:lambda:us-east-1:1:function:crm-outbound:live` -> `crm-outbound`.
 */
const functionNameOfArn = (arn: string): string => arn.split(':')[6] ?? '';

/** Compares two sequence numbers (decimal strings longer than a double holds). */
const compareSequenceNumbers = (a: string, b: string): number => {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

export { parseStreamFailureRecord, functionNameOfArn, compareSequenceNumbers, NotAStreamFailure };
export type { StreamFailureRecord };
