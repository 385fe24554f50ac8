import { bulkTopology } from '../functions/bulk/topology.js';
import { conflictsTopology } from '../functions/conflicts/topology.js';
import { consoleTopology } from '../functions/console/topology.js';
import { crmTopology } from '../functions/crm/topology.js';
import { erpTopology } from '../functions/erp/topology.js';
import { inventoryTopology } from '../functions/inventory/topology.js';
import { kernelTopology } from '../functions/kernel/topology.js';
import { monitorTopology } from '../functions/monitor/topology.js';
import { platformTopology } from '../functions/platform/topology.js';
import { usersTopology } from '../functions/users/topology.js';
import type { Topology, TopologyFragment } from './topology-spec.js';

/**
 * The one topology of sync-tools, merged from the fragments each part of
 * `functions/` declares: the kernel (shared tables, queues, integrations),
 * the shared Lambdas (`platform`) and each tool. The CDK stack
 * (`lib/stack.ts`) builds AWS resources from it and the offline runtime
 * (`local/`) wires the very same handlers from it; both check it with
 * `topologyProblems` (`lib/check-topology.ts`) first.
 *
 * Adding a tool is adding its fragment to {@link fragments}.
 */
const fragments: readonly TopologyFragment[] = [
  kernelTopology,
  platformTopology,
  crmTopology,
  inventoryTopology,
  erpTopology,
  conflictsTopology,
  consoleTopology,
  monitorTopology,
  usersTopology,
  bulkTopology,
];

/**
 * Merges fragments into one topology. Names are global, so a table, queue,
 * function, integration, route or schedule declared by two fragments is an
 * error naming both, as is a second authorizer or schedule runner.
 *
 * @example
 * const topology = mergeTopology([kernelTopology, platformTopology, crmTopology]);
 */
const mergeTopology = (parts: readonly TopologyFragment[]): Topology => {
  const problems: string[] = [];
  const owners = new Map<string, string>();
  const claim = (kind: string, name: string, fragment: string): void => {
    const key = `${kind} ${name}`;
    const owner = owners.get(key);
    if (owner) problems.push(`${key} is declared by both ${owner} and ${fragment}`);
    else owners.set(key, fragment);
  };
  const records = <T>(kind: string, pick: (part: TopologyFragment) => Readonly<Record<string, T>> | undefined) => {
    const merged: Record<string, T> = {};
    for (const part of parts) {
      for (const [name, value] of Object.entries(pick(part) ?? {})) {
        claim(kind, name, part.name);
        merged[name] = value;
      }
    }
    return merged;
  };
  const lists = <T>(pick: (part: TopologyFragment) => readonly T[] | undefined): T[] =>
    parts.flatMap((part) => pick(part) ?? []);

  const topology: Topology = {
    tables: records('table', (part) => part.tables),
    queues: records('queue', (part) => part.queues),
    functions: records('function', (part) => part.functions),
    integrations: records('integration', (part) => part.integrations),
    routes: lists((part) => part.routes),
    streamConsumers: lists((part) => part.streamConsumers),
    queueConsumers: lists((part) => part.queueConsumers),
    schedules: lists((part) => part.schedules),
  };
  // The authorizer and the schedule runner are one function each: at most one fragment names it.
  const single = (kind: string, pick: (part: TopologyFragment) => string | undefined): string | undefined => {
    const declaring = parts.filter((part) => pick(part) !== undefined);
    if (declaring.length > 1) problems.push(`the ${kind} is declared by ${declaring.map((p) => p.name).join(' and ')}`);
    return declaring[0] === undefined ? undefined : pick(declaring[0]);
  };
  const authorizer = single('authorizer', (part) => part.authorizer);
  const scheduleRunner = single('schedule runner', (part) => part.scheduleRunner);
  if (problems.length > 0) throw new Error(`The topology fragments do not merge:\n- ${problems.join('\n- ')}`);
  return {
    ...topology,
    ...(authorizer === undefined ? {} : { authorizer }),
    ...(scheduleRunner === undefined ? {} : { scheduleRunner }),
  };
};

/** The whole topology, as one value. */
const topology: Topology = mergeTopology(fragments);

export { topology, mergeTopology, fragments };
export type * from './topology-spec.js';
