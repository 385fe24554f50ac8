import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import * as z from 'zod';
import { httpErrors } from '../../functions/kernel/http/http-errors.js';
import { json } from '../../functions/kernel/http/responses.js';
import { webhookChain } from '../../functions/kernel/http/webhook.js';
import { signShopifyWebhook, shopifyVerifier } from '../../functions/kernel/signatures/shopify.js';
import { signStandardWebhook, standardWebhookVerifier } from '../../functions/kernel/signatures/standard-webhooks.js';
import { callsPerSecond, median } from '../statistics.js';
import type { BenchRow, BenchSuite } from '../suite.js';

const ITERATIONS = 20_000;
const WARM_UP = 2_000;
/** Handlers take turns over the rounds, so drift of the machine hits them alike. */
const ROUNDS = 3;

const SECRET = `whsec_${Buffer.from('bench-secret-of-thirty-two-bytes').toString('base64')}`;

const contactEvent = z.object({
  type: z.literal('contact.updated'),
  data: z.object({
    id: z.string(),
    email: z.email(),
    name: z.string().optional(),
    updated_at: z.iso.datetime(),
  }),
});

const BODY = JSON.stringify({
  type: 'contact.updated',
  data: { id: 'c-1', email: 'ana@example.com', name: 'Ana Lima', updated_at: '2026-11-24T12:00:00Z' },
});

const anEvent = (headers: Record<string, string>): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: 'POST /webhooks/bench',
    rawPath: '/webhooks/bench',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', host: 'bench.local', ...headers },
    requestContext: {
      requestId: 'bench',
      domainName: 'bench.local',
      http: { method: 'POST', path: '/webhooks/bench' },
    },
    body: BODY,
    isBase64Encoded: false,
  }) as unknown as APIGatewayProxyEventV2;

const accepted = async () => json(200, { ok: true });

interface Contender {
  readonly name: string;
  readonly baseline?: boolean;
  readonly note: string;
  readonly call: () => Promise<unknown>;
}

/**
 * A handler as routes wire it: middy with httpErrors, called directly.
 * The event is built once: the bench measures the handler, not the event factory.
 */
const contender = (
  name: string,
  note: string,
  handler: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>,
  event: APIGatewayProxyEventV2,
  baseline = false,
): Contender => {
  const wrapped = middy(handler).use(httpErrors());
  const context = {} as Context;
  return { name, note, baseline, call: () => wrapped(event, context) };
};

/**
 * Requests per second through the webhook chain (verify, JSON, zod, a no-op
 * domain function) against a bare handler that answers 200 at once, both
 * behind the same middy + httpErrors stack and measured in the same run.
 * The Shopify row is there for contrast: node:crypto's HMAC against the
 * pure-JavaScript SHA-256 the `standardwebhooks` package uses.
 */
const webhookThroughputSuite: BenchSuite = {
  name: 'webhook-throughput',
  description: `Requests/s, ${ITERATIONS.toLocaleString('en')} calls after ${WARM_UP.toLocaleString('en')} warm-up, median of ${ROUNDS} rounds`,
  run: async (context) => {
    const standard = webhookChain({ verify: standardWebhookVerifier(async () => SECRET), schema: contactEvent });
    const shopify = webhookChain({ verify: shopifyVerifier(async () => 'bench-shopify-secret'), schema: contactEvent });
    // Signed now: the run lasts seconds, well inside the 5-minute window.
    const standardEvent = anEvent(signStandardWebhook({ secret: SECRET, id: 'msg_bench', body: BODY }));
    const shopifyEvent = anEvent({
      ...signShopifyWebhook({ secret: 'bench-shopify-secret', body: BODY }),
      'x-shopify-webhook-id': 'bench',
    });

    const contenders = [
      contender('bare handler', 'middy + httpErrors, answers 200', async () => accepted(), standardEvent, true),
      contender(
        'webhook chain, Standard Webhooks',
        'verify (standardwebhooks) + JSON + zod + no-op domain',
        (event) => standard(event, accepted),
        standardEvent,
      ),
      contender(
        'webhook chain, Shopify HMAC',
        'verify (node:crypto) + JSON + zod + no-op domain',
        (event) => shopify(event, accepted),
        shopifyEvent,
      ),
    ];

    // A chain that refuses its request would be measuring the error path.
    for (const { name, call } of contenders) {
      const response = (await call()) as APIGatewayProxyStructuredResultV2;
      if (response.statusCode !== 200) throw new Error(`${name} answered ${response.statusCode}: ${response.body}`);
    }

    const rates = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const { name, call } of contenders) {
        rates.get(name)?.push(await callsPerSecond(call, { iterations: ITERATIONS, warmUp: WARM_UP }));
      }
      context.log(`webhook-throughput: round ${round + 1}/${ROUNDS}`);
    }

    return contenders.map(
      ({ name, baseline, note }): BenchRow => ({
        name,
        value: median(rates.get(name) ?? []),
        unit: 'req/s',
        ...(baseline ? { baseline: true } : { compare: true }),
        note,
      }),
    );
  },
};

export { webhookThroughputSuite };
