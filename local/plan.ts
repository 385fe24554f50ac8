import { assertDeployable } from '../lib/check-topology.js';
import type { FilterPattern, Topology } from '../lib/topology-spec.js';
import {
  deadLetterQueueEnvName,
  queueEnvName,
  queueMaxReceiveEnvName,
  tableEnvName,
} from '../functions/kernel/wiring/env-names.js';
import { type ParsedSchedule, parseScheduleExpression } from '../lib/schedule-expression.js';

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
  /** Variable that tells the queue's consumer its maxReceiveCount. */
  readonly maxReceiveEnvName: string;
  readonly fifo: boolean;
  readonly visibilityTimeoutSeconds: number;
  readonly maxReceiveCount: number;
  readonly retentionSeconds: number;
  /** Every queue has one; a FIFO queue's DLQ is FIFO too, as SQS requires. */
  readonly dlq: {
    readonly name: string;
    /** The variable that carries the DLQ's URL to functions granted `deadLetterQueues`. */
    readonly envName: string;
    readonly fifo: boolean;
    readonly retentionSeconds: number;
  };
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

const DAY_SECONDS = 86_400;
/** SQS's maximum retention, so nothing in a DLQ expires before someone looks. */
const DLQ_RETENTION_SECONDS = 14 * DAY_SECONDS;

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
const planOffline = (topology: Topology): OfflinePlan => {
  // The same validator as the CDK stack's: what `cdk synth` refuses, `npm start` refuses.
  assertDeployable(topology, 'The topology cannot be wired');
  const authorizer = topology.authorizer ?? null;
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
      maxReceiveEnvName: queueMaxReceiveEnvName(name),
      fifo: spec.fifo,
      visibilityTimeoutSeconds: spec.visibilityTimeoutSeconds,
      maxReceiveCount: spec.maxReceiveCount,
      retentionSeconds: spec.retentionDays * DAY_SECONDS,
      dlq: {
        name: `${name}-dlq`,
        envName: deadLetterQueueEnvName(name),
        fifo: spec.fifo,
        retentionSeconds: DLQ_RETENTION_SECONDS,
      },
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
  PlannedFunction,
  PlannedQueue,
  PlannedQueueConsumer,
  PlannedRoute,
  PlannedSchedule,
  PlannedStreamConsumer,
  PlannedTable,
};
