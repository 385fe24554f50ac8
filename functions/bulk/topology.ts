import type { FunctionSpec, TableSpec, TopologyFragment } from '../../lib/topology-spec.js';

/**
 * Bulk sync's part of the topology: jobs that page through an outside
 * system and load every record into a target, one queue message per page,
 * each page checkpointed in the `bulk` table before the next is handed on.
 * Plain data, read by `lib/topology.ts`; no Lambda code imports it.
 */
const WORKER_TIMEOUT_SECONDS = 60;

const tables = {
  bulk: {
    description:
      'Bulk sync jobs: the job, one checkpoint per committed page, per-record errors, and the running lock per source/target/entity.',
    partitionKey: 'pk',
    sortKey: 'sk',
    // Sparse: only job items carry `job_list`, so listing jobs newest first is one Query.
    indexes: [{ name: 'byCreated', partitionKey: 'job_list', sortKey: 'created_at' }],
  },
} as const satisfies Record<string, TableSpec>;

const functions = {
  bulkAdmin: {
    description: 'Admin API for bulk sync: start, list, show, pause, resume and cancel jobs; read their errors.',
    entry: 'functions/bulk/admin/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 10,
    // Job and lock (TransactWriteItems = PutItem + UpdateItem + DeleteItem), reads, the list index.
    tables: { bulk: ['GetItem', 'PutItem', 'Query', 'UpdateItem', 'DeleteItem'] },
    queues: { bulkPages: 'send' },
  },
  bulkPageWorker: {
    description: 'Consumes bulkPages: fetches one page from the source, applies it, checkpoints it, hands on the next.',
    entry: 'functions/bulk/worker/handler.ts',
    memoryMb: 512,
    timeoutSeconds: WORKER_TIMEOUT_SECONDS,
    tables: {
      bulk: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'],
      // The same inbound rules as the webhooks (kernel/inbound), which read, write and log.
      // A `local` source pages through it by Scan (there is no index by type); a page's records are
      // looked up together: BatchGetItem by key, PartiQLSelect on the match index by email.
      records: ['GetItem', 'BatchGetItem', 'PartiQLSelect', 'PutItem', 'Query', 'Scan', 'UpdateItem'],
      syncLog: ['PutItem', 'Query'],
      conflicts: ['PutItem'],
      // GetItem: the run-time settings (recipients.data_admin) of the completion mail.
      control: ['GetItem', 'UpdateItem'],
      // ERP and shop stock counts through the shared stock path (kernel/stock): the level's one
      // UpdateItem, a read after a refused one (and a dry run's), the transaction's PutItem; Query:
      // the stock reads module the bundle takes (a level's transactions).
      inventory: ['GetItem', 'Query', 'UpdateItem'],
      // ERP orders and customers through the ERP's own read-decide-write (kernel/erp).
      erp: ['GetItem', 'PutItem'],
    },
    // It consumes its pages and hands on the next one.
    // A system target's pushes go through the outbound queue, as live changes do.
    queues: { bulkPages: 'consume-send', outbound: 'send' },
    integrations: ['crm', 'erp', 'ecommerce'],
  },
} as const satisfies Record<string, FunctionSpec>;

export const bulkTopology = {
  name: 'bulk',
  tables,
  queues: {
    bulkPages: {
      description: 'Bulk sync pages, one message per page, one message group per job so its pages run in order.',
      fifo: true,
      // 6x the worker's timeout, as AWS advises.
      visibilityTimeoutSeconds: 6 * WORKER_TIMEOUT_SECONDS,
      // A backstop for crash loops: the worker fails the job itself after BULK_FAILURE_RECEIVES failed receives,
      // while waits a source asks for (429/503) spend receives too, so this leaves room for many.
      maxReceiveCount: 50,
      retentionDays: 14,
    },
  },
  functions,
  routes: [
    { method: 'POST', path: '/admin/bulk-jobs', function: 'bulkAdmin', auth: 'admin' },
    { method: 'POST', path: '/bulk-sync', function: 'bulkAdmin', auth: 'admin' },
    { method: 'GET', path: '/admin/bulk-jobs', function: 'bulkAdmin', auth: 'admin' },
    { method: 'GET', path: '/admin/bulk-jobs/{id}', function: 'bulkAdmin', auth: 'admin' },
    { method: 'GET', path: '/admin/bulk-jobs/{id}/errors', function: 'bulkAdmin', auth: 'admin' },
    { method: 'POST', path: '/admin/bulk-jobs/{id}/pause', function: 'bulkAdmin', auth: 'admin' },
    { method: 'POST', path: '/admin/bulk-jobs/{id}/resume', function: 'bulkAdmin', auth: 'admin' },
    { method: 'POST', path: '/admin/bulk-jobs/{id}/cancel', function: 'bulkAdmin', auth: 'admin' },
  ],
  queueConsumers: [
    // One page per invocation; a job's pages are one message group, so they run one after another.
    { queue: 'bulkPages', function: 'bulkPageWorker', batchSize: 1, maxBatchingWindowSeconds: 0, maxConcurrency: 2 },
  ],
} as const satisfies TopologyFragment;
