import { type AnyTopology, type FilterPattern, queueEnvName, tableEnvName } from '../lib/topology.js';
import { checkFilterPattern } from './filter-pattern.js';
import { type ParsedSchedule, parseScheduleExpression } from './schedule-expression.js';

/**
 * What the offline runtime wires, as plain data derived from the topology.
 *
 * The runtime builds everything from this value and never reads the
 * topology itself, so a test can compare it with the CDK template and know
 * that AWS and the offline stack are wired alike.
 */
interface OfflinePlan {
  readonly tables: readonly PlannedTable[];
  readonly queues: readonly PlannedQueue[];
  readonly functions: readonly PlannedFunction[];
  readonly routes: readonly PlannedRoute[];
  readonly streamConsumers: readonly PlannedStreamConsumer[];
  readonly queueConsumers: readonly PlannedQueueConsumer[];
  readonly schedules: readonly PlannedSchedule[];
}

interface PlannedTable {
  readonly name: string;
  /** Variable that carries the physical name to the handlers. */
  readonly envName: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
  readonly billingMode: 'PAY_PER_REQUEST';
  readonly stream?: 'NEW_AND_OLD_IMAGES' | 'NEW_IMAGE';
  readonly ttlAttribute?: string;
  readonly indexes: readonly {
    readonly name: string;
    readonly partitionKey: string;
    readonly sortKey?: string;
    readonly projection: 'ALL' | 'INCLUDE';
    /** With INCLUDE: the non-key attributes the index carries. */
    readonly nonKeyAttributes?: readonly string[];
  }[];
}

interface PlannedQueue {
  readonly name: string;
  /** Variable that carries the queue URL to the handlers. */
  readonly envName: string;
  readonly fifo: boolean;
  readonly visibilityTimeoutSeconds: number;
  readonly maxReceiveCount: number;
  readonly retentionSeconds: number;
  /** Every queue has one; a FIFO queue's DLQ is FIFO too, as SQS requires. */
  readonly dlq: { readonly name: string; readonly fifo: boolean; readonly retentionSeconds: number };
}

interface PlannedFunction {
  readonly name: string;
  readonly entry: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
}

interface PlannedRoute {
  /** API Gateway's route key, `GET /admin/records/{type}`. */
  readonly routeKey: string;
  readonly method: string;
  readonly path: string;
  readonly function: string;
  /** The Lambda authorizer that runs first, or null for public routes. */
  readonly authorizer: string | null;
}

interface PlannedStreamConsumer {
  readonly table: string;
  readonly function: string;
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  readonly startingPosition: 'LATEST' | 'TRIM_HORIZON';
  readonly retryAttempts: number;
  readonly bisectBatchOnError: boolean;
  readonly onFailure: string;
  readonly filters: readonly FilterPattern[];
  /** Always on: invariant 3 of the design. */
  readonly reportBatchItemFailures: true;
}

interface PlannedQueueConsumer {
  readonly queue: string;
  readonly function: string;
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  readonly maxConcurrency: number;
  readonly reportBatchItemFailures: true;
}

interface PlannedSchedule {
  readonly name: string;
  readonly function: string;
  readonly expression: string;
  readonly schedule: ParsedSchedule;
}

/** Options that change the plan; the defaults match the CDK stack. */
interface PlanOptions {
  /** Function that authorizes `auth: 'admin'` routes. */
  readonly authorizerFunction?: string;
}

const DAY_SECONDS = 86_400;
/** SQS's maximum retention, so nothing in a DLQ expires before someone looks. */
const DLQ_RETENTION_SECONDS = 14 * DAY_SECONDS;

/** Checks that AWS itself would make (and a few of our own), so offline fails where a deploy would. */
const validate = (topology: AnyTopology, authorizer: string): void => {
  const problems: string[] = [];
  const fn = (name: string, where: string): void => {
    if (!topology.functions[name]) problems.push(`${where}: unknown function "${name}"`);
  };
  const seenRoutes = new Set<string>();
  for (const route of topology.routes) {
    const key = `${route.method} ${route.path}`;
    fn(route.function, `route ${key}`);
    if (seenRoutes.has(key)) problems.push(`route ${key} is declared twice`);
    seenRoutes.add(key);
    if (route.auth === 'admin') fn(authorizer, `authorizer of route ${key}`);
    if (!route.path.startsWith('/')) problems.push(`route ${key}: the path must start with "/"`);
  }
  for (const consumer of topology.streamConsumers) {
    const where = `stream consumer ${consumer.table} -> ${consumer.function}`;
    fn(consumer.function, where);
    const table = topology.tables[consumer.table];
    if (!table) problems.push(`${where}: unknown table`);
    else if (!table.stream) problems.push(`${where}: table "${consumer.table}" has no stream`);
    const onFailure = topology.queues[consumer.onFailure];
    if (!onFailure) problems.push(`${where}: unknown on-failure queue "${consumer.onFailure}"`);
    else if (onFailure.fifo) problems.push(`${where}: an on-failure destination must be a standard queue, not FIFO`);
    if (consumer.batchSize < 1 || consumer.batchSize > 10_000) problems.push(`${where}: batch size must be 1-10000`);
    for (const pattern of consumer.filters) {
      try {
        checkFilterPattern(pattern);
      } catch (error) {
        problems.push(`${where}: ${(error as Error).message}`);
      }
    }
    if (consumer.retryAttempts < -1 || consumer.retryAttempts > 10_000)
      problems.push(`${where}: retry attempts must be -1..10000`);
  }
  for (const consumer of topology.queueConsumers) {
    const where = `queue consumer ${consumer.queue} -> ${consumer.function}`;
    fn(consumer.function, where);
    const queue = topology.queues[consumer.queue];
    const spec = topology.functions[consumer.function];
    if (!queue) problems.push(`${where}: unknown queue`);
    else {
      const maxBatch = queue.fifo ? 10 : 10_000;
      if (consumer.batchSize < 1 || consumer.batchSize > maxBatch)
        problems.push(`${where}: batch size must be 1-${maxBatch}`);
      if (consumer.batchSize > 10 && consumer.maxBatchingWindowSeconds < 1) {
        problems.push(`${where}: a batch size above 10 needs a batching window of at least 1 s`);
      }
      if (spec && spec.timeoutSeconds > queue.visibilityTimeoutSeconds) {
        problems.push(`${where}: the function timeout exceeds the queue's visibility timeout`);
      }
    }
    if (consumer.maxConcurrency < 2 || consumer.maxConcurrency > 1_000)
      problems.push(`${where}: maximum concurrency must be 2-1000`);
  }
  for (const schedule of topology.schedules) {
    fn(schedule.function, `schedule ${schedule.name}`);
    try {
      parseScheduleExpression(schedule.expression);
    } catch (error) {
      problems.push(`schedule ${schedule.name}: ${(error as Error).message}`);
    }
  }
  for (const name of Object.keys(topology.tables)) {
    if (name.length < 3) problems.push(`table "${name}": DynamoDB table names need at least 3 characters`);
  }
  for (const name of Object.keys(topology.queues)) {
    if (!/^[A-Za-z0-9_-]{1,70}$/.test(name)) problems.push(`queue "${name}": use letters, digits, "-" and "_" only`);
  }
  if (problems.length > 0) throw new Error(`The topology cannot be wired:\n- ${problems.join('\n- ')}`);
};

/**
 * Derives what the offline runtime wires from a topology, after checking it
 * the way AWS would (unknown functions, a consumer of a table without a
 * stream, a FIFO on-failure queue, a function slower than its queue's
 * visibility timeout, a bad schedule expression).
 *
 * @example
 * const plan = planOffline(topology);
 * expect(plan.streamConsumers.map((c) => c.retryAttempts)).toEqual([3]);
 */
const planOffline = (topology: AnyTopology, options: PlanOptions = {}): OfflinePlan => {
  const authorizer = options.authorizerFunction ?? 'adminAuthorizer';
  validate(topology, authorizer);
  return {
    tables: Object.entries(topology.tables).map(([name, spec]) => ({
      name,
      envName: tableEnvName(name),
      partitionKey: spec.partitionKey,
      ...(spec.sortKey ? { sortKey: spec.sortKey } : {}),
      billingMode: 'PAY_PER_REQUEST' as const,
      ...(spec.stream ? { stream: spec.stream } : {}),
      ...(spec.ttlAttribute ? { ttlAttribute: spec.ttlAttribute } : {}),
      indexes: (spec.indexes ?? []).map((index) => ({
        name: index.name,
        partitionKey: index.partitionKey,
        ...(index.sortKey ? { sortKey: index.sortKey } : {}),
        ...(index.include
          ? { projection: 'INCLUDE' as const, nonKeyAttributes: index.include }
          : { projection: 'ALL' as const }),
      })),
    })),
    queues: Object.entries(topology.queues).map(([name, spec]) => ({
      name,
      envName: queueEnvName(name),
      fifo: spec.fifo,
      visibilityTimeoutSeconds: spec.visibilityTimeoutSeconds,
      maxReceiveCount: spec.maxReceiveCount,
      retentionSeconds: spec.retentionDays * DAY_SECONDS,
      dlq: { name: `${name}-dlq`, fifo: spec.fifo, retentionSeconds: DLQ_RETENTION_SECONDS },
    })),
    functions: Object.entries(topology.functions).map(([name, spec]) => ({
      name,
      entry: spec.entry,
      timeoutSeconds: spec.timeoutSeconds,
      memoryMb: spec.memoryMb,
    })),
    routes: topology.routes.map((route) => ({
      routeKey: `${route.method} ${route.path}`,
      method: route.method,
      path: route.path,
      function: route.function,
      authorizer: route.auth === 'admin' ? authorizer : null,
    })),
    streamConsumers: topology.streamConsumers.map((consumer) => ({
      table: consumer.table,
      function: consumer.function,
      batchSize: consumer.batchSize,
      maxBatchingWindowSeconds: consumer.maxBatchingWindowSeconds,
      startingPosition: consumer.startingPosition,
      retryAttempts: consumer.retryAttempts,
      bisectBatchOnError: consumer.bisectBatchOnError,
      onFailure: consumer.onFailure,
      filters: consumer.filters,
      reportBatchItemFailures: true as const,
    })),
    queueConsumers: topology.queueConsumers.map((consumer) => ({
      queue: consumer.queue,
      function: consumer.function,
      batchSize: consumer.batchSize,
      maxBatchingWindowSeconds: consumer.maxBatchingWindowSeconds,
      maxConcurrency: consumer.maxConcurrency,
      reportBatchItemFailures: true as const,
    })),
    schedules: topology.schedules.map((schedule) => ({
      name: schedule.name,
      function: schedule.function,
      expression: schedule.expression,
      schedule: parseScheduleExpression(schedule.expression),
    })),
  };
};

export { planOffline };
export type {
  OfflinePlan,
  PlanOptions,
  PlannedFunction,
  PlannedQueue,
  PlannedQueueConsumer,
  PlannedRoute,
  PlannedSchedule,
  PlannedStreamConsumer,
  PlannedTable,
};
