import {
  type FunctionSpec,
  type RouteSpec,
  type TopologyFragment,
  streamConsumerDefaults,
} from '../../lib/topology-spec.js';

/**
 * The shared Lambdas' part of the topology: health, the admin API and its
 * authorizer, the outbound dispatcher, the sync-log writer and the
 * stream-failure replayer. Plain data,
 * read by `lib/topology.ts`; no Lambda code imports it.
 */
const functions = {
  health: {
    description: 'GET /health: liveness, reveals nothing.',
    entry: 'functions/platform/health/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
  },
  adminAuthorizer: {
    description: 'Bearer-token authorizer for /admin routes.',
    entry: 'functions/platform/admin-authorizer/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    integrations: ['admin'],
  },
  admin: {
    description: 'Admin API: records, sync events, run-time settings, schedules (list, run now).',
    entry: 'functions/platform/admin/handler.ts',
    // Measured peak 85 MB, I/O-bound (`npm run bench -- memory`): 256 MB is above the rule's 1.5x peak plus the runtime's 50 MB.
    memoryMb: 256,
    timeoutSeconds: 10,
    tables: {
      // Query (the byType index) and BatchGetItem: GET /admin/records/{type} lists a page.
      records: ['BatchGetItem', 'GetItem', 'Query', 'UpdateItem'],
      syncLog: ['Query'],
      control: ['GetItem', 'PutItem', 'Query', 'UpdateItem'],
    },
    // GET /admin/dlq lists both DLQs; POST /admin/dlq/redrive moves messages back to their queue.
    deadLetterQueues: { outbound: 'redrive', streamFailures: 'redrive' },
  },
  dispatcher: {
    description: 'Consumes the outbound queue and calls other systems over HTTP, with retries.',
    entry: 'functions/platform/dispatcher/handler.ts',
    memoryMb: 512,
    // A batch of 5 calls with an 8 s HTTP timeout each fits with room to spare.
    timeoutSeconds: 60,
    tables: {
      records: ['GetItem', 'PutItem', 'UpdateItem'],
      syncLog: ['PutItem'],
      idempotency: ['GetItem', 'UpdateItem'],
      // The ERP's id-only fetch applies what it fetched (functions/erp/actions.ts): the entity, or the stock count.
      erp: ['GetItem', 'PutItem'],
      inventory: ['GetItem', 'Query', 'UpdateItem'],
      // The directory push (functions/users/actions.ts): the user or group, its members, their directory links, the link write-back.
      users: ['BatchGetItem', 'GetItem', 'Query', 'UpdateItem'],
      // The health counters, added to as each attempt is logged (kernel/sync-log/sync-counters.ts).
      control: ['UpdateItem'],
    },
    queues: { outbound: 'consume' },
    // A permanent failure (or a spent failure budget) goes to the DLQ with its cause, sent by the dispatcher.
    deadLetterQueues: { outbound: 'send' },
    integrations: ['crm', 'erp', 'ecommerce', 'pos', 'wms', 'slack', 'pagerduty', 'directory', 'mail'],
    sendsMail: true,
  },
  streamFailureReplayer: {
    description:
      'Consumes streamFailures: re-reads each failed stream batch within its 24 h and replays it to its consumer, or parks it with the reason.',
    entry: 'functions/platform/stream-failures/handler.ts',
    memoryMb: 512,
    // Re-reading a batch and one synchronous invoke of a consumer (30 s at most), within the
    // queue's 60 s visibility timeout.
    timeoutSeconds: 55,
    tables: { control: ['PutItem'] },
    queues: { streamFailures: 'consume' },
    replaysStreamFailures: 'streamFailures',
  },
  syncLogWriter: {
    description: 'Stream consumer on records: the sync event each inbound write carries, into the sync log.',
    entry: 'functions/platform/sync-log-writer/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 30,
    // The log, and the health counters the sync monitor reads (one UpdateItem per integration and hour a batch touches).
    tables: { syncLog: ['PutItem'], control: ['UpdateItem'] },
  },
} as const satisfies Record<string, FunctionSpec>;

const routes: readonly RouteSpec[] = [
  { method: 'GET', path: '/health', function: 'health', auth: 'public' },
  { method: 'GET', path: '/admin/records/{type}/{id}', function: 'admin', auth: 'admin' },
  { method: 'PUT', path: '/admin/records/{type}/{id}', function: 'admin', auth: 'admin' },
  { method: 'GET', path: '/admin/records/{type}', function: 'admin', auth: 'admin' },
  { method: 'GET', path: '/admin/events', function: 'admin', auth: 'admin' },
  { method: 'GET', path: '/admin/settings', function: 'admin', auth: 'admin' },
  { method: 'PUT', path: '/admin/settings', function: 'admin', auth: 'admin' },
  { method: 'GET', path: '/admin/settings/history', function: 'admin', auth: 'admin' },
  { method: 'GET', path: '/admin/schedules', function: 'admin', auth: 'admin' },
  { method: 'POST', path: '/admin/schedules/{name}/run', function: 'admin', auth: 'admin' },
  { method: 'GET', path: '/admin/dlq', function: 'admin', auth: 'admin' },
  { method: 'POST', path: '/admin/dlq/redrive', function: 'admin', auth: 'admin' },
];

export const platformTopology = {
  name: 'platform',
  functions,
  routes,
  authorizer: 'adminAuthorizer',
  // The admin API lists the schedules and runs one now (GET /admin/schedules, POST .../run).
  scheduleRunner: 'admin',
  streamConsumers: [
    {
      ...streamConsumerDefaults,
      table: 'records',
      function: 'syncLogWriter',
      // Writes that carry a sync event (inbound ones); the code skips an event it has already logged.
      // With crmOutbound, the records stream has the two consumers a DynamoDB stream serves well per
      // shard (facts.md): a third tool that needs record changes should share one of these.
      filters: [{ eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { sync_event: { S: [{ exists: true }] } } } }],
    },
  ],
  queueConsumers: [
    { queue: 'outbound', function: 'dispatcher', batchSize: 5, maxBatchingWindowSeconds: 0, maxConcurrency: 10 },
    // One failed batch per invocation: a slow replay never holds back another's retry.
    {
      queue: 'streamFailures',
      function: 'streamFailureReplayer',
      batchSize: 1,
      maxBatchingWindowSeconds: 0,
      maxConcurrency: 2,
    },
  ],
} as const satisfies TopologyFragment;
