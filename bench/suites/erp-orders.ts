import { randomBytes, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ENTITY_SK, type ErpItem, erpKey } from '../../functions/kernel/erp/erp-items.js';
import { dynamo } from '../../functions/kernel/aws/dynamo-client.js';
import { tableName } from '../../functions/kernel/aws/resource-names.js';
import { topology } from '../../lib/topology.js';
import { setEnvironment } from '../environment.js';
import { runBurst } from '../load.js';
import { median, percentile } from '../statistics.js';
import type { BenchRow, BenchSuite } from '../suite.js';
import { benchLambdaContext } from '../webhook-events.js';
import { type ConsumedWrites, meterWriteCapacity } from '../write-capacity.js';
import { ERP_ORDER_LINES, aBenchErpOrder } from '../erp-order.js';

/**
 * ERP sales-order webhooks through the whole `erpWebhook` handler (middy,
 * constant-time key check, JSON, envelope and payload zod, one consistent
 * read, merge, one conditional PutItem) against DynamoDB Local, beside bare
 * PutItem calls of the very order item the handler stored, on the same
 * engine in the same run. Issue 9's budget: at least 0.4x the bare rate.
 *
 * Orders carry 10 lines. Each burst sends CHANGES `created` events for new
 * orders (unkeyed: deduplicated by fingerprint on the item, so no
 * idempotency claim), CONCURRENCY in flight; bodies are built before the
 * burst and not timed. Sides take turns in a rotating order within each
 * round, and each rate is the median of ROUNDS bursts, as the other
 * webhook suites do, so drift of a shared machine hits both alike.
 *
 * The sync event rides on the order write and the follow-up consumer
 * reads it off the `erp` stream (not running here, off the webhook's path),
 * so the WCU per order is the handler's own writes.
 */
const CHANGES = 500;
const CONCURRENCY = 16;
const ROUNDS = 5;
const METERED = 20;
const LINES = ERP_ORDER_LINES;
const MIN_RATIO = 0.4;
const PATH = '/webhooks/erp';
const KEY = 'erp-orders-bench-key-0123456789';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

const anEvent = (id: string): APIGatewayProxyEventV2 => {
  const body = JSON.stringify({
    eventType: 'created',
    entity: 'salesOrder',
    entityId: id,
    payload: aBenchErpOrder(id),
  });
  return {
    version: '2.0',
    routeKey: `POST ${PATH}`,
    rawPath: PATH,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', host: 'bench.local', 'x-api-key': KEY },
    requestContext: { requestId: randomUUID(), domainName: 'bench.local', http: { method: 'POST', path: PATH } },
    body,
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
};

/** Calls the handler and fails the run unless the order was stored (a refusal would time the error path). */
const deliver = async (handler: Handler, event: APIGatewayProxyEventV2): Promise<void> => {
  const response = await handler(
    event,
    benchLambdaContext('erpWebhook', topology.functions.erpWebhook?.timeoutSeconds ?? 10),
  );
  if (response.statusCode !== 200 || !String(response.body).includes('"status":"processed"')) {
    throw new Error(`erpWebhook answered ${response.statusCode}: ${response.body}`);
  }
};

const aBarePut = (template: ErpItem, id: string): PutCommand =>
  new PutCommand({
    TableName: tableName('erp'),
    Item: { ...template, pk: erpKey('salesOrder', id), entity_id: id, data: { ...template.data, orderNumber: id } },
  });

const latencyRows = (side: string, values: readonly number[]): BenchRow[] => [
  { name: `${side} p50`, value: percentile(values, 50), unit: 'ms' },
  { name: `${side} p99`, value: percentile(values, 99), unit: 'ms' },
];

const perOrder = (consumed: ConsumedWrites, count: number): string =>
  Object.entries(consumed.byOperation)
    .map(([operation, n]) => `${(n / count).toFixed(1)} ${operation}`)
    .join(' + ');

const erpOrdersSuite: BenchSuite = {
  name: 'erp-orders',
  description: `ERP sales-order webhooks/s (${LINES} lines), bursts of ${CHANGES}, ${CONCURRENCY} at a time, median of ${ROUNDS} rounds, beside a bare PutItem of the order (DynamoDB Local)`,
  needs: ['dynamodb'],
  run: async (context) => {
    const restoreEnvironment = setEnvironment({ ERP_WEBHOOK_KEY: KEY });
    const bare = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    try {
      const { handler } = (await import('../../functions/erp/webhook/handler.js')) as { handler: Handler };
      const run = randomBytes(3).toString('hex');
      const orderId = (label: string, i: number) => `SO-${run}-${label}-${i}`;

      const warmUp = Array.from({ length: CHANGES }, (_, i) => anEvent(orderId('w', i)));
      await runBurst(
        warmUp.map((event) => () => deliver(handler, event)),
        CONCURRENCY,
      );
      const stored = await bare.send(
        new GetCommand({
          TableName: tableName('erp'),
          Key: { pk: erpKey('salesOrder', orderId('w', 0)), sk: ENTITY_SK },
          ConsistentRead: true,
        }),
      );
      const template = stored.Item as ErpItem | undefined;
      if (!template) throw new Error('the warm-up did not store its orders');
      const bareCalls = (label: string) =>
        Array.from({ length: CHANGES }, (_, i) => {
          const put = aBarePut(template, `bare-${run}-${label}-${i}`);
          return () => bare.send(put);
        });
      await runBurst(bareCalls('warm-up'), CONCURRENCY);

      const sides = ['webhook', 'bare'] as const;
      const rates = { webhook: [] as number[], bare: [] as number[] };
      const latencies = { webhook: [] as number[], bare: [] as number[] };
      for (let round = 0; round < ROUNDS; round++) {
        const events = Array.from({ length: CHANGES }, (_, i) => anEvent(orderId(`r${round}`, i)));
        const bursts = {
          webhook: events.map((event) => () => deliver(handler, event)),
          bare: bareCalls(`r${round}`),
        };
        for (let turn = 0; turn < sides.length; turn++) {
          const side = sides[(round + turn) % sides.length] as (typeof sides)[number];
          const burst = await runBurst(bursts[side], CONCURRENCY);
          rates[side].push(burst.perSecond);
          latencies[side].push(...burst.latenciesMs);
        }
        context.log(
          `erp-orders: round ${round + 1}/${ROUNDS}: ${sides.map((side) => `${side} ${Math.round(rates[side][round] ?? 0)}`).join(', ')}`,
        );
      }

      const meter = meterWriteCapacity(dynamo());
      let consumed: ConsumedWrites;
      try {
        for (let i = 0; i < METERED; i++) await deliver(handler, anEvent(orderId('wcu', i)));
        consumed = meter.take();
      } finally {
        meter.remove();
      }
      const bareMeter = meterWriteCapacity(bare);
      await bare.send(aBarePut(template, `bare-${run}-wcu`));
      const bareConsumed = bareMeter.take();
      bareMeter.remove();

      return [
        {
          name: 'bare PutItem, stored 10-line order',
          value: median(rates.bare),
          unit: 'req/s',
          baseline: true,
          note: 'one PutItem of the item the handler stores (same size), under a new key',
        },
        {
          name: 'POST /webhooks/erp, salesOrder created',
          value: median(rates.webhook),
          unit: 'req/s',
          compare: true,
          ratioTarget: { min: MIN_RATIO },
          note: 'key check, envelope + payload schema, consistent GetItem, merge, conditional PutItem (sync event carried)',
        },
        ...latencyRows('webhook latency', latencies.webhook),
        ...latencyRows('bare PutItem latency', latencies.bare),
        {
          name: 'WCU per order',
          value: consumed.units / METERED,
          unit: 'WCU',
          note: `${perOrder(consumed, METERED)} per order: the one conditional write of the same item the bare PutItem writes`,
        },
        {
          name: 'WCU of the bare PutItem',
          value: bareConsumed.units,
          unit: 'WCU',
          note: 'the same order item, 1 per KB',
        },
      ] satisfies BenchRow[];
    } finally {
      bare.destroy();
      restoreEnvironment();
    }
  },
};

export { erpOrdersSuite };
