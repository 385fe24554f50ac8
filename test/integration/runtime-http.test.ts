import {
  APIGatewayProxyEventV2Schema,
  APIGatewayRequestAuthorizerEventV2Schema,
} from '@aws-lambda-powertools/parser/schemas';
import type { APIGatewayProxyEventV2, APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordedEvents } from '../helpers/fixtures/recorder.js';
import { runtimeTestTopology } from '../helpers/fixtures/runtime-topology.js';
import { startTestStack, type TestStack } from '../helpers/test-stack.js';

const lastHttpEvent = (): APIGatewayProxyEventV2 =>
  recordedEvents<APIGatewayProxyEventV2>('http').at(-1) as APIGatewayProxyEventV2;

describe('Offline runtime: HTTP API gateway', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ topology: runtimeTestTopology });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('routes a request to its handler as a payload 2.0 event that Powertools parses', async () => {
    // Act
    const res = await stack.fetch('/echo/42?tag=a&tag=b&q=x%20y', {
      headers: { 'X-Custom': 'Yes', cookie: 'a=1; b=2' },
    });

    // Assess
    expect(res.status).toBe(200);
    expect(res.headers.get('x-fixture')).toBe('http');
    expect(res.headers.get('apigw-requestid')).toBeTruthy();
    const event = lastHttpEvent();
    expect(APIGatewayProxyEventV2Schema.safeParse(event).success).toBe(true);
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /echo/{id}',
      rawPath: '/echo/42',
      rawQueryString: 'tag=a&tag=b&q=x%20y',
      queryStringParameters: { tag: 'a,b', q: 'x y' },
      pathParameters: { id: '42' },
      cookies: ['a=1', 'b=2'],
      isBase64Encoded: false,
      requestContext: {
        stage: '$default',
        routeKey: 'GET /echo/{id}',
        http: { method: 'GET', path: '/echo/42', sourceIp: '127.0.0.1' },
      },
    });
    expect(event.headers['x-custom']).toBe('Yes');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.body).toBeUndefined();
  });

  it('prefers a literal segment over a path variable, and matches a greedy variable across segments', async () => {
    // Act
    await stack.fetch('/echo/fixed');
    const fixed = lastHttpEvent();
    await stack.fetch('/files/a/b%20c/d.txt');
    const greedy = lastHttpEvent();

    // Assess
    expect(fixed.routeKey).toBe('GET /echo/fixed');
    expect(greedy.routeKey).toBe('GET /files/{path+}');
    expect(greedy.pathParameters).toEqual({ path: 'a/b c/d.txt' });
  });

  it('answers 404 Not Found like API Gateway for an unknown path or method', async () => {
    // Act
    const unknown = await stack.fetch('/nowhere');
    const wrongMethod = await stack.fetch('/echo/1', { method: 'DELETE' });

    // Assess
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ message: 'Not Found' });
    expect(wrongMethod.status).toBe(404);
  });

  it('passes a JSON body as text, byte for byte', async () => {
    // Prepare: odd spacing and non-ASCII, which a re-serialised body would lose.
    const raw = '{ "name":"Zoë",  "n": 1.50 }';

    // Act
    await stack.fetch('/echo/7', {
      method: 'POST',
      body: raw,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });

    // Assess
    const event = lastHttpEvent();
    expect(event.isBase64Encoded).toBe(false);
    expect(event.body).toBe(raw);
  });

  it('base64-encodes binary bodies and text that is not valid UTF-8, so the raw bytes survive', async () => {
    // Prepare
    const binary = Buffer.from([0, 1, 2, 253, 254, 255]);
    const invalidUtf8Json = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);

    // Act
    await stack.fetch('/echo/1', {
      method: 'POST',
      body: binary,
      headers: { 'content-type': 'application/octet-stream' },
    });
    const binaryEvent = lastHttpEvent();
    await stack.fetch('/echo/1', {
      method: 'POST',
      body: invalidUtf8Json,
      headers: { 'content-type': 'application/json' },
    });
    const textEvent = lastHttpEvent();

    // Assess
    expect(binaryEvent.isBase64Encoded).toBe(true);
    expect(Buffer.from(binaryEvent.body ?? '', 'base64').equals(binary)).toBe(true);
    expect(textEvent.isBase64Encoded).toBe(true);
    expect(Buffer.from(textEvent.body ?? '', 'base64').equals(invalidUtf8Json)).toBe(true);
  });

  it('answers a plain object or string result as 200 JSON, as payload 2.0 does without a statusCode', async () => {
    // Act
    const object = await stack.fetch('/echo/plain');
    const text = await stack.fetch('/echo/text');

    // Assess
    expect(object.status).toBe(200);
    expect(object.headers.get('content-type')).toBe('application/json');
    expect(await object.json()).toEqual({ hello: 'world' });
    expect(await text.text()).toBe('just a string');
  });

  it('sends cookies as set-cookie headers and decodes a base64 response body', async () => {
    // Act
    const cookies = await stack.fetch('/echo/cookies');
    const binary = await stack.fetch('/echo/binary');

    // Assess
    expect(cookies.status).toBe(204);
    expect(cookies.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    expect(Buffer.from(await binary.arrayBuffer())).toEqual(Buffer.from([0, 255, 1]));
  });

  it('answers 500 Internal Server Error, without details, when a handler throws or returns a malformed response', async () => {
    // Act
    const thrown = await stack.fetch('/echo/boom');
    const malformed = await stack.fetch('/echo/malformed');

    // Assess
    expect(thrown.status).toBe(500);
    expect(await thrown.json()).toEqual({ message: 'Internal Server Error' });
    expect(malformed.status).toBe(500);
  });

  it("answers 413 for a body one byte over Lambda's 6 MB payload limit, and passes one of exactly 6 MB on", async () => {
    // Prepare
    const limit = 6 * 1024 * 1024;

    // Act
    const over = await stack.fetch('/echo/plain', { method: 'POST', body: Buffer.alloc(limit + 1, 97) });
    const atLimit = await stack.fetch('/echo/plain', { method: 'POST', body: Buffer.alloc(limit, 97) });

    // Assess
    expect(over.status).toBe(413);
    expect(atLimit.status).toBe(200);
    expect(await atLimit.json()).toEqual({ hello: 'world' });
  });

  it('hands the function a context that counts down from its timeout', async () => {
    // Act
    const res = await stack.fetch('/echo/time');

    // Assess
    const body = (await res.json()) as { remainingMs: number };
    expect(body.remainingMs).toBeGreaterThan(2_000);
    expect(body.remainingMs).toBeLessThanOrEqual(3_000);
  });

  describe('routes behind the Lambda authorizer', () => {
    it('answers 401 without calling the authorizer when the Authorization header is missing', async () => {
      // Prepare
      const calls = recordedEvents('authorizer').length;

      // Act
      const res = await stack.fetch('/private/1');

      // Assess
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ message: 'Unauthorized' });
      expect(recordedEvents('authorizer')).toHaveLength(calls);
    });

    it('answers 403 Forbidden, as an HTTP API does, when the authorizer says no', async () => {
      // Act
      const res = await stack.fetch('/private/1', { headers: { authorization: 'Bearer wrong' } });

      // Assess
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ message: 'Forbidden' });
    });

    it('answers 500 when the authorizer fails', async () => {
      // Act
      const res = await stack.fetch('/private/1', { headers: { authorization: 'Bearer explode' } });

      // Assess
      expect(res.status).toBe(500);
    });

    it('calls the route with the authorizer context once authorized, with events Powertools parses', async () => {
      // Act
      const res = await stack.fetch('/private/9?x=1', { headers: { authorization: 'Bearer letmein' } });

      // Assess
      expect(res.status).toBe(200);
      const body = (await res.json()) as { authorizer: unknown };
      expect(body.authorizer).toEqual({ lambda: { user: 'tester', scope: 'admin' } });
      const authorizerEvent = recordedEvents<APIGatewayRequestAuthorizerEventV2>('authorizer').at(-1);
      expect(APIGatewayRequestAuthorizerEventV2Schema.safeParse(authorizerEvent).success).toBe(true);
      expect(authorizerEvent).toMatchObject({
        type: 'REQUEST',
        identitySource: ['Bearer letmein'],
        routeKey: 'GET /private/{id}',
        pathParameters: { id: '9' },
        queryStringParameters: { x: '1' },
      });
      expect(authorizerEvent?.routeArn).toMatch(
        /^arn:aws:execute-api:[a-z0-9-]+:\d{12}:offline\/\$default\/GET\/private\/\{id\}$/,
      );
      expect(APIGatewayProxyEventV2Schema.safeParse(lastHttpEvent()).success).toBe(true);
    });
  });
});
