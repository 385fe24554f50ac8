import {
  type FunctionSpec,
  type TableSpec,
  type TopologyFragment,
  streamConsumerDefaults,
} from '../../lib/topology-spec.js';

/**
 * Inventory sync's part of the topology: its stock table, the adjustment
 * webhook, the fan-out to every other system and its admin routes. Plain
 * data, read by `lib/topology.ts`; no Lambda code imports it.
 */
const tables = {
  inventory: {
    description:
      'Stock levels (sk STOCK, one item per sku and warehouse) and their adjustment transactions (sk TX#...).',
    partitionKey: 'pk',
    sortKey: 'sk',
    stream: 'NEW_AND_OLD_IMAGES',
  },
} as const satisfies Record<string, TableSpec>;

const functions = {
  inventoryWebhook: {
    description: 'POST /webhooks/inventory: signed stock adjustments, applied atomically and never below zero.',
    entry: 'functions/inventory/webhook/handler.ts',
    // Measured peak 83 MB, I/O-bound (`npm run bench -- memory`): 256 MB is above the rule's 1.5x peak plus the runtime's 50 MB.
    memoryMb: 256,
    timeoutSeconds: 10,
    // Public: a flood of unsigned requests takes at most these, never the consumers' concurrency.
    reservedConcurrency: 10,
    tables: {
      inventory: ['GetItem', 'Query', 'UpdateItem'],
      idempotency: ['DeleteItem', 'GetItem', 'PutItem', 'UpdateItem'],
    },
    integrations: ['inventory'],
  },
  inventoryFanout: {
    description:
      'Stream consumer on stock levels: new quantities to every other system, low and out of stock alerts, missing transactions.',
    entry: 'functions/inventory/fanout/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 30,
    tables: { records: ['GetItem'], inventory: ['PutItem'], control: ['GetItem'] },
    queues: { outbound: 'send' },
  },
  inventoryAdmin: {
    description: 'Admin API for stock levels and their transactions.',
    entry: 'functions/inventory/admin/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 10,
    tables: { inventory: ['GetItem', 'Query'] },
  },
} as const satisfies Record<string, FunctionSpec>;

export const inventoryTopology = {
  name: 'inventory',
  tables,
  functions,
  routes: [
    { method: 'POST', path: '/webhooks/inventory', function: 'inventoryWebhook', auth: 'public' },
    { method: 'GET', path: '/admin/inventory/{sku}/{warehouse}', function: 'inventoryAdmin', auth: 'admin' },
    {
      method: 'GET',
      path: '/admin/inventory/{sku}/{warehouse}/transactions',
      function: 'inventoryAdmin',
      auth: 'admin',
    },
  ],
  streamConsumers: [
    {
      ...streamConsumerDefaults,
      table: 'inventory',
      function: 'inventoryFanout',
      // Stock levels only; transaction items are history, not state to send.
      filters: [{ eventName: ['INSERT', 'MODIFY'], dynamodb: { Keys: { sk: { S: ['STOCK'] } } } }],
    },
  ],
} as const satisfies TopologyFragment;
