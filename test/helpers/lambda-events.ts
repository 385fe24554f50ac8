import { createHash, randomUUID } from 'node:crypto';
import type {
  APIGatewayProxyEventV2,
  APIGatewayRequestAuthorizerEventV2,
  AttributeValue,
  Context,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  ScheduledEvent,
  SQSEvent,
  SQSRecord,
} from 'aws-lambda';
import { authorizerEvent, httpApiEvent, type IncomingHttpRequest } from '../../local/http-events.js';
import { scheduledEvent } from '../../local/scheduler.js';

/**
 * Event factories for unit tests, built with the offline runtime's own
 * event builders where it has them, so a unit test sees the same shapes an
 * integration test (and, the parser tests show, AWS) delivers.
 */

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const API = { region: REGION, accountId: ACCOUNT, apiId: 'offline' } as const;

interface HttpEventInput {
  /** `GET /admin/records/{type}/{id}`; defaults to method and path. */
  readonly routeKey?: string;
  readonly method?: string;
  readonly path?: string;
  readonly query?: string;
  readonly headers?: Record<string, string>;
  readonly cookies?: string[];
  /** A string is sent as UTF-8; a Buffer as it is. */
  readonly body?: string | Buffer;
  readonly pathParameters?: Record<string, string>;
  readonly authorizerContext?: Record<string, unknown>;
}

const incoming = (input: HttpEventInput): IncomingHttpRequest => {
  const body =
    input.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(input.body) ? input.body : Buffer.from(input.body);
  const headers: Record<string, string> = { host: 'localhost:3000', 'user-agent': 'vitest' };
  for (const [name, value] of Object.entries(input.headers ?? {})) headers[name.toLowerCase()] = value;
  if (body.length > 0) headers['content-type'] ??= 'application/json';
  return {
    method: (input.method ?? 'GET').toUpperCase(),
    rawPath: input.path ?? '/',
    rawQueryString: input.query ?? '',
    headers,
    cookies: input.cookies ?? [],
    body,
    sourceIp: '127.0.0.1',
    protocol: 'HTTP/1.1',
  };
};

/**
 * An API Gateway HTTP API (payload 2.0) event.
 *
 * @example
 * anHttpApiEvent({ method: 'POST', path: '/webhooks/crm', body: JSON.stringify(payload), headers: { 'webhook-id': 'msg_1' } });
 */
const anHttpApiEvent = (input: HttpEventInput = {}): APIGatewayProxyEventV2 => {
  const request = incoming(input);
  const routeKey = input.routeKey ?? `${request.method} ${request.rawPath}`;
  return httpApiEvent(request, routeKey, input.pathParameters ?? {}, API, {
    ...(input.authorizerContext ? { authorizerContext: input.authorizerContext } : {}),
  });
};

/** A Lambda authorizer (REQUEST, payload 2.0) event; pass the Authorization header in `headers`. */
const anAuthorizerEvent = (input: HttpEventInput = {}): APIGatewayRequestAuthorizerEventV2 => {
  const request = incoming(input);
  const routeKey = input.routeKey ?? `${request.method} ${request.rawPath}`;
  return authorizerEvent(request, routeKey, input.pathParameters ?? {}, API, randomUUID());
};

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

/**
 * An SQS record as Lambda delivers it; FIFO attributes when `group` is given.
 *
 * @example
 * anSqsRecord({ body: JSON.stringify(message), group: 'crm#contact#c-1' });
 */
const anSqsRecord = (
  input: { body?: string; messageId?: string; group?: string; receiveCount?: number; queue?: string } = {},
): SQSRecord => {
  const body = input.body ?? '{}';
  const now = String(Date.now());
  const queue = input.queue ?? (input.group ? 'outbound.fifo' : 'jobs');
  return {
    messageId: input.messageId ?? randomUUID(),
    receiptHandle: randomUUID(),
    body,
    attributes: {
      ApproximateReceiveCount: String(input.receiveCount ?? 1),
      SentTimestamp: now,
      SenderId: ACCOUNT,
      ApproximateFirstReceiveTimestamp: now,
      ...(input.group
        ? { MessageGroupId: input.group, MessageDeduplicationId: md5(body), SequenceNumber: '18800000000000000001' }
        : {}),
    } as SQSRecord['attributes'],
    messageAttributes: {},
    md5OfBody: md5(body),
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:${queue}`,
    awsRegion: REGION,
  };
};

/** An SQS event of the given records (one default record when none). */
const anSqsEvent = (records: SQSRecord[] = [anSqsRecord()]): SQSEvent => ({ Records: records });

type Plain = string | number | boolean | null | undefined | readonly Plain[] | { readonly [key: string]: Plain };

/** Marshals plain values into DynamoDB JSON (strings, numbers, booleans, null, lists, maps). */
const toAttribute = (value: Plain): AttributeValue => {
  if (value === null || value === undefined) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(toAttribute) };
  return { M: toImage(value as Record<string, Plain>) };
};

const toImage = (item: Record<string, Plain>): Record<string, AttributeValue> =>
  Object.fromEntries(Object.entries(item).map(([key, value]) => [key, toAttribute(value)]));

let sequence = 100;

/**
 * A DynamoDB stream record from plain item values.
 *
 * @example
 * aStreamRecord({ eventName: 'MODIFY', keys: { pk: 'contact#1' }, newImage: { pk: 'contact#1', origin: 'crm' } });
 */
const aStreamRecord = (
  input: {
    eventName?: 'INSERT' | 'MODIFY' | 'REMOVE';
    keys?: Record<string, Plain>;
    newImage?: Record<string, Plain>;
    oldImage?: Record<string, Plain>;
    sequenceNumber?: string;
    table?: string;
  } = {},
): DynamoDBRecord => {
  const keys = input.keys ?? { pk: 'item#1' };
  const eventName = input.eventName ?? 'INSERT';
  const newImage = eventName === 'REMOVE' ? undefined : (input.newImage ?? keys);
  sequence += 1;
  return {
    eventID: randomUUID(),
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: REGION,
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
      Keys: toImage(keys),
      ...(newImage ? { NewImage: toImage(newImage) } : {}),
      ...(input.oldImage ? { OldImage: toImage(input.oldImage) } : {}),
      SequenceNumber: input.sequenceNumber ?? String(sequence).padStart(21, '0'),
      SizeBytes: 64,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
    eventSourceARN: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${input.table ?? 'records'}/stream/2026-11-24T00:00:00.000`,
  };
};

/** A DynamoDB stream event of the given records (one INSERT when none). */
const aStreamEvent = (records: DynamoDBRecord[] = [aStreamRecord()]): DynamoDBStreamEvent => ({ Records: records });

/** An EventBridge scheduled event for a rule. */
const aScheduledEvent = (rule = 'nightly', at: Date = new Date()): ScheduledEvent =>
  scheduledEvent(rule, at, REGION, ACCOUNT);

/** A Lambda context with a generous remaining time. */
const aLambdaContext = (overrides: Partial<Context> = {}): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'test-function',
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:test-function`,
  memoryLimitInMB: '256',
  awsRequestId: randomUUID(),
  logGroupName: '/aws/lambda/test-function',
  logStreamName: '2026/11/24/[$LATEST]0123456789abcdef0123456789abcdef',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
  ...overrides,
});

export {
  aLambdaContext,
  anAuthorizerEvent,
  anHttpApiEvent,
  anSqsEvent,
  anSqsRecord,
  aScheduledEvent,
  aStreamEvent,
  aStreamRecord,
};
export type { HttpEventInput };
