import {
  type FunctionSpec,
  type TableSpec,
  type TopologyFragment,
  streamConsumerDefaults,
} from '../../lib/topology-spec.js';

/**
 * ERP sync's part of the topology: its table, the keyed webhook, the
 * follow-up stream consumer (sync events, derived order updates, mails),
 * the sweep of mails that waited too long, and the admin routes. Plain
 * data, read by `lib/topology.ts`; no Lambda code imports it.
 */
const tables = {
  erp: {
    description:
      'ERP entities (sales orders with their lines, purchase orders, invoices, shipments, customers), one item each, and mails waiting for their order or customer.',
    partitionKey: 'pk',
    sortKey: 'sk',
    stream: 'NEW_AND_OLD_IMAGES',
    indexes: [
      { name: 'byOrder', partitionKey: 'order_id', sortKey: 'pk' },
      // Mails waiting for an order or customer (sparse): retried when it is written, swept when their wait is over.
      { name: 'mailsByWait', partitionKey: 'waits_for', sortKey: 'pk', include: ['intent'] },
      { name: 'mailsDue', partitionKey: 'waiting', sortKey: 'wait_until', include: ['intent', 'waits_for'] },
    ],
  },
} as const satisfies Record<string, TableSpec>;

const functions = {
  erpWebhook: {
    description:
      'POST /webhooks/erp: keyed ERP events for six entities, stored once (stale and duplicate refused), id-only events fetched through the outbound queue.',
    entry: 'functions/erp/webhook/handler.ts',
    // Measured peak 86 MB, I/O-bound (`npm run bench -- memory`): 256 MB is above the rule's 1.5x peak plus the runtime's 50 MB.
    memoryMb: 256,
    timeoutSeconds: 10,
    reservedConcurrency: 10,
    tables: {
      erp: ['GetItem', 'PutItem'],
      inventory: ['GetItem', 'Query', 'UpdateItem'],
      idempotency: ['DeleteItem', 'GetItem', 'PutItem', 'UpdateItem'],
      // The sync-log module that builds the carried sync event also holds its writers (kernel/sync-log).
      syncLog: ['PutItem'],
      control: ['UpdateItem'],
    },
    queues: { outbound: 'send' },
    integrations: ['erp'],
  },
  erpFollowup: {
    description:
      'Stream consumer on ERP entities: logs each change, updates an order from its invoices and shipments, queues the mails they trigger.',
    entry: 'functions/erp/followup/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 30,
    tables: {
      erp: ['GetItem', 'PutItem', 'Query', 'UpdateItem'],
      syncLog: ['PutItem'],
      control: ['GetItem', 'UpdateItem'],
    },
    queues: { outbound: 'send' },
  },
  erpMailSweep: {
    description:
      'Every 5 minutes: mails that waited their hour for an order or a customer go out with what is known, or are recorded as not sent.',
    entry: 'functions/erp/mail-sweep/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 60,
    tables: {
      erp: ['GetItem', 'Query', 'UpdateItem'],
      syncLog: ['PutItem'],
      control: ['GetItem', 'UpdateItem'],
    },
    queues: { outbound: 'send' },
  },
  erpAdmin: {
    description: 'Admin API for ERP data: an order with its lines, shipments and invoices; any other entity by id.',
    entry: 'functions/erp/admin/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 10,
    tables: { erp: ['GetItem', 'Query'] },
  },
} as const satisfies Record<string, FunctionSpec>;

export const erpTopology = {
  name: 'erp',
  tables,
  functions,
  routes: [
    { method: 'POST', path: '/webhooks/erp', function: 'erpWebhook', auth: 'public' },
    { method: 'GET', path: '/admin/orders/{orderId}', function: 'erpAdmin', auth: 'admin' },
    { method: 'GET', path: '/admin/erp/{entity}/{id}', function: 'erpAdmin', auth: 'admin' },
  ],
  streamConsumers: [
    {
      ...streamConsumerDefaults,
      table: 'erp',
      function: 'erpFollowup',
      // Entity items only: a waiting mail's item (sk MAIL) sets nothing off.
      filters: [{ eventName: ['INSERT', 'MODIFY'], dynamodb: { Keys: { sk: { S: ['ENTITY'] } } } }],
    },
  ],
  schedules: [{ name: 'erp-mail-sweep', function: 'erpMailSweep', expression: 'rate(5 minutes)' }],
} as const satisfies TopologyFragment;
