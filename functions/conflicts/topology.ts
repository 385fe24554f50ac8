import type { FunctionSpec, TopologyFragment } from '../../lib/topology-spec.js';

/**
 * The conflict resolver's part of the topology: the scheduled job that
 * settles conflicts by rule or escalates them once, and the admin routes to
 * look at and resolve one by hand. It owns no table: conflicts and records
 * are the kernel's. Plain data, read by `lib/topology.ts`; no Lambda code
 * imports it.
 */
const functions = {
  conflictResolver: {
    description:
      'Every 15 minutes: settles open conflicts oldest first by rule (newest, merge, priority), else escalates once.',
    entry: 'functions/conflicts/resolver/handler.ts',
    memoryMb: 512,
    // A run stops taking records 10 s before its end; what is left waits for the next run.
    timeoutSeconds: 300,
    tables: {
      records: ['GetItem', 'UpdateItem'],
      conflicts: ['GetItem', 'Query', 'UpdateItem'],
      // Settings (GetItem) and the run's record (UpdateItem).
      control: ['GetItem', 'UpdateItem'],
    },
    queues: { outbound: 'send' },
  },
  conflictsAdmin: {
    description: 'Admin API for conflicts: list by status, one field by field, resolve by hand.',
    entry: 'functions/conflicts/admin/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 10,
    tables: {
      records: ['GetItem', 'UpdateItem'],
      conflicts: ['GetItem', 'Query', 'UpdateItem'],
    },
  },
} as const satisfies Record<string, FunctionSpec>;

export const conflictsTopology = {
  name: 'conflicts',
  functions,
  routes: [
    { method: 'GET', path: '/admin/conflicts', function: 'conflictsAdmin', auth: 'admin' },
    { method: 'GET', path: '/admin/conflicts/{id}', function: 'conflictsAdmin', auth: 'admin' },
    { method: 'POST', path: '/admin/conflicts/{id}/resolve', function: 'conflictsAdmin', auth: 'admin' },
  ],
  schedules: [{ name: 'conflict-resolver', function: 'conflictResolver', expression: 'cron(0/15 * * * ? *)' }],
} as const satisfies TopologyFragment;
