import type { FunctionSpec, TopologyFragment } from '../../lib/topology-spec.js';

/**
 * The operator console's part of the topology: one small function serving
 * the page and its two assets. Its routes are public because the page holds
 * no data: everything it shows comes from the admin API, behind the admin
 * authorizer, with the token the operator types. It touches no table,
 * queue or secret. Plain data, read by `lib/topology.ts`; no Lambda code
 * imports it.
 */
const functions = {
  consolePage: {
    description: 'GET /console and its assets: the operator console (static; data comes from the admin API).',
    entry: 'functions/console/page/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
  },
} as const satisfies Record<string, FunctionSpec>;

export const consoleTopology = {
  name: 'console',
  functions,
  routes: [
    { method: 'GET', path: '/console', function: 'consolePage', auth: 'public' },
    { method: 'GET', path: '/console/{asset}', function: 'consolePage', auth: 'public' },
  ],
} as const satisfies TopologyFragment;
