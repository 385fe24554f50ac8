import { type FunctionSpec, type TopologyFragment, streamConsumerDefaults } from '../../lib/topology-spec.js';

/**
 * CRM sync's part of the topology: signed CRM webhooks in, local contact
 * changes out. Plain data, read by `lib/topology.ts`; no Lambda code imports it.
 */
const functions = {
  crmInbound: {
    description: 'POST /webhooks/crm: signed CRM changes in, with dedupe, stale and conflict rules.',
    entry: 'functions/crm/inbound/handler.ts',
    // Measured peak 83 MB, I/O-bound (`npm run bench -- memory`): 256 MB is above the rule's 1.5x peak plus the runtime's 50 MB.
    memoryMb: 256,
    timeoutSeconds: 10,
    // Public: a flood of unsigned requests takes at most these, never the consumers' concurrency.
    reservedConcurrency: 10,
    tables: {
      records: ['GetItem', 'PutItem', 'Query', 'UpdateItem'],
      syncLog: ['PutItem', 'Query'],
      conflicts: ['PutItem'],
      // The health counters, for an attempt logged directly (a duplicate): kernel/sync-log/sync-counters.ts.
      control: ['UpdateItem'],
    },
    integrations: ['crm'],
  },
  crmOutbound: {
    description: 'Stream consumer on records: local contact changes queued for the CRM.',
    entry: 'functions/crm/outbound/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 30,
    queues: { outbound: 'send' },
  },
} as const satisfies Record<string, FunctionSpec>;

export const crmTopology = {
  name: 'crm',
  functions,
  routes: [{ method: 'POST', path: '/webhooks/crm', function: 'crmInbound', auth: 'public' }],
  streamConsumers: [
    {
      ...streamConsumerDefaults,
      table: 'records',
      function: 'crmOutbound',
      // Local contact changes only: never what the CRM sent us, nor our own write-backs (`sync`).
      // The types listed here are those whose CRM mapping has an outbound part.
      filters: [
        {
          eventName: ['INSERT', 'MODIFY'],
          dynamodb: {
            NewImage: { record_type: { S: ['contact'] }, origin: { S: [{ 'anything-but': ['crm', 'sync'] }] } },
          },
        },
      ],
    },
  ],
} as const satisfies TopologyFragment;
