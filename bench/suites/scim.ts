import { randomBytes, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { tableName } from '../../functions/kernel/aws/resource-names.js';
import { type UserItem, keys } from '../../functions/users/store/items.js';
import { topology } from '../../lib/topology.js';
import { setEnvironment } from '../environment.js';
import { runBurst } from '../load.js';
import { median, percentile } from '../statistics.js';
import type { BenchContext, BenchRow, BenchSuite } from '../suite.js';
import { benchLambdaContext } from '../webhook-events.js';

/**
 * The SCIM service provider's two hot paths through the whole `scimApi`
 * handler (middy, bearer check, SCIM JSON, schema checks, the store)
 * against DynamoDB Local, beside a bare call on the same engine in the same
 * run, with 1,000 and then 10,000 users stored (seeded with BatchWriteItem
 * in the store's item shape: the user and its userName lock):
 *
 * - `scim-create`: `POST /Users` (a conditional PutItem of the userName
 *   lock, then one of the user, whose externalId and work email are
 *   indexed) beside a bare PutItem of a user item of the same shape.
 *   Issue 10's budget: at least 0.4x.
 * - `scim-filter`: `GET /Users?filter=userName eq "..."` (a GetItem of the
 *   lock, a GetItem of the user) beside a bare GetItem of a user item.
 *   Budget: at least 0.5x, and no slower with 10,000 users than with 1,000:
 *   the filter is a key lookup, never a scan.
 *
 * A third side, the floor, makes the same store calls as the handler with
 * no handler around them, so a ratio below budget can be told apart:
 * handler cost, or the store calls themselves on this engine.
 *
 * Sides take turns in a rotating order within each round; each rate is the
 * median of ROUNDS bursts. Baseline: the bare call with 10,000 users (the
 * issue's size); the 1,000-user ratios are in the notes.
 */
const SIZES = [1_000, 10_000] as const;
const CALLS = 400;
const CONCURRENCY = 16;
const ROUNDS = 3;
const TOKEN = 'scim-bench-token-0123456789abcdef';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
type Side = 'scim' | 'bare' | 'floor';

const aScimUser = (userName: string) => ({
  schemas: [USER_SCHEMA],
  userName,
  externalId: `ext-${userName}`,
  name: { givenName: 'Bench', familyName: 'User' },
  emails: [{ value: userName, type: 'work', primary: true }],
  active: true,
});

/** A user as the store keeps it (user-writes.ts, work email included: it is indexed), for seeding and for the bare side. */
const aUserItem = (id: string, userName: string): UserItem & { work_email_key: string } => {
  const now = new Date().toISOString();
  const { schemas: _schemas, ...resource } = aScimUser(userName);
  return {
    ...keys.user(id),
    id,
    resource: { schemas: [USER_SCHEMA], ...resource },
    version: 1,
    created_at: now,
    updated_at: now,
    resource_type: 'User',
    listed_at: `${now}#${id}`,
    user_name_key: userName.toLowerCase(),
    active: true,
    external_id: `ext-${userName}`,
    work_email_key: userName.toLowerCase(),
  };
};

const anEvent = (method: 'GET' | 'POST', init: { body?: unknown; filter?: string }): APIGatewayProxyEventV2 => {
  const path = '/scim/v2/Users';
  const rawQueryString = init.filter ? `filter=${encodeURIComponent(init.filter)}` : '';
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString,
    ...(init.filter ? { queryStringParameters: { filter: init.filter } } : {}),
    headers: {
      authorization: `Bearer ${TOKEN}`,
      host: 'bench.local',
      ...(init.body === undefined ? {} : { 'content-type': 'application/scim+json' }),
    },
    requestContext: { requestId: randomUUID(), domainName: 'bench.local', stage: '$default', http: { method, path } },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
};

/** Calls the handler and fails the run on an unexpected answer (a refusal would time the error path). */
const call = async (handler: Handler, event: APIGatewayProxyEventV2, status: number, needle: string): Promise<void> => {
  const response = await handler(
    event,
    benchLambdaContext('scimApi', topology.functions.scimApi?.timeoutSeconds ?? 29),
  );
  if (response.statusCode !== status || !String(response.body).includes(needle)) {
    throw new Error(`scimApi answered ${response.statusCode}: ${String(response.body).slice(0, 300)}`);
  }
};

/** Seeds users `from` to `to` (user item and userName lock), 25 items a call, several calls at once. */
const seed = async (client: DynamoDBDocumentClient, run: string, from: number, to: number): Promise<void> => {
  const table = tableName('users');
  const items = Array.from({ length: to - from }, (_, i) => {
    const n = from + i;
    const userName = seededName(run, n);
    const id = `seed-${run}-${n}`;
    return [aUserItem(id, userName), { ...keys.userNameLock(userName), user_id: id, user_name: userName }];
  }).flat();
  const batches = Array.from({ length: Math.ceil(items.length / 25) }, (_, b) => items.slice(b * 25, b * 25 + 25));
  await runBurst(
    batches.map((batch) => async () => {
      let pending: Record<string, unknown>[] = batch.map((Item) => ({ PutRequest: { Item } }));
      while (pending.length > 0) {
        const out = await client.send(new BatchWriteCommand({ RequestItems: { [table]: pending as never } }));
        pending = (out.UnprocessedItems?.[table] ?? []) as Record<string, unknown>[];
      }
    }),
    8,
  );
};

const seededName = (run: string, n: number): string => `seed.${run}.${n}@bench.example.com`;

/** Rates of every side at one size: the median of ROUNDS bursts each, with every latency. */
const measure = async (
  bursts: (round: number) => Record<Side, (() => Promise<unknown>)[]>,
): Promise<{ rates: Record<Side, number>; latencies: Record<Side, number[]> }> => {
  const sides: Side[] = ['scim', 'bare', 'floor'];
  const rates: Record<Side, number[]> = { scim: [], bare: [], floor: [] };
  const latencies: Record<Side, number[]> = { scim: [], bare: [], floor: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const calls = bursts(round);
    for (let turn = 0; turn < sides.length; turn++) {
      const side = sides[(round + turn) % sides.length] as Side;
      const burst = await runBurst(calls[side], CONCURRENCY);
      rates[side].push(burst.perSecond);
      latencies[side].push(...burst.latenciesMs);
    }
  }
  return { rates: { scim: median(rates.scim), bare: median(rates.bare), floor: median(rates.floor) }, latencies };
};

type Kind = 'create' | 'filter';

const labels: Record<
  Kind,
  { scim: string; bare: string; floor: string; target: number; scimNote: string; bareNote: string; floorNote: string }
> = {
  create: {
    scim: 'POST /scim/v2/Users',
    bare: 'bare PutItem, user item',
    target: 0.4,
    scimNote:
      'bearer check, SCIM schema, field ownership, conditional PutItem of the userName lock, then of the user (externalId and work email indexed on it)',
    bareNote: 'one PutItem of a user item of the same shape, new key',
    floor: 'bare conditional PutItem x2 (lock, then user)',
    floorNote: 'the two dependent writes a create makes: the store alone, no handler',
  },
  filter: {
    scim: 'GET /scim/v2/Users?filter=userName eq',
    bare: 'bare GetItem, user item',
    target: 0.5,
    scimNote: 'bearer check, filter parse and plan, GetItem of the userName lock, GetItem of the user, ListResponse',
    bareNote: 'one consistent GetItem of a stored user item',
    floor: 'bare GetItem x2 (lock, then user)',
    floorNote: 'the two dependent reads a userName filter needs: the store alone, no handler',
  },
};

const runScimSuite = async (kind: Kind, context: BenchContext): Promise<BenchRow[]> => {
  const restoreEnvironment = setEnvironment({ SCIM_TOKEN: TOKEN });
  const bare = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  try {
    const { handler } = (await import('../../functions/users/scim-api/handler.js')) as { handler: Handler };
    const run = randomBytes(3).toString('hex');
    const table = tableName('users');
    const label = labels[kind];
    const rows: BenchRow[] = [];
    const results: { size: number; rates: Record<Side, number>; latencies: Record<Side, number[]> }[] = [];
    let seeded = 0;
    for (const size of SIZES) {
      const started = performance.now();
      await seed(bare, run, seeded, size);
      seeded = size;
      context.log(`scim-${kind}: ${size} users stored (${Math.round(performance.now() - started)} ms)`);
      const pick = (round: number, i: number) => (i * 7919 + round * 104_729) % size;
      const bursts = (round: number): Record<Side, (() => Promise<unknown>)[]> => {
        const tag = `${size}-r${round}`;
        if (kind === 'create') {
          return {
            scim: Array.from({ length: CALLS }, (_, i) => {
              const event = anEvent('POST', { body: aScimUser(`new.${run}.${tag}.${i}@bench.example.com`) });
              return () => call(handler, event, 201, '"id"');
            }),
            bare: Array.from({ length: CALLS }, (_, i) => {
              const put = new PutCommand({
                TableName: table,
                Item: aUserItem(`bare-${run}-${tag}-${i}`, `bare.${run}.${tag}.${i}@bench.example.com`),
              });
              return () => bare.send(put);
            }),
            floor: Array.from({ length: CALLS }, (_, i) => {
              const id = `floor-${run}-${tag}-${i}`;
              const userName = `floor.${run}.${tag}.${i}@bench.example.com`;
              const lock = new PutCommand({
                TableName: table,
                Item: { ...keys.userNameLock(userName), user_id: id, user_name: userName, locked_at: 'now' },
                ConditionExpression: 'attribute_not_exists(pk)',
              });
              const user = new PutCommand({
                TableName: table,
                Item: aUserItem(id, userName),
                ConditionExpression: 'attribute_not_exists(pk)',
              });
              return async () => {
                await bare.send(lock);
                await bare.send(user);
              };
            }),
          };
        }
        return {
          scim: Array.from({ length: CALLS }, (_, i) => {
            const event = anEvent('GET', { filter: `userName eq "${seededName(run, pick(round, i))}"` });
            return () => call(handler, event, 200, '"totalResults":1');
          }),
          bare: Array.from({ length: CALLS }, (_, i) => {
            const get = new GetCommand({
              TableName: table,
              Key: keys.user(`seed-${run}-${pick(round, i)}`),
              ConsistentRead: true,
            });
            return () => bare.send(get);
          }),
          floor: Array.from({ length: CALLS }, (_, i) => {
            const userName = seededName(run, pick(round, i));
            return async () => {
              const lock = await bare.send(
                new GetCommand({ TableName: table, Key: keys.userNameLock(userName), ConsistentRead: true }),
              );
              await bare.send(
                new GetCommand({ TableName: table, Key: keys.user(String(lock.Item?.user_id)), ConsistentRead: true }),
              );
            };
          }),
        };
      };
      // Warm-up: module init, connections, the first transactions.
      const warm = bursts(99);
      await runBurst(
        [...warm.scim.slice(0, 100), ...warm.bare.slice(0, 100), ...warm.floor.slice(0, 100)],
        CONCURRENCY,
      );
      const measured = await measure(bursts);
      results.push({ size, ...measured });
      context.log(
        `scim-${kind}: ${size} users: scim ${Math.round(measured.rates.scim)}/s, bare ${Math.round(measured.rates.bare)}/s, floor ${Math.round(measured.rates.floor)}/s`,
      );
    }
    const largest = results[results.length - 1];
    const smallest = results[0];
    if (!largest || !smallest) throw new Error('no size measured');
    rows.push({
      name: `${label.bare}, ${largest.size.toLocaleString('en')} users`,
      value: largest.rates.bare,
      unit: 'req/s',
      baseline: true,
      note: label.bareNote,
    });
    for (const result of [...results].reverse()) {
      const ratio = result.rates.scim / result.rates.bare;
      rows.push({
        name: `${label.scim}, ${result.size.toLocaleString('en')} users`,
        value: result.rates.scim,
        unit: 'req/s',
        ...(result === largest ? { compare: true, ratioTarget: { min: label.target } } : {}),
        note: `${label.scimNote}; ${ratio.toFixed(2)}x the bare call at this size`,
      });
      if (result !== largest) {
        rows.push({
          name: `${label.bare}, ${result.size.toLocaleString('en')} users`,
          value: result.rates.bare,
          unit: 'req/s',
          note: label.bareNote,
        });
      }
      rows.push({
        name: `${label.floor}, ${result.size.toLocaleString('en')} users`,
        value: result.rates.floor,
        unit: 'req/s',
        compare: true,
        note: `${label.floorNote}; the handler reaches ${(result.rates.scim / result.rates.floor).toFixed(2)}x of it`,
      });
      rows.push(
        {
          name: `scim p50, ${result.size.toLocaleString('en')} users`,
          value: percentile(result.latencies.scim, 50),
          unit: 'ms',
        },
        {
          name: `scim p99, ${result.size.toLocaleString('en')} users`,
          value: percentile(result.latencies.scim, 99),
          unit: 'ms',
        },
      );
    }
    // Each side's own rate at the larger size over the smaller: about 1 when the cost does not grow with the
    // number of users. Per side rather than as a ratio of ratios: a bare call's drift between sizes would
    // otherwise read as the handler's.
    for (const side of ['scim', 'floor', 'bare'] as const) {
      const name = side === 'scim' ? label.scim : side === 'floor' ? label.floor : label.bare;
      rows.push({
        name: `${name}: rate at ${largest.size.toLocaleString('en')} / at ${smallest.size.toLocaleString('en')} users`,
        value: largest.rates[side] / smallest.rates[side],
        unit: 'x',
        ...(side === 'scim' ? { target: { min: 0.8 } } : {}),
        note: 'about 1 when the cost does not grow with the number of users',
      });
    }
    return rows;
  } finally {
    bare.destroy();
    restoreEnvironment();
  }
};

const scimCreateSuite: BenchSuite = {
  name: 'scim-create',
  description: `SCIM POST /Users per second with ${SIZES.join(' and ')} users stored, bursts of ${CALLS}, ${CONCURRENCY} at a time, median of ${ROUNDS} rounds, beside a bare PutItem (DynamoDB Local)`,
  needs: ['dynamodb'],
  run: (context) => runScimSuite('create', context),
};

const scimFilterSuite: BenchSuite = {
  name: 'scim-filter',
  description: `SCIM GET /Users?filter=userName eq per second with ${SIZES.join(' and ')} users stored, bursts of ${CALLS}, ${CONCURRENCY} at a time, median of ${ROUNDS} rounds, beside a bare GetItem (DynamoDB Local)`,
  needs: ['dynamodb'],
  run: (context) => runScimSuite('filter', context),
};

export { scimCreateSuite, scimFilterSuite };
