import { fragments as projectFragments, mergeTopology } from './topology.js';
import type { FunctionSpec, Topology, TopologyFragment } from './topology-spec.js';

/** The fragments every deployment has: the shared tables, queues and integrations, and the shared Lambdas. */
const CORE_FRAGMENTS: ReadonlySet<string> = new Set(['kernel', 'platform']);

/**
 * The tools one may choose (`-c tools=crm,inventory`): every fragment but
 * the kernel and the shared Lambdas, named as their folder in `functions/`.
 *
 * @example
 * toolNames(); // ['crm', 'inventory', 'erp', ...]
 */
const toolNames = (parts: readonly TopologyFragment[] = projectFragments): string[] =>
  parts.map((part) => part.name).filter((name) => !CORE_FRAGMENTS.has(name));

/**
 * The topology of a deployment with only some tools, for an operator who
 * needs the CRM sync and not the HR one. It merges the kernel, the shared
 * Lambdas and the chosen tools' fragments, and nothing else, so their
 * tables, queues, functions, routes, consumers and schedules are all that
 * gets built. Three rules keep the result deployable:
 *
 * - An unknown name fails, listing the known ones: a typo must not deploy
 *   a stack without the tool someone meant.
 * - A chosen tool that uses a table or queue another tool declares (ERP
 *   keeps stock counts in inventory's table; bulk writes ERP and inventory
 *   records) needs that tool: the selection fails, saying which tool to add
 *   and why, instead of deploying a function whose grants point nowhere.
 * - A shared Lambda's grant on a table or queue of a tool left out is
 *   dropped: the dispatcher can touch the ERP table only to run ERP actions,
 *   which nothing queues when the ERP tool is not deployed. Handlers read a
 *   table's name only when they use it, so the missing variable is never read.
 *
 * Integration secrets no chosen function reads are not created.
 *
 * @example
 * const topology = selectTools(['crm', 'monitor']);
 * selectTools(['crm', 'shop']); // throws: Unknown tool "shop" in -c tools. The tools are: ...
 */
const selectTools = (chosen: readonly string[], parts: readonly TopologyFragment[] = projectFragments): Topology => {
  const known = toolNames(parts);
  const wanted = new Set(chosen.filter((name) => !CORE_FRAGMENTS.has(name)));
  const unknown = [...wanted].filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `Unknown tool${unknown.length > 1 ? 's' : ''} ${unknown.map((name) => `"${name}"`).join(', ')} in -c tools. ` +
        `The tools are: ${known.join(', ')} (kernel and platform are always deployed).`,
    );
  }
  if (wanted.size === 0) {
    throw new Error(
      `-c tools names no tool. Name at least one of: ${known.join(', ')}; or leave it out to deploy all.`,
    );
  }

  const owners = ownersOf(parts);
  const deployed = (resource: string): boolean => {
    const owner = owners.get(resource);
    return owner === undefined || CORE_FRAGMENTS.has(owner) || wanted.has(owner);
  };
  const needs = [...wanted].flatMap((tool) => {
    const part = parts.find((candidate) => candidate.name === tool);
    return part ? missingFor(part, owners, deployed) : [];
  });
  if (needs.length > 0) {
    const missing = [...new Set(needs.map((need) => need.tool))];
    throw new Error(
      `The chosen tools need others:\n- ${needs.map((need) => need.reason).join('\n- ')}\n` +
        `Add them: -c tools=${[...wanted, ...missing].join(',')}`,
    );
  }

  const selected = parts
    .filter((part) => CORE_FRAGMENTS.has(part.name) || wanted.has(part.name))
    .map((part) => (CORE_FRAGMENTS.has(part.name) ? withoutGrantsOutside(part, deployed) : part));
  const merged = mergeTopology(selected);
  const read = new Set<string>(Object.values(merged.functions).flatMap((fn) => fn.integrations ?? []));
  return {
    ...merged,
    integrations: Object.fromEntries(Object.entries(merged.integrations).filter(([name]) => read.has(name))),
  };
};

/** Which fragment declares each table and queue (names are global, so one each). */
const ownersOf = (parts: readonly TopologyFragment[]): Map<string, string> => {
  const owners = new Map<string, string>();
  for (const part of parts) {
    for (const name of [...Object.keys(part.tables ?? {}), ...Object.keys(part.queues ?? {})]) {
      owners.set(name, part.name);
    }
  }
  return owners;
};

/** The tables and queues a function touches, its own dead-letter queues included. */
const resourcesOf = (fn: FunctionSpec): string[] => [
  ...Object.keys(fn.tables ?? {}),
  ...Object.keys(fn.queues ?? {}),
  ...Object.keys(fn.deadLetterQueues ?? {}),
];

/** What a chosen tool uses of tools not chosen, one sentence each. */
const missingFor = (
  part: TopologyFragment,
  owners: ReadonlyMap<string, string>,
  deployed: (resource: string) => boolean,
): { tool: string; reason: string }[] => {
  const uses: { user: string; resource: string }[] = [
    ...Object.entries(part.functions ?? {}).flatMap(([name, fn]) =>
      resourcesOf(fn).map((resource) => ({ user: `function ${name}`, resource })),
    ),
    ...(part.streamConsumers ?? []).map((c) => ({ user: `stream consumer ${c.function}`, resource: c.table })),
    ...(part.queueConsumers ?? []).map((c) => ({ user: `queue consumer ${c.function}`, resource: c.queue })),
  ];
  return uses
    .filter(({ resource }) => !deployed(resource))
    .map(({ user, resource }) => {
      const tool = owners.get(resource) ?? resource;
      return { tool, reason: `${part.name} needs ${tool}: its ${user} uses "${resource}", declared by ${tool}.` };
    });
};

/** A shared fragment whose functions keep only grants on what is deployed. */
const withoutGrantsOutside = (part: TopologyFragment, deployed: (resource: string) => boolean): TopologyFragment => {
  if (!part.functions) return part;
  const keep = <V>(record: Readonly<Record<string, V>> | undefined) =>
    record === undefined ? undefined : Object.fromEntries(Object.entries(record).filter(([name]) => deployed(name)));
  const functions = Object.fromEntries(
    Object.entries(part.functions).map(([name, fn]): [string, FunctionSpec] => {
      const tables = keep(fn.tables);
      const queues = keep(fn.queues);
      const deadLetterQueues = keep(fn.deadLetterQueues);
      return [
        name,
        {
          ...fn,
          ...(tables ? { tables } : {}),
          ...(queues ? { queues } : {}),
          ...(deadLetterQueues ? { deadLetterQueues } : {}),
        },
      ];
    }),
  );
  return { ...part, functions };
};

export { selectTools, toolNames };
