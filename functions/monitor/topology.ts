import type { FunctionSpec, TopologyFragment } from '../../lib/topology-spec.js';

/**
 * The sync monitor's part of the topology: the job that checks health
 * every 5 minutes and alerts on a change of status, and the admin routes
 * that show its reports. It owns no table: reports, its state and the
 * health counters (written where sync events are written) live in the
 * kernel's `control` table. Plain data, read by `lib/topology.ts`; no
 * Lambda code imports it.
 */
const functions = {
  syncMonitor: {
    description:
      'Every 5 minutes: health from the sync counters, queues and conflicts; stores the report, alerts on a change of status.',
    entry: 'functions/monitor/job/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 60,
    tables: {
      // Settings and its state (GetItem), counters and reports (Query), report and state (PutItem), the run (UpdateItem).
      control: ['GetItem', 'PutItem', 'Query', 'UpdateItem'],
      // Waiting conflicts, counted through the byStatus index up to the threshold.
      conflicts: ['Query'],
    },
    // Alerts go out through the queue; its depth is read with GetQueueAttributes, which the send grant includes.
    queues: { outbound: 'send' },
    // Their depth only (GetQueueAttributes); the monitor never sends to a DLQ.
    deadLetterQueues: { outbound: 'send', streamFailures: 'send' },
  },
  monitorAdmin: {
    description: 'Admin API for the sync monitor: the latest health report and its history.',
    entry: 'functions/monitor/admin/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 10,
    tables: { control: ['Query'] },
  },
} as const satisfies Record<string, FunctionSpec>;

export const monitorTopology = {
  name: 'monitor',
  functions,
  routes: [
    { method: 'GET', path: '/admin/health', function: 'monitorAdmin', auth: 'admin' },
    { method: 'GET', path: '/admin/health/history', function: 'monitorAdmin', auth: 'admin' },
  ],
  schedules: [{ name: 'sync-monitor', function: 'syncMonitor', expression: 'cron(0/5 * * * ? *)' }],
} as const satisfies TopologyFragment;
