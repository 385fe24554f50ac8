import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signStandardWebhook } from '../../functions/kernel/signatures/standard-webhooks.js';
import { TEST_ADMIN_TOKEN, TEST_CRM_SECRET, TEST_INVENTORY_SECRET } from '../helpers/http-client.js';
import { webhookEnv } from '../helpers/stack-env.js';
import { type TestStack, startTestStack } from '../helpers/test-stack.js';

/**
 * Property-based fuzzing of every public route and every admin route that
 * writes, through the offline gateway on DynamoDB Local (loopback only).
 * Each run sends a valid body, mutated (deep nesting, huge and tiny
 * numbers, long strings, unicode and lone surrogates, `__proto__` and
 * empty keys, wrong types, missing fields, future dates, arrays for
 * objects, duplicate keys, or no JSON at all), signed over the mutated
 * bytes so it reaches the handler, or unsigned, or tampered. Every answer
 * must be below 500, carry no stack trace or file path, and when it is a
 * refusal, the tables a request writes must be exactly as before.
 *
 * Runs are fixed per route (`RUNS`) so the file stays within ~40 s on two
 * cores; the counts and the status classes seen are logged at the end.
 */
let stack: TestStack;

const RUNS = {
  crm: 100,
  inventory: 80,
  records: 60,
  settings: 40,
  resolve: 40,
  redrive: 30,
  scheduleRun: 20,
  health: 15,
} as const;

/** Status classes seen per route, for the closing log. */
const seen: Record<string, Record<string, number>> = {};

/** Bodies are written as text: `rawNumber()` placeholders become number literals a double cannot hold. */
const RAW = '\u0001RAW:';
const rawNumber = (text: string): string => `${RAW}${text}\u0001`;
const textOf = (body: unknown): string => JSON.stringify(body)?.replace(/"\\u0001RAW:([^"\\]*)\\u0001"/g, '$1') ?? '';

/** `{a: {a: ... leaf}}`, `levels` deep. */
const nested = (levels: number): unknown => {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? { a: value } : [value];
  return value;
};

/** Values that go wrong in storage or validation. */
const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc
    .constantFrom(
      '12345678901234567890123',
      '9007199254740993',
      '-9007199254740993',
      '1e300',
      '1e400',
      '1e126',
      '123456789012345678901234567890123456789',
      '1.00000000000000000001',
      '1e-200',
      '-1e-131',
      '4.9e-324',
    )
    .map(rawNumber),
  fc.double(),
  fc.integer({ min: 20, max: 60 }).map(nested),
  fc.integer({ min: 1_000, max: 200_000 }).map((n) => 'x'.repeat(n)),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('\uD800', 'a\uDFFFb', '\uDBFF\uDBFF', 'ok\u0000'),
  fc.constantFrom('__proto__', 'constructor', 'prototype', '').map((key) => ({ [key]: { polluted: true } })),
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.constantFrom(
    '9999-12-31T23:59:59Z',
    new Date(Date.now() + 3_600_000).toISOString(),
    '2026-02-30T00:00:00Z',
    'soon',
  ),
  fc.constant(undefined),
);

/** Sets (or with `undefined`, removes) the value at `path`, creating objects on the way. */
const setAt = (body: unknown, path: readonly string[], value: unknown): unknown => {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string, ...string[]];
  const base = typeof body === 'object' && body !== null && !Array.isArray(body) ? { ...body } : {};
  const next = setAt((base as Record<string, unknown>)[head], rest, value);
  if (next === undefined) delete (base as Record<string, unknown>)[head];
  else Object.defineProperty(base, head, { value: next, enumerable: true, writable: true, configurable: true });
  return base;
};

/** A body as sent: its text, after a mutation of the value or of the text itself. */
const mutatedText = (valid: fc.Arbitrary<unknown>, paths: readonly (readonly string[])[]): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 2, arbitrary: valid.map(textOf) },
    {
      weight: 6,
      // One to three mutations at once: a refusal must hold whatever else the body carries.
      arbitrary: fc
        .tuple(valid, fc.array(fc.tuple(fc.constantFrom(...paths), nastyValue), { minLength: 1, maxLength: 3 }))
        .map(([body, mutations]) => textOf(mutations.reduce((at, [path, value]) => setAt(at, path, value), body))),
    },
    {
      weight: 1,
      // Duplicate keys: JSON.parse keeps the last, so the signed text says two things.
      arbitrary: fc
        .tuple(valid, fc.constantFrom(...paths), fc.jsonValue({ maxDepth: 1 }))
        .map(([body, path, value]) =>
          textOf(body).replace(/^\{/, `{${JSON.stringify(path[0] ?? 'x')}:${JSON.stringify(value)},`),
        ),
    },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.jsonValue({ maxDepth: 4 }).map(textOf),
        fc.string({ maxLength: 200 }),
        fc.constantFrom('', '{', '[]', 'null', '{"a":1}{', `${'['.repeat(5_000)}${']'.repeat(5_000)}`),
      ),
    },
  );

/** How a webhook request is authenticated. */
const webhookAuth = fc.constantFrom('signed', 'signed', 'signed', 'signed', 'unsigned', 'tampered', 'stale', 'long-id');

const webhookHeaders = (secret: string, body: string, auth: string): Record<string, string> => {
  if (auth === 'unsigned') return { 'content-type': 'application/json' };
  const id = auth === 'long-id' ? `msg_${'x'.repeat(400)}` : `msg_${randomUUID()}`;
  const timestamp = auth === 'stale' ? new Date(Date.now() - 3_600_000) : new Date();
  const signed = signStandardWebhook({ secret, id, timestamp, body: auth === 'tampered' ? `${body} ` : body });
  return { 'content-type': 'application/json', ...signed };
};

const adminAuth = fc.constantFrom('token', 'token', 'token', 'token', 'none', 'wrong');
const adminHeaders = (auth: string): Record<string, string> => ({
  'content-type': 'application/json',
  ...(auth === 'none' ? {} : { authorization: `Bearer ${auth === 'token' ? TEST_ADMIN_TOKEN : 'not-the-token'}` }),
});

/**
 * What the requests can write, read back: every item of the tables the
 * routes write synchronously, as key and version stamps. The dispatcher's
 * own bookkeeping (delivery and failure counts, parked dead letters) is
 * left out: it moves in the background after an accepted request. So are
 * the inventory ledger's transactions (`TX#`): the stream consumer writes
 * them after an accepted adjustment, at a moment of its own.
 */
const snapshot = async (): Promise<string> => {
  const parts = await Promise.all(
    ['records', 'conflicts', 'inventory', 'idempotency', 'control'].map(async (table) => {
      const name = stack.resources.tables[table]?.physicalName;
      if (!name) return '';
      const items: string[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await stack.dynamodb.send(new ScanCommand({ TableName: name, ExclusiveStartKey: start }));
        for (const item of page.Items ?? []) {
          const pk = String(item.pk);
          if (pk.startsWith('DELIVERED#') || pk.startsWith('OUTBOUND_FAILURES#')) continue;
          if (table === 'inventory' && String(item.sk).startsWith('TX#')) continue;
          if (table === 'control' && !pk.startsWith('SETTINGS')) continue;
          items.push(`${pk}|${item.sk ?? ''}|${item.version ?? ''}|${item.updated_at ?? ''}|${item.status ?? ''}`);
        }
        start = page.LastEvaluatedKey;
      } while (start);
      return `${table}:${items.sort().join(',')}`;
    }),
  );
  return parts.join('\n');
};

/** A stack trace or a path of ours in an answer. */
const LEAK = /\n\s+at |\bat [\w.<>]+ \(|\.(ts|js|mjs):\d+|\/work\/|node_modules|file:\/\//;

/**
 * Sends one request and checks the answer; `before` is the snapshot the
 * tables must still match after a refusal. Returns the snapshot to compare
 * the next run with.
 */
const check = async (route: string, path: string, init: RequestInit, before: string): Promise<string> => {
  const response = await fetch(`${stack.url}${path}`, init);
  const text = await response.text();
  const kind = `${Math.floor(response.status / 100)}xx`;
  seen[route] ??= {};
  (seen[route] as Record<string, number>)[kind] = ((seen[route] as Record<string, number>)[kind] ?? 0) + 1;
  expect(response.status, `${route} answered ${response.status}: ${text.slice(0, 300)}`).toBeLessThan(500);
  expect(text, `${route} leaked a trace`).not.toMatch(LEAK);
  const after = await snapshot();
  if (response.status >= 400) expect(after, `${route} ${response.status} wrote: ${text.slice(0, 200)}`).toBe(before);
  return after;
};

const crmValid = fc.record({
  event: fc.constantFrom('created', 'updated', 'deleted'),
  type: fc.constantFrom('contact', 'account', 'account', 'opportunity'),
  id: fc.uuid().map((u) => `F${u.slice(0, 12)}`),
  timestamp: fc
    .date({ min: new Date('2025-01-01'), max: new Date(Date.now() - 60_000), noInvalidDate: true })
    .map((d) => d.toISOString()),
  data: fc.record({
    firstName: fc.string({ maxLength: 10 }),
    email: fc.emailAddress(),
    name: fc.string({ maxLength: 10 }),
    annualRevenue: fc.integer({ min: 0, max: 1e9 }),
    probability: fc.integer({ min: 0, max: 100 }),
    billingAddress: fc.record({ city: fc.string({ maxLength: 10 }) }),
  }),
});
/** The fields each type maps are where a value reaches the store: listed more than once to be mutated more often. */
const crmPaths = [
  [],
  ['event'],
  ['type'],
  ['id'],
  ['timestamp'],
  ['timestamp'],
  ['data'],
  ['data', 'firstName'],
  ['data', 'email'],
  ['data', 'annualRevenue'],
  ['data', 'annualRevenue'],
  ['data', 'numberOfEmployees'],
  ['data', 'probability'],
  ['data', 'amount'],
  ['data', 'billingAddress'],
  ['data', 'billingAddress'],
  ['data', 'billingAddress', 'street'],
  ['data', 'billingAddress', 'street'],
  ['data', 'extra'],
] as const;

const inventoryValid = fc.record({
  source: fc.constantFrom('erp', 'ecommerce', 'pos', 'wms'),
  sku: fc.constantFrom('FUZZ-1', 'FUZZ-2', 'FUZZ-3'),
  warehouse: fc.constantFrom('WH-1', 'WH-2'),
  type: fc.constantFrom('receipt', 'shipment', 'count', 'transfer_in'),
  quantity: fc.integer({ min: 0, max: 50 }),
  reason: fc.string({ maxLength: 20 }),
});
const inventoryPaths = [
  [],
  ['source'],
  ['sku'],
  ['warehouse'],
  ['type'],
  ['quantity'],
  ['reason'],
  ['reference'],
  ['extra'],
] as const;

const recordValid = fc.record({
  name: fc.string({ minLength: 1, maxLength: 20 }),
  reorder_point: fc.nat(),
  reorder_quantity: fc.nat(),
});
const recordPaths = [[], ['name'], ['reorder_point'], ['reorder_quantity'], ['nested', 'deeper'], ['extra']] as const;

const settingsValid = fc.record({ error_threshold_per_hour: fc.integer({ min: 1, max: 100 }) });
const settingsPaths = [
  [],
  ['error_threshold_per_hour'],
  ['recipients'],
  ['recipients', 'ops'],
  ['max_sync_lag_minutes'],
  ['max_sync_lag_minutes', 'crm'],
  ['extra'],
] as const;

const resolveValid = fc.oneof(
  fc.record({ winner: fc.constantFrom('local', 'remote') }),
  fc.record({ fields: fc.dictionary(fc.constantFrom('email', 'phone'), fc.constantFrom('local', 'remote')) }),
);
const resolvePaths = [
  [],
  ['winner'],
  ['fields'],
  ['fields', 'email'],
  ['fields', 'email', 'value'],
  ['record_version'],
] as const;

const redriveValid = fc.oneof(
  fc.record({ integration: fc.constantFrom('crm', 'erp', 'slack') }),
  fc.record({ message_ids: fc.array(fc.string({ minLength: 1, maxLength: 20 }), { minLength: 1, maxLength: 3 }) }),
  fc.record({ queue: fc.constantFrom('outbound', 'streamFailures'), before: fc.constant('2026-01-01T00:00:00Z') }),
);
const redrivePaths = [[], ['integration'], ['message_ids'], ['message_ids', '0'], ['queue'], ['before']] as const;

beforeAll(async () => {
  stack = await startTestStack({ env: webhookEnv() });
});

afterAll(async () => {
  // The counts the closing note of "Nothing lost" quotes.
  for (const [route, kinds] of Object.entries(seen)) console.info(`fuzz ${route}: ${JSON.stringify(kinds)}`);
  await stack?.stop();
});

describe('fuzzing the routes that write: no 5xx, no trace, no write from a refusal', () => {
  it(`POST /webhooks/crm (${RUNS.crm} runs)`, { timeout: 120_000 }, async () => {
    let before = await snapshot();
    await fc.assert(
      fc.asyncProperty(mutatedText(crmValid, crmPaths), webhookAuth, async (body, auth) => {
        before = await check(
          'POST /webhooks/crm',
          '/webhooks/crm',
          {
            method: 'POST',
            headers: webhookHeaders(TEST_CRM_SECRET, body, auth),
            body,
          },
          before,
        );
      }),
      { numRuns: RUNS.crm },
    );
  });

  it(`POST /webhooks/inventory (${RUNS.inventory} runs)`, { timeout: 120_000 }, async () => {
    let before = await snapshot();
    await fc.assert(
      fc.asyncProperty(mutatedText(inventoryValid, inventoryPaths), webhookAuth, async (body, auth) => {
        before = await check(
          'POST /webhooks/inventory',
          '/webhooks/inventory',
          {
            method: 'POST',
            headers: webhookHeaders(TEST_INVENTORY_SECRET, body, auth),
            body,
          },
          before,
        );
      }),
      { numRuns: RUNS.inventory },
    );
  });

  it(`PUT /admin/records/{type}/{id} (${RUNS.records} runs)`, { timeout: 120_000 }, async () => {
    let before = await snapshot();
    await fc.assert(
      fc.asyncProperty(
        mutatedText(recordValid, recordPaths),
        adminAuth,
        fc.constantFrom('n-1', 'n-2', `n-${randomUUID().slice(0, 6)}`),
        async (body, auth, id) => {
          // A type no tool pushes (a product), so an accepted write moves nothing in the background.
          before = await check(
            'PUT /admin/records/{type}/{id}',
            `/admin/records/product/${id}`,
            {
              method: 'PUT',
              headers: adminHeaders(auth),
              body,
            },
            before,
          );
        },
      ),
      { numRuns: RUNS.records },
    );
  });

  it(`PUT /admin/settings (${RUNS.settings} runs)`, { timeout: 120_000 }, async () => {
    let before = await snapshot();
    await fc.assert(
      fc.asyncProperty(mutatedText(settingsValid, settingsPaths), adminAuth, async (body, auth) => {
        before = await check(
          'PUT /admin/settings',
          '/admin/settings',
          { method: 'PUT', headers: adminHeaders(auth), body },
          before,
        );
      }),
      { numRuns: RUNS.settings },
    );
  });

  it(`POST /admin/conflicts/{id}/resolve (${RUNS.resolve} runs)`, { timeout: 120_000 }, async () => {
    let before = await snapshot();
    await fc.assert(
      fc.asyncProperty(mutatedText(resolveValid, resolvePaths), adminAuth, async (body, auth) => {
        before = await check(
          'POST /admin/conflicts/{id}/resolve',
          '/admin/conflicts/crm-none/resolve',
          {
            method: 'POST',
            headers: adminHeaders(auth),
            body,
          },
          before,
        );
      }),
      { numRuns: RUNS.resolve },
    );
  });

  it(`POST /admin/dlq/redrive (${RUNS.redrive} runs)`, { timeout: 120_000 }, async () => {
    let before = await snapshot();
    await fc.assert(
      fc.asyncProperty(mutatedText(redriveValid, redrivePaths), adminAuth, async (body, auth) => {
        before = await check(
          'POST /admin/dlq/redrive',
          '/admin/dlq/redrive',
          { method: 'POST', headers: adminHeaders(auth), body },
          before,
        );
      }),
      { numRuns: RUNS.redrive },
    );
  });

  it(`POST /admin/schedules/{name}/run (${RUNS.scheduleRun} runs)`, { timeout: 120_000 }, async () => {
    let before = await snapshot();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constant('conflict-resolver-nope'),
          fc.string({ unit: 'grapheme', maxLength: 80 }),
          fc.string({ unit: 'grapheme-ascii', minLength: 65, maxLength: 200 }),
        ),
        adminAuth,
        async (name, auth) => {
          before = await check(
            'POST /admin/schedules/{name}/run',
            `/admin/schedules/${encodeURIComponent(name)}/run`,
            { method: 'POST', headers: adminHeaders(auth), body: '' },
            before,
          );
        },
      ),
      { numRuns: RUNS.scheduleRun },
    );
  });

  it(`GET /health (${RUNS.health} runs)`, async () => {
    let before = await snapshot();
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.constantFrom('x-forwarded-proto', 'accept', 'x-anything', 'authorization'),
          fc.string({ unit: 'grapheme-ascii', maxLength: 50 }),
        ),
        async (headers) => {
          before = await check('GET /health', '/health', { headers }, before);
        },
      ),
      { numRuns: RUNS.health },
    );
  });
});
