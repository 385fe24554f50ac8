import { SCHEDULE_NAME_PATTERN } from '../functions/kernel/wiring/schedules.js';
import { checkFilterPattern } from './filter-pattern.js';
import { parseScheduleExpression } from './schedule-expression.js';
import type { TableOperation, Topology } from './topology-spec.js';

/** The table that keeps each schedule's last run. */
const RUNS_TABLE = 'control';
/** What the run recorder of every scheduled function calls on it (`functions/kernel/schedules/run-writes.ts`). */
const RECORDER_OPERATIONS: readonly TableOperation[] = ['UpdateItem'];
/** What the schedule runner calls on it: it reads the last runs and records a manual run as queued. */
const RUNNER_OPERATIONS: readonly TableOperation[] = ['GetItem', 'UpdateItem'];
/**
 * Bytes of the runner's environment the schedule catalogue (`SCHEDULES`) may
 * take: Lambda allows 4 KB for all variables together, and the runner's
 * others (table names, Powertools settings) need about 1 KB.
 */
const CATALOGUE_BUDGET_BYTES = 3_072;
/** The longest physical name CloudFormation generates for a function; the catalogue holds names. */
const MAX_FUNCTION_NAME = 64;

/**
 * Finds what in a topology cannot be deployed, before anything is built:
 * the one validator that both the CDK stack and the offline runtime run, so
 * `cdk synth` and `npm start` refuse the same topologies. It checks what
 * AWS would refuse (a stream consumer on a table without a stream, a FIFO
 * on-failure destination, batch sizes and concurrency out of range, a
 * visibility timeout shorter than the consumer's timeout, a batching window
 * on a FIFO source, a bad schedule expression or filter pattern, short
 * table names) and what would break at run time (references to undeclared
 * tables, queues, functions or integrations, duplicate routes, admin routes
 * without the authorizer, schedules without a schedule runner, a scheduled
 * function that cannot record its runs, a schedule catalogue too large
 * for the runner's environment). Each problem names where it is, so one
 * run lists them all.
 *
 * @example
 * const problems = topologyProblems(topology);
 * if (problems.length > 0) throw new Error(problems.join('\n'));
 */
export const topologyProblems = (topology: Topology): string[] => {
  const problems: string[] = [];
  const has = (record: Readonly<Record<string, unknown>>, key: string): boolean => Object.hasOwn(record, key);
  const needFunction = (name: string, where: string): void => {
    if (!has(topology.functions, name)) problems.push(`${where}: function "${name}" is not declared.`);
  };

  for (const name of Object.keys(topology.tables)) {
    if (name.length < 3) problems.push(`table "${name}": DynamoDB table names need at least 3 characters.`);
  }
  for (const name of Object.keys(topology.queues)) {
    if (!/^[A-Za-z0-9_-]{1,70}$/.test(name)) problems.push(`queue "${name}": use letters, digits, "-" and "_" only.`);
  }

  for (const [name, spec] of Object.entries(topology.functions)) {
    for (const table of Object.keys(spec.tables ?? {})) {
      if (!has(topology.tables, table)) problems.push(`function ${name}: table "${table}" is not declared.`);
    }
    for (const queue of Object.keys(spec.queues ?? {})) {
      if (!has(topology.queues, queue)) problems.push(`function ${name}: queue "${queue}" is not declared.`);
    }
    for (const queue of Object.keys(spec.deadLetterQueues ?? {})) {
      if (!has(topology.queues, queue)) {
        problems.push(`function ${name}: the dead-letter queue of "${queue}": queue "${queue}" is not declared.`);
      }
    }
    if (spec.replaysStreamFailures !== undefined && !has(topology.queues, spec.replaysStreamFailures)) {
      problems.push(
        `function ${name}: replays stream failures of queue "${spec.replaysStreamFailures}", which is not declared.`,
      );
    }
    for (const integration of spec.integrations ?? []) {
      if (!has(topology.integrations, integration)) {
        problems.push(`function ${name}: integration "${integration}" is not declared.`);
      }
    }
  }

  const seenRoutes = new Set<string>();
  for (const route of topology.routes) {
    const key = `${route.method} ${route.path}`;
    needFunction(route.function, `route ${key}`);
    if (seenRoutes.has(key)) problems.push(`route ${key} is declared twice.`);
    seenRoutes.add(key);
    if (!route.path.startsWith('/')) problems.push(`route ${key}: the path must start with "/".`);
  }
  if (topology.routes.some((route) => route.auth === 'admin')) {
    if (topology.authorizer === undefined)
      problems.push('admin routes need an authorizer; set `authorizer` on a fragment.');
    else needFunction(topology.authorizer, 'the authorizer of admin routes');
  }

  for (const consumer of topology.streamConsumers) {
    const where = `stream consumer ${consumer.function} of ${consumer.table}`;
    needFunction(consumer.function, where);
    const table = topology.tables[consumer.table];
    if (!table) problems.push(`${where}: table "${consumer.table}" is not declared.`);
    else if (!table.stream) problems.push(`${where}: table "${consumer.table}" has no stream; set \`stream\` on it.`);
    const onFailure = topology.queues[consumer.onFailure];
    if (!onFailure) problems.push(`${where}: on-failure queue "${consumer.onFailure}" is not declared.`);
    else if (onFailure.fifo) problems.push(`${where}: an on-failure destination must be a standard queue, not FIFO.`);
    if (!inRange(consumer.batchSize, 1, 10_000)) problems.push(`${where}: batch size must be 1 to 10000.`);
    if (!inRange(consumer.retryAttempts, 0, 10_000)) {
      // -1 (retry forever) is AWS's default and stalls a shard for a day on one poison record.
      problems.push(`${where}: retry attempts must be 0 to 10000 (bounded).`);
    }
    for (const pattern of consumer.filters) {
      try {
        checkFilterPattern(pattern);
      } catch (error) {
        problems.push(`${where}: ${(error as Error).message}`);
      }
    }
  }

  for (const consumer of topology.queueConsumers) {
    const where = `queue consumer ${consumer.function} of ${consumer.queue}`;
    needFunction(consumer.function, where);
    if (!inRange(consumer.maxConcurrency, 2, 1_000)) problems.push(`${where}: maximum concurrency must be 2 to 1000.`);
    const queue = topology.queues[consumer.queue];
    if (!queue) {
      problems.push(`${where}: queue "${consumer.queue}" is not declared.`);
      continue;
    }
    const maxBatch = queue.fifo ? 10 : 10_000;
    if (!inRange(consumer.batchSize, 1, maxBatch)) problems.push(`${where}: batch size must be 1 to ${maxBatch}.`);
    if (consumer.batchSize > 10 && consumer.maxBatchingWindowSeconds < 1) {
      problems.push(`${where}: a batch size above 10 needs a batching window of at least 1 s.`);
    }
    if (queue.fifo && consumer.maxBatchingWindowSeconds > 0) {
      problems.push(`${where}: SQS FIFO event sources do not support a batching window.`);
    }
    const fn = topology.functions[consumer.function];
    if (fn && queue.visibilityTimeoutSeconds < fn.timeoutSeconds) {
      problems.push(`${where}: the queue's visibility timeout is shorter than the function's timeout.`);
    }
  }

  const seenSchedules = new Set<string>();
  const grants = (fn: string, operations: readonly TableOperation[]): boolean => {
    const access = topology.functions[fn]?.tables?.[RUNS_TABLE] ?? [];
    return operations.every((operation) => access.includes(operation));
  };
  for (const schedule of topology.schedules) {
    const where = `schedule ${schedule.name}`;
    needFunction(schedule.function, where);
    if (seenSchedules.has(schedule.name)) problems.push(`${where} is declared twice.`);
    seenSchedules.add(schedule.name);
    if (!SCHEDULE_NAME_PATTERN.test(schedule.name)) {
      problems.push(`${where}: a name is 1 to 64 letters, digits, ".", "_" or "-" (it is part of an admin URL).`);
    }
    try {
      parseScheduleExpression(schedule.expression);
    } catch (error) {
      problems.push(`${where}: ${(error as Error).message}`);
    }
    if (has(topology.functions, schedule.function) && !grants(schedule.function, RECORDER_OPERATIONS)) {
      problems.push(
        `${where}: function ${schedule.function} cannot record its runs; declare ${RUNS_TABLE}: [${RECORDER_OPERATIONS.map((o) => `'${o}'`).join(', ')}] in its tables.`,
      );
    }
  }
  problems.push(...scheduleRunnerProblems(topology, grants));
  return problems;
};

/**
 * The schedule runner (the function behind `/admin/schedules`): declared
 * when schedules exist, able to read and write the runs, not scheduled
 * itself (its catalogue names the scheduled functions, so a scheduled runner
 * would name itself, a circular reference CloudFormation refuses), and with
 * a catalogue that fits in its environment.
 */
const scheduleRunnerProblems = (
  topology: Topology,
  grants: (fn: string, operations: readonly TableOperation[]) => boolean,
): string[] => {
  const runner = topology.scheduleRunner;
  if (runner === undefined) {
    return topology.schedules.length > 0
      ? ['schedules need a schedule runner; set `scheduleRunner` on a fragment.']
      : [];
  }
  const where = `the schedule runner ${runner}`;
  if (!Object.hasOwn(topology.functions, runner)) return [`${where}: function "${runner}" is not declared.`];
  const problems: string[] = [];
  if (!grants(runner, RUNNER_OPERATIONS)) {
    problems.push(
      `${where} cannot read and record runs; declare ${RUNS_TABLE}: [${RUNNER_OPERATIONS.map((o) => `'${o}'`).join(', ')}] in its tables.`,
    );
  }
  if (topology.schedules.some((schedule) => schedule.function === runner)) {
    problems.push(`${where} cannot be scheduled itself: its catalogue would name its own function.`);
  }
  const catalogue = JSON.stringify(
    topology.schedules.map((s) => ({
      name: s.name,
      expression: s.expression,
      function: 'x'.repeat(MAX_FUNCTION_NAME),
    })),
  );
  if (Buffer.byteLength(catalogue) > CATALOGUE_BUDGET_BYTES) {
    problems.push(
      `${where}: the schedule catalogue may take up to ${Buffer.byteLength(catalogue)} bytes of its environment, over the ${CATALOGUE_BUDGET_BYTES} it has (Lambda allows 4 KB in all).`,
    );
  }
  return problems;
};

const inRange = (value: number, min: number, max: number): boolean =>
  Number.isInteger(value) && value >= min && value <= max;

/** Throws with every problem at once, as `cdk synth` and `npm start` both do before building anything. */
export const assertDeployable = (topology: Topology, what: string): void => {
  const problems = topologyProblems(topology);
  if (problems.length > 0) throw new Error(`${what}:\n- ${problems.join('\n- ')}`);
};
