import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { topology } from '../../lib/topology.js';
import { localIdFor, recordKey, type StoredRecord } from '../../functions/kernel/records/record.js';
import { dynamo } from '../../functions/kernel/aws/dynamo-client.js';
import { tableName } from '../../functions/kernel/aws/resource-names.js';
import { decodeSyncEvent, putSyncLogItem, syncLogItem } from '../../functions/kernel/sync-log/sync-events.js';
import { setEnvironment } from '../environment.js';
import { runBurst } from '../load.js';
import { median, percentile } from '../statistics.js';
import type { BenchRow, BenchSuite } from '../suite.js';
import { aSignedWebhookEvent, benchLambdaContext } from '../webhook-events.js';
import { type ConsumedWrites, meterWriteCapacity } from '../write-capacity.js';

/**
 * Inbound CRM webhooks through the whole `crm-inbound` handler (middy,
 * Standard Webhooks verification, JSON, zod, mapping, record lookup,
 * conditional write) against DynamoDB Local, next to bare PutItem calls of
 * the record the handler stores, on the same engine in the same run.
 * Issue 3's budget: at least half the bare rate, at most 3 WCU per change.
 *
 * Creates and updates take different paths (a create looks in the match
 * index for a record to link, then puts on condition; an update of a record
 * the CRM created is one conditional write), so each is its own burst of
 * CHANGES webhooks, CONCURRENCY in flight, and its own ratio: a blend would
 * hang on the mix chosen. Updates target the contacts the warm-up created,
 * one update each per round, with a later timestamp and other values each
 * round, so every update is applied (never judged stale or an echo). Events
 * are built and signed before each burst and not timed; verifying the
 * signature is timed, as it is part of the handler.
 *
 * The sync event rides on the record write and reaches the sync log through
 * the records stream (syncLogWriter), which is not running here: on AWS it
 * is a separate invocation, off the webhook's path. Its write is metered
 * apart and counted in the WCU per change.
 *
 * The baseline puts the very item the handler stored (read back after the
 * warm-up), under a new key per call, so both sides pay for the same item
 * size and the same index entries (none: a contact the CRM created is found
 * by its derived id, so it is in no index).
 *
 * DynamoDB Local on a shared machine drifts from burst to burst: sides take
 * turns in a rotating order within each round, and each rate is the median
 * of ROUNDS bursts of CHANGES calls.
 */
const CHANGES = 1000;
/** The warm-up creates the contacts the updates target, one per update of a round. */
const WARM_UP = CHANGES;
const CONCURRENCY = 16;
const ROUNDS = 5;
/** Changes sent one at a time to meter their writes. */
const METERED = 20;
const MIN_RATIO = 0.5;
const MAX_WCU = 3;
const PATH = '/webhooks/crm';
const SECRET = `whsec_${Buffer.from('crm-inbound-bench-secret-32-byte').toString('base64')}`;

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** A CRM contact as the CRM sends it: every mapped field, `account.name` nested. */
const crmContact = (id: string, variant: number) => ({
  firstName: 'Ana',
  lastName: `Lima ${id}`,
  email: `${id}@example.com`,
  phone: `+351 21 000 ${String(variant).padStart(4, '0')}`,
  account: { name: 'Acme Ibérica' },
  title: variant === 0 ? 'Buyer' : `Head of purchasing ${variant}`,
  leadSource: 'web',
  status: 'active',
});

/** A signed `created` or `updated` webhook for one CRM contact. */
const aChange = (event: 'created' | 'updated', id: string, at: Date, variant = 0): APIGatewayProxyEventV2 =>
  aSignedWebhookEvent({
    path: PATH,
    secret: SECRET,
    body: JSON.stringify({ event, type: 'contact', id, data: crmContact(id, variant), timestamp: at.toISOString() }),
  });

/** Calls the handler and fails the run unless the change was applied (a refusal would time the error path). */
const deliver = async (handler: Handler, event: APIGatewayProxyEventV2): Promise<void> => {
  const response = await handler(
    event,
    benchLambdaContext('crmInbound', topology.functions.crmInbound?.timeoutSeconds ?? 10),
  );
  if (response.statusCode !== 200 || !String(response.body).includes('"status":"synced"')) {
    throw new Error(`crm-inbound answered ${response.statusCode}: ${response.body}`);
  }
};

/** The bare write: the item the handler stored (index keys and all, if it has any), under a key of its own. */
const aBarePut = (template: StoredRecord, id: string): PutCommand =>
  new PutCommand({
    TableName: tableName('records'),
    Item: {
      ...template,
      pk: recordKey('contact', id),
      record_id: id,
      data: { ...template.data, email: `${id}@example.com` },
      external_id: id,
    },
  });

const latencyRows = (side: string, values: readonly number[]): BenchRow[] => [
  { name: `${side} p50`, value: percentile(values, 50), unit: 'ms' },
  { name: `${side} p99`, value: percentile(values, 99), unit: 'ms' },
];

/** What the units were made of, per change, and whether DynamoDB Local's count can be trusted. */
const wcuNote = (consumed: ConsumedWrites, count: number): string => {
  const writes = Object.entries(consumed.byOperation)
    .map(([operation, n]) => `${(n / count).toFixed(1)} ${operation}`)
    .join(' + ');
  const trust =
    consumed.multiItem === 0
      ? "single-item writes only, so DynamoDB Local's under-counting of multi-item transactions does not apply"
      : `${consumed.multiItem} multi-item writes: cross-check with AWS's rule (2 WCU per KB per item)`;
  return `${writes} per change; ${trust}`;
};

/** Sends `count` changes one at a time with a meter on the handlers' client. */
const meteredChanges = async (handler: Handler, events: readonly APIGatewayProxyEventV2[]): Promise<ConsumedWrites> => {
  const meter = meterWriteCapacity(dynamo());
  try {
    for (const event of events) await deliver(handler, event);
    return meter.take();
  } finally {
    meter.remove();
  }
};

const crmInboundSuite: BenchSuite = {
  name: 'crm-inbound',
  description: `Inbound CRM webhooks/s, bursts of ${CHANGES} creates and of ${CHANGES} updates, ${CONCURRENCY} at a time, median of ${ROUNDS} rounds (DynamoDB Local)`,
  needs: ['dynamodb'],
  run: async (context) => {
    const restoreEnvironment = setEnvironment({ CRM_WEBHOOK_SECRET: SECRET });
    // Its own client, found through the same environment as the handler's, so the baseline is never metered.
    const bare = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    try {
      const { handler } = (await import('../../functions/crm/inbound/handler.js')) as { handler: Handler };
      const run = randomBytes(3).toString('hex');
      const start = Date.now();
      const seedId = (k: number) => `${run}-seed-${k}`;

      // Warm-up, which also creates the contacts the updates target.
      const seeds = Array.from({ length: WARM_UP }, (_, k) => aChange('created', seedId(k), new Date(start)));
      await runBurst(
        seeds.map((event) => () => deliver(handler, event)),
        CONCURRENCY,
      );
      const stored = await bare.send(
        new GetCommand({
          TableName: tableName('records'),
          Key: { pk: recordKey('contact', localIdFor('crm', seedId(0))) },
          ConsistentRead: true,
        }),
      );
      const template = stored.Item as StoredRecord | undefined;
      if (!template) throw new Error('the warm-up did not store its contacts');
      const bareCalls = (label: string, count = CHANGES) =>
        Array.from({ length: count }, (_, i) => {
          const put = aBarePut(template, `bare-${run}-${label}-${i}`);
          return () => bare.send(put);
        });
      await runBurst(bareCalls('warm-up', WARM_UP), CONCURRENCY);

      const sides = ['creates', 'updates', 'bare'] as const;
      const rates = { creates: [] as number[], updates: [] as number[], bare: [] as number[] };
      const latencies = { creates: [] as number[], updates: [] as number[], bare: [] as number[] };
      for (let round = 0; round < ROUNDS; round++) {
        // Signed now, outside the timed bursts, and well inside the 5-minute window.
        const updatedAt = new Date(start + (round + 1) * 1_000);
        const calls = {
          creates: Array.from({ length: CHANGES }, (_, i) =>
            aChange('created', `${run}-r${round}-${i}`, new Date(start)),
          ),
          updates: Array.from({ length: CHANGES }, (_, i) => aChange('updated', seedId(i), updatedAt, round + 1)),
        };
        const bursts = {
          creates: calls.creates.map((event) => () => deliver(handler, event)),
          updates: calls.updates.map((event) => () => deliver(handler, event)),
          bare: bareCalls(`r${round}`),
        };
        // Taking turns in a rotating order, so drift of a shared machine hits every side alike.
        for (let turn = 0; turn < sides.length; turn++) {
          const side = sides[(round + turn) % sides.length] as (typeof sides)[number];
          const burst = await runBurst(bursts[side], CONCURRENCY);
          rates[side].push(burst.perSecond);
          latencies[side].push(...burst.latenciesMs);
        }
        context.log(
          `crm-inbound: round ${round + 1}/${ROUNDS}: ${sides.map((side) => `${side} ${Math.round(rates[side][round] ?? 0)}`).join(', ')}`,
        );
      }

      // Write capacity, one change at a time so nothing else is in flight.
      const meteredIds = Array.from({ length: METERED }, (_, i) => `${run}-wcu-${i}`);
      const created = await meteredChanges(
        handler,
        meteredIds.map((id) => aChange('created', id, new Date(start))),
      );
      const updated = await meteredChanges(
        handler,
        meteredIds.map((id) => aChange('updated', id, new Date(start + 1_000), 1)),
      );
      // The sync log write syncLogWriter makes for each of those changes, from the event the record carries.
      const logMeter = meterWriteCapacity(dynamo());
      for (const id of meteredIds) {
        const recordId = localIdFor('crm', id);
        const out = await bare.send(
          new GetCommand({
            TableName: tableName('records'),
            Key: { pk: recordKey('contact', recordId) },
            ConsistentRead: true,
          }),
        );
        const event = (out.Item as StoredRecord | undefined)?.sync_event;
        if (!event) throw new Error(`${recordId} carries no sync event`);
        await putSyncLogItem(syncLogItem('contact', recordId, decodeSyncEvent(event)));
      }
      const logged = logMeter.take();
      logMeter.remove();
      const bareMeter = meterWriteCapacity(bare);
      const bareConsumed = await bare.send(aBarePut(template, `bare-${run}-wcu`)).then(() => bareMeter.take());
      bareMeter.remove();

      return [
        {
          name: 'bare PutItem, stored contact',
          value: median(rates.bare),
          unit: 'req/s',
          baseline: true,
          note: 'one PutItem of the item the handler stores (same size, same index entries)',
        },
        {
          name: 'POST /webhooks/crm, created',
          value: median(rates.creates),
          unit: 'req/s',
          compare: true,
          ratioTarget: { min: MIN_RATIO },
          note: 'new CRM ids: match-index query, put on condition the derived key is free (event carried on the item)',
        },
        {
          name: 'POST /webhooks/crm, updated',
          value: median(rates.updates),
          unit: 'req/s',
          compare: true,
          ratioTarget: { min: MIN_RATIO },
          note: 'known CRM ids: one conditional update, no read before it (event carried on the item)',
        },
        ...latencyRows('created latency', latencies.creates),
        ...latencyRows('updated latency', latencies.updates),
        ...latencyRows('bare PutItem latency', latencies.bare),
        {
          name: 'WCU per created change',
          value: (created.units + logged.units) / METERED,
          unit: 'WCU',
          target: { max: MAX_WCU },
          note: `handler: ${wcuNote(created, METERED)}; + ${(logged.units / METERED).toFixed(1)} sync log PutItem by syncLogWriter`,
        },
        {
          name: 'WCU per updated change',
          value: (updated.units + logged.units) / METERED,
          unit: 'WCU',
          target: { max: MAX_WCU },
          note: `handler: ${wcuNote(updated, METERED)}; + ${(logged.units / METERED).toFixed(1)} sync log PutItem by syncLogWriter`,
        },
        {
          name: 'WCU of the bare PutItem',
          value: bareConsumed.units,
          unit: 'WCU',
          note: 'the records item, 1 per KB, + 1 per index entry (a contact from the CRM has none)',
        },
      ] satisfies BenchRow[];
    } finally {
      bare.destroy();
      restoreEnvironment();
    }
  },
};

export { crmInboundSuite };
