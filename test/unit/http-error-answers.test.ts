import middy from '@middy/core';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { answerFor } from '../../functions/kernel/http/error-answers.js';
import { httpErrors } from '../../functions/kernel/http/http-errors.js';
import { HttpError } from '../../functions/kernel/http/responses.js';
import { DeliveryIdReusedError, DeliveryInProgressError } from '../../functions/kernel/idempotency/delivery-errors.js';
import { RecordIsAliasError } from '../../functions/kernel/records/record-errors.js';
import { filesUnder, importsOf } from '../helpers/source-graph.js';
import { aLambdaContext, anHttpApiEvent } from '../helpers/lambda-events.js';

/**
 * The HTTP edge answers the kernel's domain errors: the domain modules
 * throw what happened, `httpErrors()` turns it into the status, body and
 * headers a caller sees.
 */
class StockNegativeError extends Error {
  constructor(readonly current: number) {
    super('negative');
  }
}

/** A handler that throws `error`, wired as every HTTP handler is. */
const answerTo = async (error: unknown, options?: Parameters<typeof httpErrors>[0]) => {
  const handler = middy(async (): Promise<APIGatewayProxyStructuredResultV2> => {
    throw error;
  }).use(httpErrors(options));
  const response = (await handler(anHttpApiEvent(), aLambdaContext())) as APIGatewayProxyStructuredResultV2;
  return {
    status: response.statusCode,
    headers: response.headers,
    body: JSON.parse(String(response.body)) as Record<string, unknown>,
  };
};

describe('Function: httpErrors()', () => {
  it('answers a delivery still in progress with 409 and Retry-After, as the copy holding it will be done by then', async () => {
    // Act
    const answer = await answerTo(new DeliveryInProgressError(8));
    // Assess
    expect(answer).toEqual({
      status: 409,
      headers: { 'content-type': 'application/json', 'retry-after': '8' },
      body: { error: 'This delivery is already being processed; retry later', retry_after_seconds: 8 },
    });
  });

  it('answers a delivery id reused for another payload with 422', async () => {
    // Act
    const answer = await answerTo(new DeliveryIdReusedError());
    // Assess
    expect(answer).toEqual({
      status: 422,
      headers: { 'content-type': 'application/json' },
      body: { error: 'This delivery id was already used for a different payload' },
    });
  });

  it('answers a local write to an alias with 409, naming the record to write to', async () => {
    // Act
    const answer = await answerTo(new RecordIsAliasError('contact', 'crm-003A', 'local-7'));
    // Assess
    expect(answer.status).toBe(409);
    expect(answer.body).toEqual({
      error:
        'contact crm-003A is an alias of contact local-7 (the vendor id it derives from is linked there); write to local-7',
    });
  });

  it('answers a tool domain error with the answer the tool gives, before the kernel answers', async () => {
    // Prepare
    const answers = [
      answerFor(
        StockNegativeError,
        (e) => new HttpError(400, 'Inventory cannot be negative', { current_qty: e.current }),
      ),
    ];
    // Act
    const answer = await answerTo(new StockNegativeError(3), { answers });
    // Assess
    expect(answer).toMatchObject({ status: 400, body: { error: 'Inventory cannot be negative', current_qty: 3 } });
  });

  it('answers any other error with 500 and the correlation id, never its message', async () => {
    // Act
    const answer = await answerTo(new StockNegativeError(3));
    // Assess
    expect(answer.status).toBe(500);
    expect(answer.body).toEqual({ error: 'Internal error', correlation_id: expect.any(String) });
  });
});

describe('Layout: domain errors know nothing of HTTP', () => {
  it.each(['functions/kernel/idempotency', 'functions/kernel/records', 'functions/kernel/inbound'])(
    'keeps %s from importing the http folder',
    (folder) => {
      // Act
      const found = filesUnder(folder).flatMap((from) =>
        importsOf(from)
          .filter((edge) => edge.file?.startsWith('functions/kernel/http/'))
          .map((edge) => `${from} -> ${edge.file}`),
      );
      // Assess
      expect(found).toEqual([]);
    },
  );
});
