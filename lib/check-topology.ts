import type { AnyTopology } from './topology.js';

/**
 * Finds what in a topology cannot be deployed, before anything is built:
 * references to undeclared tables, queues or functions, a stream consumer on
 * a table without a stream, a queue whose visibility timeout is shorter than
 * its consumer's timeout (Lambda refuses the mapping), a batching window on
 * a FIFO queue (not supported), admin routes without the authorizer. Each
 * problem names where it is, so one run lists them all.
 *
 * @example
 * const problems = topologyProblems(topology);
 * if (problems.length > 0) throw new Error(problems.join('\n'));
 */
export const topologyProblems = (topology: AnyTopology, adminAuthorizer: string): string[] => {
  const problems: string[] = [];
  const has = (record: Readonly<Record<string, unknown>>, key: string): boolean => Object.hasOwn(record, key);
  const needFunction = (name: string, where: string): void => {
    if (!has(topology.functions, name)) problems.push(`${where}: function "${name}" is not declared.`);
  };

  for (const [name, spec] of Object.entries(topology.functions)) {
    for (const table of Object.keys(spec.tables ?? {})) {
      if (!has(topology.tables, table)) problems.push(`function ${name}: table "${table}" is not declared.`);
    }
    for (const queue of Object.keys(spec.queues ?? {})) {
      if (!has(topology.queues, queue)) problems.push(`function ${name}: queue "${queue}" is not declared.`);
    }
  }

  for (const route of topology.routes) needFunction(route.function, `route ${route.method} ${route.path}`);
  if (topology.routes.some((route) => route.auth === 'admin')) {
    needFunction(adminAuthorizer, 'admin routes need their authorizer');
  }

  for (const consumer of topology.streamConsumers) {
    const where = `stream consumer ${consumer.function} of ${consumer.table}`;
    needFunction(consumer.function, where);
    const table = topology.tables[consumer.table];
    if (!table) problems.push(`${where}: table "${consumer.table}" is not declared.`);
    else if (!table.stream) problems.push(`${where}: table "${consumer.table}" has no stream; set \`stream\` on it.`);
    if (!has(topology.queues, consumer.onFailure)) {
      problems.push(`${where}: on-failure queue "${consumer.onFailure}" is not declared.`);
    }
  }

  for (const consumer of topology.queueConsumers) {
    const where = `queue consumer ${consumer.function} of ${consumer.queue}`;
    needFunction(consumer.function, where);
    const queue = topology.queues[consumer.queue];
    const fn = topology.functions[consumer.function];
    if (!queue) {
      problems.push(`${where}: queue "${consumer.queue}" is not declared.`);
      continue;
    }
    if (fn && queue.visibilityTimeoutSeconds < fn.timeoutSeconds) {
      problems.push(`${where}: the queue's visibility timeout is shorter than the function's timeout.`);
    }
    if (queue.fifo && consumer.maxBatchingWindowSeconds > 0) {
      problems.push(`${where}: SQS FIFO event sources do not support a batching window.`);
    }
  }

  for (const schedule of topology.schedules) {
    needFunction(schedule.function, `schedule ${schedule.name}`);
    if (!/^(rate|cron)\(.+\)$/.test(schedule.expression)) {
      problems.push(`schedule ${schedule.name}: "${schedule.expression}" is neither rate(...) nor cron(...).`);
    }
  }
  return problems;
};
