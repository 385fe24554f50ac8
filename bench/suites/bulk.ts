import { randomBytes } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, QueryCommand, paginateScan } from '@aws-sdk/lib-dynamodb';
import { type BulkJob, newJob } from '../../functions/bulk/domain/job.js';
import { createJob } from '../../functions/bulk/store/job-create.js';
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
 * run. Targets: at least 0.6x the raw rate, at most 2 WCU per new record.
 *
 * WCU are metered on the worker's client for the whole load; DynamoDB Local
 * under-reports multi-item writes (facts.md), so the page checkpoints
 * (TransactWriteItems, one per page) are counted by AWS's rule in the note.
 */
const RECORDS = 10_000;
const PAGE = 200;
const MIN_RATIO = 0.6;
const MAX_WCU = 2;
const KEY = 'bulk-bench-key';

const contactsOf = (run: string) =>
  Array.from({ length: RECORDS }, (_, n) => ({
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
    const records = contactsOf(run);
    const crm = await crmServer(records);
    const restoreEnvironment = setEnvironment({ CRM_API_URL: crm.url, CRM_API_KEY: KEY });
    const bare = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    try {
      const now = new Date().toISOString();
      const jobId = `bench-${run}`;
      if (!(await createJob(aJob(jobId, now)))) throw new Error('the bench job was not created');
      const meter = meterWriteCapacity(dynamo());
      let consumed: ConsumedWrites;
      const began = performance.now();
      let pages: number;
      try {
        pages = await runJob(jobId);
        consumed = meter.take();
      } finally {
        meter.remove();
      }
      const workerSeconds = (performance.now() - began) / 1000;
      const job = (
        await bare.send(
          new QueryCommand({
            TableName: tableName('bulk'),
            KeyConditionExpression: 'pk = :pk AND sk = :sk',
            ExpressionAttributeValues: { ':pk': `job#${jobId}`, ':sk': 'JOB' },
            ConsistentRead: true,
          }),
        )
      ).Items?.[0] as BulkJob | undefined;
      if (job?.status !== 'completed' || job.created !== RECORDS) {
        throw new Error(`the bench job ended ${job?.status} with ${job?.created} created, not ${RECORDS}`);
      }
      context.log(`bulk: page worker ${RECORDS} records in ${workerSeconds.toFixed(1)} s (${pages} pages)`);

      // The very items the worker stored, re-keyed, for the raw side.
      const stored: Record<string, unknown>[] = [];
      for await (const page of paginateScan({ client: bare }, { TableName: tableName('records') })) {
        for (const item of page.Items ?? []) {
          if (String((item.data as { email?: string } | undefined)?.email ?? '').startsWith(`bulk-${run}-`)) {
            stored.push({ ...item, pk: `bare#${item.pk}` });
          }
        }
      }
      if (stored.length !== RECORDS) throw new Error(`found ${stored.length} stored records, not ${RECORDS}`);
      const bareBegan = performance.now();
      for (let start = 0; start < stored.length; start += 25) {
        let pending = stored.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
        while (pending.length > 0) {
          const out = await bare.send(new BatchWriteCommand({ RequestItems: { [tableName('records')]: pending } }));
          pending = (out.UnprocessedItems?.[tableName('records')] ?? []) as typeof pending;
        }
      }
      const bareSeconds = (performance.now() - bareBegan) / 1000;
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
          name: 'bulk load through the page worker',
          value: RECORDS / workerSeconds,
          unit: 'records/s',
          compare: true,
          ratioTarget: { min: MIN_RATIO },
          note: `${pages} pages of ${PAGE}: HTTP fetch, mapping, inbound rules (a BatchGetItem per 100 records, then a match query and one conditional write per new record), checkpoint transaction per page`,
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
      restoreEnvironment();
      await new Promise((resolve) => crm.server.close(resolve));
    }
  },
};

export { bulkSuite };
