import { topology } from '../lib/topology.js';
import type { LambdaUse, PathUsage, Quantity } from './cost.js';
import type { SuiteResult } from './report.js';

/**
 * What one change of each costed path uses, for `bench/cost.ts`: read from
 * the rows the suites of this run reported where a suite measures it (WCU
 * from the write-capacity meters, handler time from the timed bursts), and
 * counted from the code path where none does (the stream consumers, the
 * outbound queue and the dispatcher never run in the bench). A measured
 * quantity whose suite did not run in this run falls back to its counted
 * value, and the table then says `counted`.
 *
 * Counting rules (AWS's): a write is 1 WRU per KB (items here are under
 * 1 KB unless measured), plus 1 per index entry; an eventually consistent
 * read of up to 4 KB is 0.5 RRU, a consistent one 1; an SQS request is one
 * per API call of up to 10 messages and 64 KB; a Lambda event source
 * mapping on SQS receives a batch in one request and deletes it in one.
 */

/** The suites whose rows the cost table reads: `npm run bench -- cost` runs these. */
const COST_SUITES = ['crm-inbound', 'inventory-hot-sku', 'erp-orders', 'scim-create', 'bulk'] as const;

/** Stream consumers get batches of up to this many records (lib/topology-spec.ts streamConsumerDefaults). */
const STREAM_BATCH = 25;
/** The dispatcher's SQS batch size (functions/platform/topology.ts). */
const DISPATCH_BATCH = 5;
/** Producers send up to 10 messages in one SendMessageBatch (kernel/outbound/outbound-queue.ts). */
const SEND_BATCH = 10;
/** Assumed time of one outbound HTTP call as the dispatcher waits for it: billed, not measured here. */
const OUTBOUND_CALL_MS = 150;
const ESTIMATE = "the memory suite's estimate";
/**
 * A stream consumer's time for a full batch of 25: no cost suite runs the
 * consumers, so these are the "est. warm on Lambda" figures of the memory
 * suite (README, Memory: medians of three runs on 2026-12-04), taken at its
 * representative batch. usersFollowup's 2 ms there is a batch with little
 * to do: 60 ms assumed.
 */
const STREAM_BATCH_MS: Readonly<Record<string, { ms: number; what: string }>> = {
  syncLogWriter: { ms: 134, what: ESTIMATE },
  crmOutbound: { ms: 100, what: ESTIMATE },
  inventoryFanout: { ms: 274, what: ESTIMATE },
  erpFollowup: { ms: 128, what: ESTIMATE },
  usersFollowup: { ms: 60, what: 'assumed: the memory suite gave it little to do' },
};
/** In flight in the inventory suite's bursts: a handler's time is this many over the rate (Little's law). */
const INVENTORY_CONCURRENCY = 16;

const memoryOf = (name: string): number => {
  const spec = (topology.functions as Record<string, { memoryMb: number } | undefined>)[name];
  if (!spec) throw new Error(`no function ${name} in the topology`);
  return spec.memoryMb;
};

const rowValue = (results: readonly SuiteResult[], suite: string, name: string | RegExp): number | undefined => {
  const rows = results.find((result) => result.name === suite && !result.error && !result.skipped)?.rows ?? [];
  const row = rows.find((candidate) =>
    typeof name === 'string' ? candidate.name === name : name.test(candidate.name),
  );
  return row?.value !== undefined && Number.isFinite(row.value) ? row.value : undefined;
};

const meanOf = (values: readonly (number | undefined)[]): number | undefined =>
  values.some((value) => value === undefined)
    ? undefined
    : (values as number[]).reduce((total, value) => total + value, 0) / values.length;

/** A measured quantity, or its counted fallback when no suite of this run measured it. */
const measuredOr = (measured: number | undefined, counted: number, what: string): Quantity =>
  measured === undefined ? { value: counted, source: 'counted', what } : { value: measured, source: 'measured', what };

const counted = (value: number, what: string): Quantity => ({ value, source: 'counted', what });

const lambda = (
  name: string,
  invocations: number,
  measured: { ms: number | undefined; what: string } | undefined,
  counted: { ms: number; what: string },
): LambdaUse => {
  const memoryMb = memoryOf(name);
  return measured?.ms === undefined
    ? { function: name, memoryMb, invocations, durationMs: counted.ms, source: 'counted', what: counted.what }
    : { function: name, memoryMb, invocations, durationMs: measured.ms, source: 'measured', what: measured.what };
};

/** One outbound call by the dispatcher: its share of a batch, the SQS receive and delete, its writes and reads. */
const dispatched = (calls: number, what: string) => ({
  lambda: lambda('dispatcher', calls / DISPATCH_BATCH, undefined, {
    ms: DISPATCH_BATCH * OUTBOUND_CALL_MS,
    what: `a batch of ${DISPATCH_BATCH} calls in turn, ${OUTBOUND_CALL_MS} ms each`,
  }),
  // Receive and delete, one request each per batch.
  sqs: counted((calls * 2) / DISPATCH_BATCH, `${what}: receive + delete per batch of ${DISPATCH_BATCH}`),
  // markDelivered UpdateItem, sync log PutItem, health counter UpdateItem.
  writes: counted(calls * 3, `${what}: delivered version, sync log, counter`),
  // deliveredVersion consistent GetItem.
  reads: counted(calls * 1, `${what}: delivered version read`),
});

/** A stream consumer's share of one change: one invocation per batch of 25. */
const streamConsumer = (name: string): LambdaUse => {
  const batch = STREAM_BATCH_MS[name] ?? { ms: 250, what: 'assumed' };
  return lambda(name, 1 / STREAM_BATCH, undefined, { ms: batch.ms, what: `a batch of ${STREAM_BATCH}, ${batch.what}` });
};

/** A webhook handler's time when its suite did not run: about one write's round trip and the handler's own work. */
const WEBHOOK_MS = { ms: 30, what: 'assumed, its suite did not run' };

/**
 * The usage of each costed path from the rows of this run's suites.
 *
 * @example
 * const rows = costRows(pathUsages(results), usPrices);
 */
const pathUsages = (results: readonly SuiteResult[]): PathUsage[] => {
  const value = (suite: string, name: string | RegExp) => rowValue(results, suite, name);

  // CRM inbound: the handler's time and its writes plus the sync log PutItem by syncLogWriter (measured together).
  const crmMs = meanOf([value('crm-inbound', 'created latency p50'), value('crm-inbound', 'updated latency p50')]);
  const crmWcu = meanOf([
    value('crm-inbound', 'WCU per created change'),
    value('crm-inbound', 'WCU per updated change'),
  ]);
  const crmInbound: PathUsage = {
    path: 'CRM inbound',
    lambdas: [
      lambda('crmInbound', 1, { ms: crmMs, what: 'p50 of created and updated, 16 in flight' }, WEBHOOK_MS),
      streamConsumer('syncLogWriter'),
    ],
    writeUnits: [
      measuredOr(crmWcu, 2, 'record write + sync log PutItem, mean of created and updated'),
      counted(1 / STREAM_BATCH, 'health counter UpdateItem per batch'),
    ],
    readUnits: [counted(0.5, 'match-index Query of a create (updates read nothing): the dearer of the two')],
    sqsFifoRequests: [],
    apiRequests: [counted(1, 'POST /webhooks/crm')],
    mails: [],
    maxUsdPerMillion: 4,
  };

  // CRM outbound: crmOutbound reads the change off the stream and queues one call; the dispatcher makes it.
  const crmCall = dispatched(1, 'CRM call');
  const crmOutbound: PathUsage = {
    path: 'CRM outbound',
    lambdas: [streamConsumer('crmOutbound'), crmCall.lambda],
    writeUnits: [crmCall.writes],
    readUnits: [crmCall.reads],
    sqsFifoRequests: [counted(1 / SEND_BATCH, 'SendMessageBatch of up to 10'), crmCall.sqs],
    apiRequests: [],
    mails: [],
  };

  // Inventory: the webhook (measured), the fan-out consumer, 3 outbound calls.
  const inventoryRate = value('inventory-hot-sku', 'POST /webhooks/inventory handler, one sku');
  const fanoutCalls = dispatched(3, '3 fan-out calls');
  const inventory: PathUsage = {
    path: 'inventory adjustment + fan-out',
    lambdas: [
      lambda(
        'inventoryWebhook',
        1,
        {
          ms: inventoryRate === undefined ? undefined : (INVENTORY_CONCURRENCY * 1000) / inventoryRate,
          what: `mean from the hot-sku rate, ${INVENTORY_CONCURRENCY} in flight`,
        },
        WEBHOOK_MS,
      ),
      streamConsumer('inventoryFanout'),
      fanoutCalls.lambda,
    ],
    writeUnits: [
      measuredOr(
        value('inventory-hot-sku', 'WCU per adjustment'),
        3,
        'claim, stock update, transaction (stream consumer)',
      ),
      fanoutCalls.writes,
    ],
    readUnits: [
      counted(1, 'fan-out: settings GetItem + product record GetItem, eventually consistent'),
      fanoutCalls.reads,
    ],
    sqsFifoRequests: [counted(1 / SEND_BATCH, 'fan-out SendMessageBatch of the 3 calls'), fanoutCalls.sqs],
    apiRequests: [counted(1, 'POST /webhooks/inventory')],
    mails: [],
  };

  // ERP order: the webhook (measured), the follow-up consumer (sync log, mail intent), the mail sent by the dispatcher.
  const mail = dispatched(1, 'order mail');
  const erp: PathUsage = {
    path: 'ERP order + mail',
    lambdas: [
      lambda(
        'erpWebhook',
        1,
        { ms: value('erp-orders', 'webhook latency p50'), what: 'p50, 16 in flight' },
        WEBHOOK_MS,
      ),
      streamConsumer('erpFollowup'),
      mail.lambda,
    ],
    writeUnits: [
      measuredOr(value('erp-orders', 'WCU per order'), 3, 'the 10-line order item'),
      counted(1 + 1 / STREAM_BATCH, 'follow-up: sync log PutItem, counter per batch'),
      mail.writes,
    ],
    readUnits: [counted(1.5, 'follow-up: waiting mails Query, customer GetItem, settings GetItem'), mail.reads],
    sqsFifoRequests: [counted(1 / SEND_BATCH, 'follow-up SendMessageBatch'), mail.sqs],
    apiRequests: [counted(1, 'POST /webhooks/erp')],
    mails: [counted(1, 'the order-created mail')],
  };

  // SCIM user change: PUT/PATCH through scimApi (timed by the create suite, the nearest measured path), usersFollowup.
  const scim: PathUsage = {
    path: 'SCIM user change',
    lambdas: [
      lambda(
        'scimApi',
        1,
        { ms: value('scim-create', /^scim p50, /), what: 'p50 of POST /scim/v2/Users, the nearest timed path' },
        WEBHOOK_MS,
      ),
      streamConsumer('usersFollowup'),
    ],
    writeUnits: [
      counted(2, 'conditional user write + changed index entry'),
      counted(1 + 1 / STREAM_BATCH, 'follow-up: sync log PutItem, counter per batch'),
    ],
    readUnits: [counted(1.5, 'consistent user GetItem, settings GetItem')],
    sqsFifoRequests: [],
    apiRequests: [counted(1, 'PUT or PATCH /scim/v2/Users/{id}')],
    mails: [],
  };

  // Bulk: a record's share of its page: the worker's time per record, the page message, the writes.
  const bulkRate = value('bulk', 'bulk load through the page worker');
  const PAGE = 200;
  const bulk: PathUsage = {
    path: 'bulk record',
    lambdas: [
      lambda(
        'bulkPageWorker',
        1 / PAGE,
        {
          ms: bulkRate === undefined ? undefined : (PAGE * 1000) / bulkRate,
          what: `a page of ${PAGE}, from the load's rate`,
        },
        { ms: 2_000, what: `a page of ${PAGE}, assumed: its suite did not run` },
      ),
    ],
    writeUnits: [measuredOr(value('bulk', 'WCU per new record'), 2, 'record PutItem + checkpoint share')],
    readUnits: [counted(0.75, 'BatchGetItem per 100 records, match-index SELECT per 50 emails')],
    sqsFifoRequests: [counted(3 / PAGE, 'page message send + receive + delete, batch of 1')],
    apiRequests: [],
    mails: [],
  };

  return [crmInbound, crmOutbound, inventory, erp, scim, bulk];
};

export { COST_SUITES, pathUsages };
