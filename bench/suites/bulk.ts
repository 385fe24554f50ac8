import { randomBytes } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand, paginateScan } from '@aws-sdk/lib-dynamodb';
import { type BulkJob, newJob } from '../../functions/bulk/domain/job.js';
import { createJob } from '../../functions/bulk/store/job-create.js';
import { getJob } from '../../functions/bulk/store/job-reads.js';
import type { PageMessage } from '../../functions/bulk/store/page-queue.js';
import { workerPorts } from '../../functions/bulk/worker/ports.js';
import { type PagePorts, processPage } from '../../functions/bulk/worker/process-page.js';
import { dynamo } from '../../functions/kernel/aws/dynamo-client.js';
import { tableName } from '../../functions/kernel/aws/resource-names.js';
import { setEnvironment } from '../environment.js';
import type { BenchRow, BenchSuite } from '../suite.js';
import { type ConsumedWrites, meterWriteCapacity } from '../write-capacity.js';

/**
 * Issue 13's budget: loading 10,000 contacts from a local HTTP server
 * playing the CRM (offset paging, 200 a page) into our own store through
 * the real page worker (`processPage` with its real ports: the HTTP fetch,
 * the inbound rules on the records table, the checkpoint transaction; only
 * the hand-on to the `bulkPages` queue is a call to the next page, as the
 * queue would deliver it, and nobody is announced), beside raw
 * BatchWriteItem of the very items the worker stored (re-keyed), 25 a call,
 * one call after another as the pages are, on the same engine in the same
 * run, after an unmeasured warm-up of both (a 2,000-record job and its raw
 * copies) so neither pays the engine's JIT. Beside them, conditional
 * PutItem of the same items, 8 at a time: the one write per new record the
 * worker cannot do without (it must never overwrite a newer change), so the
 * reader sees how much of the gap is the engine's price of a condition.
 * Targets: at least 0.6x the raw rate, at most 2 WCU per new record.
 *
 * WCU are metered on the worker's client for the whole load; DynamoDB Local
 * under-reports multi-item writes (facts.md), so the page checkpoints
 * (TransactWriteItems, one per page) are counted by AWS's rule in the note.
 */
const RECORDS = 10_000;
const PAGE = 200;
/** The page worker's lanes (BULK_PAGE_CONCURRENCY's default), for the conditional-write floor. */
const LANES = 8;
/** Records of the unmeasured warm-up load (and as many raw writes). */
const WARM_UP = 2_000;
const MIN_RATIO = 0.6;
const MAX_WCU = 2;
const KEY = 'bulk-bench-key';

const contactsOf = (run: string, count: number) =>
  Array.from({ length: count }, (_, n) => ({
    id: `${run}-${n}`,
    firstName: `First${n}`,
    lastName: `Last${n}`,
    email: `bulk-${run}-${n}@example.com`,
    updatedAt: '2026-11-01T10:00:00.000Z',
  }));

/** A CRM's `GET /api/contacts?offset&limit` with has_more and total. */
const crmServer = async (records: readonly object[]): Promise<{ url: string; server: Server }> => {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://bench');
    if (url.pathname !== '/api/contacts' || request.headers.authorization !== `Bearer ${KEY}`) {
      response.writeHead(404).end();
      return;
    }
    const limit = Number(url.searchParams.get('limit') ?? 50);
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const body = JSON.stringify({
      data: records.slice(offset, offset + limit),
      has_more: offset + limit < records.length,
      total: records.length,
    });
    response.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
};

const aJob = (jobId: string, now: string): BulkJob =>
  newJob(
    { source: 'crm', target: 'local', entity: 'contacts', batch_size: PAGE, dry_run: false },
    jobId,
    new Date(now),
  );

/** Runs a job's pages one after another, as the FIFO queue's one message group delivers them. */
const runJob = async (jobId: string): Promise<number> => {
  let next: PageMessage | undefined = { job_id: jobId, page: 1, cursor: null };
  let pages = 0;
  const ports: PagePorts = {
    ...workerPorts,
    sendPage: async (message) => {
      next = message;
    },
    announce: async () => undefined,
  };
  while (next) {
    const message: PageMessage = next;
    next = undefined;
    const step = await processPage(message, ports);
    if (step.kind !== 'done') throw new Error(`page ${message.page} asked to wait ${step.seconds} s`);
    pages++;
  }
  return pages;
};

/**
 * Loads `records` through a job's pages from a CRM server serving exactly
 * them; checks the job completed with every record created. Answers the
 * pages it took.
 */
const loadThroughWorker = async (run: string, records: readonly object[]): Promise<number> => {
  const crm = await crmServer(records);
  const restoreEnvironment = setEnvironment({ CRM_API_URL: crm.url, CRM_API_KEY: KEY });
  try {
    const jobId = `bench-${run}`;
    if (!(await createJob(aJob(jobId, new Date().toISOString())))) throw new Error('the bench job was not created');
    const pages = await runJob(jobId);
    const done = await getJob(jobId);
    if (done?.status !== 'completed' || done.created !== records.length) {
      throw new Error(`the bench job ended ${done?.status} with ${done?.created} created, not ${records.length}`);
    }
    return pages;
  } finally {
    restoreEnvironment();
    await new Promise((resolve) => crm.server.close(resolve));
  }
};

/** The items the worker stored for a run's contacts (found by their emails), re-keyed under `prefix`. */
const storedItemsOf = async (
  bare: DynamoDBDocumentClient,
  run: string,
  count: number,
  prefix: string,
): Promise<Record<string, unknown>[]> => {
  const stored: Record<string, unknown>[] = [];
  for await (const page of paginateScan({ client: bare }, { TableName: tableName('records') })) {
    for (const item of page.Items ?? []) {
      if (String((item.data as { email?: string } | undefined)?.email ?? '').startsWith(`bulk-${run}-`)) {
        stored.push({ ...item, pk: `${prefix}${item.pk}` });
      }
    }
  }
  if (stored.length !== count) throw new Error(`found ${stored.length} stored records, not ${count}`);
  return stored;
};

/** Raw BatchWriteItem of `items`, 25 a call, one call after another; answers the seconds it took. */
const writeRaw = async (bare: DynamoDBDocumentClient, items: readonly Record<string, unknown>[]): Promise<number> => {
  const began = performance.now();
  for (let start = 0; start < items.length; start += 25) {
    let pending = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
    while (pending.length > 0) {
      const out = await bare.send(new BatchWriteCommand({ RequestItems: { [tableName('records')]: pending } }));
      pending = (out.UnprocessedItems?.[tableName('records')] ?? []) as typeof pending;
    }
  }
  return (performance.now() - began) / 1000;
};

/**
 * Conditional PutItem (`attribute_not_exists`) of `items`, `lanes` at a
 * time: what the worker's one write per new record costs on its own, a
 * write that never overwrites, as the worker's lanes send it. Answers the
 * seconds it took.
 */
const writeConditional = async (
  bare: DynamoDBDocumentClient,
  items: readonly Record<string, unknown>[],
  lanes: number,
): Promise<number> => {
  const began = performance.now();
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let at = next++; at < items.length; at = next++) {
      await bare.send(
        new PutCommand({
          TableName: tableName('records'),
          Item: items[at],
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return (performance.now() - began) / 1000;
};

const perRecord = (consumed: ConsumedWrites, count: number): string =>
  Object.entries(consumed.byOperation)
    .map(([operation, n]) => `${(n / count).toFixed(3)} ${operation}`)
    .join(' + ');

const bulkSuite: BenchSuite = {
  name: 'bulk',
  description: `Bulk load of ${RECORDS.toLocaleString('en-US')} CRM contacts (pages of ${PAGE}) through the page worker into our store, beside raw BatchWriteItem of the same items (DynamoDB Local)`,
  needs: ['dynamodb'],
  run: async (context) => {
    const run = randomBytes(3).toString('hex');
    const bare = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    try {
      // Warm-up of both sides, unmeasured, so neither pays the engine's JIT: a small job, then its raw copies.
      await loadThroughWorker(`${run}w`, contactsOf(`${run}w`, WARM_UP));
      await writeRaw(bare, await storedItemsOf(bare, `${run}w`, WARM_UP, 'warm#'));

      const meter = meterWriteCapacity(dynamo());
      let consumed: ConsumedWrites;
      const began = performance.now();
      let pages: number;
      try {
        pages = await loadThroughWorker(run, contactsOf(run, RECORDS));
        consumed = meter.take();
      } finally {
        meter.remove();
      }
      const workerSeconds = (performance.now() - began) / 1000;
      context.log(`bulk: page worker ${RECORDS} records in ${workerSeconds.toFixed(1)} s (${pages} pages)`);

      // The very items the worker stored, re-keyed, for the raw side and the conditional floor.
      const stored = await storedItemsOf(bare, run, RECORDS, 'bare#');
      const bareSeconds = await writeRaw(bare, stored);
      const floorSeconds = await writeConditional(
        bare,
        stored.map((item) => ({ ...item, pk: `floor#${item.pk}` })),
        LANES,
      );
      const itemKb = Math.max(...stored.slice(0, 100).map((item) => Buffer.byteLength(JSON.stringify(item)) / 1024));
      // AWS's rule for the checkpoints DynamoDB Local under-reports: a transaction costs 2 WCU per item per KB.
      const checkpointWcu = pages * 2 * 2;

      return [
        {
          name: 'raw BatchWriteItem, the stored contact items',
          value: RECORDS / bareSeconds,
          unit: 'records/s',
          baseline: true,
          note: `25 a call, one call after another; items of about ${itemKb.toFixed(2)} KB`,
        },
        {
          name: `conditional PutItem of the same items, ${LANES} at a time`,
          value: RECORDS / floorSeconds,
          unit: 'records/s',
          compare: true,
          note: "the worker's one write per new record alone (attribute_not_exists, as its lanes send it): the floor of a load that never overwrites a newer change",
        },
        {
          name: 'bulk load through the page worker',
          value: RECORDS / workerSeconds,
          unit: 'records/s',
          compare: true,
          ratioTarget: { min: MIN_RATIO },
          note: `${pages} pages of ${PAGE}: HTTP fetch, mapping, inbound rules (a BatchGetItem per 100 records and a PartiQL SELECT of the match index per 50 emails, then one conditional PutItem per new record, 8 at a time), checkpoint transaction per page`,
        },
        {
          name: 'WCU per new record',
          value: (consumed.units + checkpointWcu) / RECORDS,
          unit: 'WCU',
          target: { max: MAX_WCU },
          note: `${perRecord(consumed, RECORDS)} per record; metered ${consumed.units} WCU plus ${checkpointWcu} for ${pages} checkpoint transactions by AWS's rule`,
        },
      ] satisfies BenchRow[];
    } finally {
      bare.destroy();
    }
  },
};

export { bulkSuite };
