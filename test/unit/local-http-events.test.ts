import {
  APIGatewayProxyEventV2Schema,
  APIGatewayRequestAuthorizerEventV2Schema,
  DynamoDBStreamSchema,
  EventBridgeSchema,
  SqsSchema,
} from '@aws-lambda-powertools/parser/schemas';
import { describe, expect, it } from 'vitest';
import { readBatchResponse } from '../../local/batch-response.js';
import { encodeBody } from '../../local/http-events.js';
import { toHttpResponse } from '../../local/http-results.js';
import { toLambdaStreamRecord } from '../../functions/kernel/aws/stream-event-records.js';
import { streamFailureRecord } from '../../local/stream-records.js';
import {
  anAuthorizerEvent,
  anHttpApiEvent,
  anSqsEvent,
  anSqsRecord,
  aScheduledEvent,
  aStreamEvent,
  aStreamRecord,
} from '../helpers/lambda-events.js';

describe('Function: toHttpResponse()', () => {
  it('sends a structured result as given', () => {
    // Act
    const result = toHttpResponse({ statusCode: 201, headers: { 'X-Id': 7 }, body: '{"id":7}', cookies: ['s=1'] });

    // Assess
    expect(result).toEqual({
      ok: true,
      response: {
        statusCode: 201,
        headers: { 'x-id': '7', 'content-type': 'application/json' },
        cookies: ['s=1'],
        body: Buffer.from('{"id":7}'),
      },
    });
  });

  it.each([
    [{ id: 7 }, '{"id":7}'],
    ['plain text', 'plain text'],
    [[1, 2], '[1,2]'],
    [null, 'null'],
    [undefined, 'null'],
  ])('answers %j without a statusCode as 200 JSON', (value, body) => {
    // Act
    const result = toHttpResponse(value);

    // Assess
    expect(result.ok && result.response.statusCode).toBe(200);
    expect(result.ok && result.response.body.toString()).toBe(body);
  });

  it.each([
    [{ statusCode: 200, body: { a: 1 } }, /body must be a string/],
    [{ statusCode: '200' }, /statusCode must be an integer/],
    [{ statusCode: 99 }, /statusCode must be an integer/],
    [{ statusCode: 200, cookies: 'a=1' }, /cookies must be an array/],
  ])('calls %j a malformed response', (value, problem) => {
    // Act
    const result = toHttpResponse(value);

    // Assess
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem).toMatch(problem);
  });
});

describe('Function: encodeBody()', () => {
  it.each([
    ['application/json', false],
    ['application/vnd.api+json', false],
    ['text/plain; charset=utf-8', false],
    ['application/xml', false],
    ['application/x-www-form-urlencoded', true],
    ['application/octet-stream', true],
    [undefined, true],
  ])('for content type %s base64-encodes: %s', (contentType, encoded) => {
    // Act
    const result = encodeBody(Buffer.from('a=1'), contentType);

    // Assess
    expect(result.isBase64Encoded).toBe(encoded);
    expect(Buffer.from(result.body ?? '', encoded ? 'base64' : 'utf8').toString()).toBe('a=1');
  });

  it('leaves the body out when there is none', () => {
    // Act & Assess
    expect(encodeBody(Buffer.alloc(0), 'application/json')).toEqual({ isBase64Encoded: false });
  });
});

describe('Function: readBatchResponse()', () => {
  const ids = new Set(['m-1', 'm-2']);

  it.each([[undefined], [null], [{}], [{ batchItemFailures: [] }], [{ batchItemFailures: null }]])(
    'reads %j as full success',
    (value) => {
      // Act & Assess
      expect(readBatchResponse(value, ids)).toEqual({ kind: 'success' });
    },
  );

  it('reads the listed identifiers as the failed items', () => {
    // Act & Assess
    expect(readBatchResponse({ batchItemFailures: [{ itemIdentifier: 'm-2' }] }, ids)).toEqual({
      kind: 'partial',
      failedIds: new Set(['m-2']),
    });
  });

  it.each([
    [{ batchItemFailures: [{ itemIdentifier: '' }] }],
    [{ batchItemFailures: [{ itemIdentifier: null }] }],
    [{ batchItemFailures: [{ id: 'm-1' }] }],
    [{ batchItemFailures: [{ itemIdentifier: 'm-9' }] }],
    [{ batchItemFailures: 'm-1' }],
  ])('reads %j as a failure of the whole batch, as Lambda does', (value) => {
    // Act & Assess
    expect(readBatchResponse(value, ids).kind).toBe('invalid');
  });
});

describe('Function: toLambdaStreamRecord()', () => {
  it('delivers an empty map that GetRecords returned without its type as an empty map', () => {
    // Prepare: a tombstone's `data: {}`, as the SDK reads it from DynamoDB Local.
    const record = {
      eventID: 'e-1',
      eventName: 'INSERT' as const,
      dynamodb: {
        StreamViewType: 'NEW_AND_OLD_IMAGES' as const,
        Keys: { pk: { S: 'contact#crm-1' } },
        NewImage: { pk: { S: 'contact#crm-1' }, data: {} as never, tags: { L: [] } },
      },
    };

    // Act
    const event = toLambdaStreamRecord(record, 'arn:stream', 'us-east-1');

    // Assess
    expect(event.dynamodb?.NewImage).toEqual({ pk: { S: 'contact#crm-1' }, data: { M: {} }, tags: { L: [] } });
    expect(DynamoDBStreamSchema.safeParse({ Records: [event] }).error).toBeUndefined();
  });
});

describe('Event factories', () => {
  it.each([
    [
      'an HTTP API event',
      APIGatewayProxyEventV2Schema,
      anHttpApiEvent({ method: 'POST', path: '/x/1', body: '{"a":1}', pathParameters: { id: '1' } }),
    ],
    [
      'an authorizer event',
      APIGatewayRequestAuthorizerEventV2Schema,
      anAuthorizerEvent({ path: '/admin/x', headers: { authorization: 'Bearer t' } }),
    ],
    ['an SQS event', SqsSchema, anSqsEvent([anSqsRecord(), anSqsRecord({ group: 'g-1' })])],
    [
      'a stream event',
      DynamoDBStreamSchema,
      aStreamEvent([aStreamRecord({ newImage: { pk: 'a', n: 1, tags: ['x'], m: { y: true } } })]),
    ],
    ['a scheduled event', EventBridgeSchema, aScheduledEvent()],
  ])('build %s that Powertools parses', (_name, schema, event) => {
    // Act & Assess
    expect(schema.safeParse(event).error).toBeUndefined();
  });

  it('build an on-failure record in the shape Lambda sends', () => {
    // Prepare
    const records = [
      aStreamRecord({ sequenceNumber: '000000000000000000007' }),
      aStreamRecord({ sequenceNumber: '000000000000000000009' }),
    ];

    // Act
    const failure = streamFailureRecord(records, {
      requestId: 'req-1',
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f',
      approximateInvokeCount: 3,
      functionError: 'Unhandled',
      shardId: 'shardId-1',
      streamArn: 'arn:stream',
    });

    // Assess
    expect(failure).toMatchObject({
      requestContext: { requestId: 'req-1', condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      DDBStreamBatchInfo: {
        shardId: 'shardId-1',
        startSequenceNumber: '000000000000000000007',
        endSequenceNumber: '000000000000000000009',
        batchSize: 2,
        streamArn: 'arn:stream',
        approximateArrivalOfFirstRecord: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      },
    });
  });
});
