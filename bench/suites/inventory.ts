import { randomBytes, randomUUID } from 'node:crypto';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  type KeySchemaElement,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { signStandardWebhook } from '../../functions/shared/signatures/standard-webhooks.js';
import { resetAwsClients } from '../../functions/shared/store/client-cache.js';
import { dynamo } from '../../functions/shared/store/dynamo-client.js';
import { type TableName, type TableSpec, tableEnvName, topology } from '../../lib/topology.js';
import { median } from '../statistics.js';
import type { BenchContext, BenchRow, BenchSuite } from '../suite.js';

/**
 * Inventory adjustments through the whole webhook handler (signature,
 * schema, idempotency claim, atomic stock update, transaction, claim
 * completion) against DynamoDB Local, next to bare `UpdateItem ADD` calls on
 * the same engine in the same run: the ratio is what our bookkeeping costs
 * over the one write that is strictly needed.
 *
 * Two shapes of load, as two suites with their own baseline: one hot sku
 * (every write on one item, the worst case for contention) and 100 skus.
 * Calls run CONCURRENCY at a time, as a burst of webhooks would arrive.
 *
 * WCU per adjustment: `ReturnConsumedCapacity: TOTAL` added to every write
 * the handler makes, summed and divided by the adjustments applied.
 */
const ADJUSTMENTS = 400;
const WARM_UP = 40;
const CONCURRENCY = 16;
const ROUNDS = 3;
const SECRET = `whsec_${Buffer.from('inventory-bench-secret-32-bytes!').toString('base64')}`;
const TABLES: readonly TableName[] = ['inventory', 'idempotency'];
// The document client runs the base client's commands, whose names these are.
const WRITES = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'TransactWriteItemsCommand',
  'BatchWriteItemCommand',
]);

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** A signed webhook event as the gateway hands it to the handler; signed ahead so signing is not timed. */
const anAdjustmentEvent = (sku: string): APIGatewayProxyEventV2 => {
  const body = JSON.stringify({ source: 'erp', sku, warehouse: 'WH-1', type: 'receipt', quantity: 1 });
  return {
    version: '2.0',
    routeKey: 'POST /webhooks/inventory',
    rawPath: '/webhooks/inventory',
    rawQueryString: '',
    headers: {
      'content-type': 'application/json',
      host: 'bench.local',
      ...signStandardWebhook({ secret: SECRET, id: `msg_${randomUUID()}`, body }),
    },
    requestContext: {
      requestId: randomUUID(),
      domainName: 'bench.local',
      http: { method: 'POST', path: '/webhooks/inventory' },
    },
    body,
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
};

/** Runs `calls` with at most `concurrency` in flight; answers calls per second. */
const burstRate = async (calls: readonly (() => Promise<unknown>)[], concurrency: number): Promise<number> => {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < calls.length) {
        const call = calls[next++] as () => Promise<unknown>;
        await call();
      }
    }),
  );
  return calls.length / ((performance.now() - start) / 1000);
};

interface BenchTables {
  readonly names: Readonly<Record<string, string>>;
  drop(): Promise<void>;
}

/** The tables the handler writes, created from their topology specs under a prefix of this run. */
const createTables = async (client: DynamoDBClient): Promise<BenchTables> => {
  const prefix = `bench-${randomBytes(3).toString('hex')}-`;
  const names: Record<string, string> = {};
  for (const table of TABLES) {
    const spec: TableSpec = topology.tables[table];
    const name = `${prefix}${table}`;
    const keys: KeySchemaElement[] = [{ AttributeName: spec.partitionKey, KeyType: 'HASH' }];
    if (spec.sortKey) keys.push({ AttributeName: spec.sortKey, KeyType: 'RANGE' });
    await client.send(
      new CreateTableCommand({
        TableName: name,
        KeySchema: keys,
        AttributeDefinitions: keys.map((k) => ({ AttributeName: k.AttributeName, AttributeType: 'S' })),
        BillingMode: 'PAY_PER_REQUEST',
        ...(spec.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: spec.stream } } : {}),
      }),
    );
    await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: name });
    names[table] = name;
  }
  return {
    names,
    drop: async () => {
      for (const name of Object.values(names))
        await client.send(new DeleteTableCommand({ TableName: name })).catch(() => undefined);
    },
  };
};

/** Sums the write capacity the handlers' shared DynamoDB client reports, from when it is installed. */
const meterWriteCapacity = (): { readonly units: () => number; readonly writes: () => number } => {
  let units = 0;
  let writes = 0;
  dynamo().middlewareStack.add(
    (next, context) => async (args) => {
      const isWrite = WRITES.has(context.commandName ?? '');
      if (isWrite) (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'TOTAL';
      const out = await next(args);
      if (isWrite) {
        writes++;
        const consumed = (
          out.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }
        ).ConsumedCapacity;
        for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) units += c.CapacityUnits ?? 0;
      }
      return out;
    },
    { step: 'initialize', name: 'benchWriteCapacity' },
  );
  return { units: () => units, writes: () => writes };
};

interface Setup {
  readonly handler: Handler;
  readonly bare: DynamoDBDocumentClient;
  readonly tables: BenchTables;
  restore(): Promise<void>;
}

/** Points the handler at DynamoDB Local (env, as the stack would) and loads it. */
const setUp = async (context: BenchContext): Promise<Setup> => {
  const endpoint = context.engines.dynamodb as string;
  const saved = { ...process.env };
  const credentials = { accessKeyId: 'offline', secretAccessKey: 'offline' };
  const client = new DynamoDBClient({ endpoint, region: process.env.AWS_REGION ?? 'us-east-1', credentials });
  const tables = await createTables(client);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    INVENTORY_WEBHOOK_SECRET: SECRET,
    ...Object.fromEntries(Object.entries(tables.names).map(([table, name]) => [tableEnvName(table), name])),
  });
  resetAwsClients();
  const { handler } = (await import('../../functions/inventory-webhook/handler.js')) as { handler: Handler };
  return {
    handler,
    bare: DynamoDBDocumentClient.from(client),
    tables,
    restore: async () => {
      await tables.drop();
      client.destroy();
      process.env = saved;
      resetAwsClients();
    },
  };
};

const handlerCalls = (handler: Handler, skuOf: (i: number) => string, count: number): (() => Promise<unknown>)[] =>
  Array.from({ length: count }, (_, i) => {
    const event = anAdjustmentEvent(skuOf(i));
    return async () => {
      const response = await handler(event, {} as Context);
      if (response.statusCode !== 200) throw new Error(`adjustment answered ${response.statusCode}: ${response.body}`);
    };
  });

/** The one write an adjustment strictly needs: ADD on the stock item, nothing else. */
const bareCalls = (setup: Setup, keyOf: (i: number) => string, count: number): (() => Promise<unknown>)[] =>
  Array.from(
    { length: count },
    (_, i) => () =>
      setup.bare.send(
        new UpdateCommand({
          TableName: setup.tables.names.inventory,
          Key: { pk: keyOf(i), sk: 'BARE' },
          UpdateExpression: 'ADD quantity_on_hand :q',
          ExpressionAttributeValues: { ':q': 1 },
        }),
      ),
  );

/** Median rate of the handler and of the bare writes over ROUNDS, taking turns. */
const measure = async (
  context: BenchContext,
  label: string,
  keys: number,
): Promise<{ handler: number; bare: number }> => {
  const setup = await setUp(context);
  try {
    const run = `${label}-${randomBytes(2).toString('hex')}`;
    const skuOf = (i: number) => `${run}-${i % keys}`;
    await burstRate(handlerCalls(setup.handler, skuOf, WARM_UP), CONCURRENCY);
    await burstRate(
      bareCalls(setup, (i) => `${skuOf(i)}#WH-1`, WARM_UP),
      CONCURRENCY,
    );
    const handlerRates: number[] = [];
    const bareRates: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      handlerRates.push(await burstRate(handlerCalls(setup.handler, skuOf, ADJUSTMENTS), CONCURRENCY));
      bareRates.push(
        await burstRate(
          bareCalls(setup, (i) => `${skuOf(i)}#WH-1`, ADJUSTMENTS),
          CONCURRENCY,
        ),
      );
      context.log(`${label}: round ${round + 1}/${ROUNDS}`);
    }
    return { handler: median(handlerRates), bare: median(bareRates) };
  } finally {
    await setup.restore();
  }
};

/** WCU of every write one adjustment makes, averaged over a few. */
const measureWcu = async (context: BenchContext): Promise<{ wcu: number; writes: number }> => {
  const setup = await setUp(context);
  try {
    const meter = meterWriteCapacity();
    const count = 20;
    const sku = `wcu-${randomBytes(2).toString('hex')}`;
    for (const call of handlerCalls(setup.handler, () => sku, count)) await call();
    return { wcu: meter.units() / count, writes: meter.writes() / count };
  } finally {
    await setup.restore();
  }
};

const description = (shape: string) =>
  `Adjustments/s on ${shape}, ${ADJUSTMENTS} receipts ${CONCURRENCY} at a time, median of ${ROUNDS} rounds (DynamoDB Local)`;

const inventoryHotSkuSuite: BenchSuite = {
  name: 'inventory-hot-sku',
  description: description('one hot sku'),
  needs: ['dynamodb'],
  run: async (context) => {
    const { handler, bare } = await measure(context, 'hot', 1);
    const { wcu, writes } = await measureWcu(context);
    return [
      {
        name: 'bare UpdateItem ADD, one item',
        value: bare,
        unit: 'req/s',
        baseline: true,
        note: 'the one write strictly needed',
      },
      {
        name: 'POST /webhooks/inventory handler, one sku',
        value: handler,
        unit: 'req/s',
        compare: true,
        note: 'verify + zod + claim + UpdateItem + transaction + completion',
      },
      {
        name: 'WCU per adjustment',
        value: wcu,
        unit: 'WCU',
        note: `${writes.toFixed(1)} writes: claim Put, stock UpdateItem, transaction Put, claim completion`,
      },
    ] satisfies BenchRow[];
  },
};

const inventorySpreadSuite: BenchSuite = {
  name: 'inventory-100-skus',
  description: description('100 skus'),
  needs: ['dynamodb'],
  run: async (context) => {
    const { handler, bare } = await measure(context, 'spread', 100);
    return [
      {
        name: 'bare UpdateItem ADD, 100 items',
        value: bare,
        unit: 'req/s',
        baseline: true,
        note: 'the one write strictly needed',
      },
      {
        name: 'POST /webhooks/inventory handler, 100 skus',
        value: handler,
        unit: 'req/s',
        compare: true,
        note: 'whole handler',
      },
    ] satisfies BenchRow[];
  },
};

export { inventoryHotSkuSuite, inventorySpreadSuite };
