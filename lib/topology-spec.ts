import type { FilterPattern, FilterValue } from '../functions/kernel/wiring/filter-pattern.js';
import type { IntegrationName, IntegrationSpec } from '../functions/kernel/wiring/integrations.js';

/**
 * The shape of the topology: what a table, queue, function, route, stream
 * consumer, queue consumer and schedule is, as plain data. Each tool
 * declares its own part (a {@link TopologyFragment}) in
 * `functions/<tool>/topology.ts`; `lib/topology.ts` merges them into the one
 * {@link Topology} that the CDK stack builds and the offline runtime wires.
 *
 * Types and constants only: fragments import this module, and nothing here
 * may pull code into them.
 */

/** A DynamoDB key attribute; every key in this project is a string. */
export interface KeyAttribute {
  readonly name: string;
}

export interface IndexSpec {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
  /**
   * Non-key attributes the index carries (projection INCLUDE); without it,
   * every attribute (ALL). A narrow projection is cheaper than it looks:
   * DynamoDB writes to the index only when the item's index key or one of
   * these attributes changes, so ordinary data updates cost no index write.
   */
  readonly include?: readonly string[];
}

export interface TableSpec {
  /** What the table holds; shown in the README and on the CDK resource. */
  readonly description: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
  /** Present when a stream consumer reads the table. */
  readonly stream?: 'NEW_AND_OLD_IMAGES' | 'NEW_IMAGE';
  /** Attribute holding an epoch-seconds expiry, for items that expire. */
  readonly ttlAttribute?: string;
  readonly indexes?: readonly IndexSpec[];
}

export interface QueueSpec {
  readonly description: string;
  /** FIFO keeps order per message group (one group per target record). */
  readonly fifo: boolean;
  /** Must be at least the consumer's timeout; AWS suggests 6x. */
  readonly visibilityTimeoutSeconds: number;
  /** Receives before a message moves to the queue's DLQ. */
  readonly maxReceiveCount: number;
  readonly retentionDays: number;
}

/** A DynamoDB operation, named as IAM names its action (`dynamodb:GetItem`). */
export type TableOperation =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'Scan'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'BatchWriteItem'
  | 'ConditionCheckItem'
  /** A PartiQL SELECT (ExecuteStatement), on the table and its indexes. */
  | 'PartiQLSelect';
/**
 * The operations a function calls on a table; exactly these are granted
 * (each item of a TransactWriteItems call is authorised by its own action).
 * `test/unit/table-grants.test.ts` holds the list to what the code calls.
 */
export type TableAccess = readonly TableOperation[];
/** `consume-send`: a consumer that also sends to its own queue (a bulk page handing on the next one). */
export type QueueAccess = 'send' | 'consume' | 'consume-send';
/**
 * What a function does with a queue's dead-letter queue: `send` puts a
 * message there itself (a consumer that knows a failure is permanent, with
 * its cause); `redrive` lists it and moves messages back to the queue.
 */
export type DeadLetterAccess = 'send' | 'redrive';

export interface FunctionSpec {
  readonly description: string;
  /** Path of the handler module from the repository root; it exports `handler`. */
  readonly entry: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /**
   * Lambda reserved concurrency: at most this many environments at once,
   * and this many kept for the function whatever else runs. For functions
   * anyone on the internet can invoke (public webhooks): a flood of
   * unsigned requests is refused by at most this many environments, and
   * cannot take the account's concurrency from the queue and stream
   * consumers. The account must keep 100 unreserved beyond the sum of all
   * reservations (Lambda's rule), so keep these few and small.
   */
  readonly reservedConcurrency?: number;
  readonly tables?: Readonly<Record<string, TableAccess>>;
  readonly queues?: Readonly<Record<string, QueueAccess>>;
  /** Dead-letter queues of the named queues; the URL arrives as `{QUEUE}_DLQ_URL`. */
  readonly deadLetterQueues?: Readonly<Record<string, DeadLetterAccess>>;
  /** Integrations whose secret the function may read. */
  readonly integrations?: readonly IntegrationName[];
  /** Whether the function sends mail through SES. */
  readonly sendsMail?: boolean;
  /**
   * The on-failure queue (`streamFailures`) whose stream batches this
   * function replays: it may read the streams of the tables whose consumers
   * fail to that queue (GetShardIterator, GetRecords) and invoke those
   * consumers, and nothing else; it learns them (name, filters) from
   * `STREAM_CONSUMERS`.
   */
  readonly replaysStreamFailures?: string;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

export interface RouteSpec {
  readonly method: HttpMethod;
  /** API Gateway path syntax: `/admin/records/{type}/{id}`. */
  readonly path: string;
  readonly function: string;
  /**
   * `public`: no authorizer (webhooks verify their own signatures);
   * `admin`: the bearer-token authorizer runs first.
   */
  readonly auth: 'public' | 'admin';
  /** This route's own request budget; without it, {@link routeThrottleDefaults} for its `auth`. */
  readonly throttle?: RouteThrottle;
}

/**
 * What API Gateway lets through to one route (a token bucket per route key:
 * `rateLimit` requests a second steadily, `burstLimit` at once). Above it
 * the caller gets 429 before any Lambda runs, so a flood on one route
 * spends that route's budget and nobody else's.
 */
export interface RouteThrottle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/**
 * The budget of each route that names none, by who may call it.
 *
 * - `public` (webhooks, `/health`): 50 requests a second, bursts of 100.
 *   Far above what one vendor sends (a CRM or an ERP delivers a few changes
 *   a second at its busiest; Shopify-style senders retry on 429, so a
 *   burst past it is delayed, not lost), and matched to the webhook
 *   functions' reserved concurrency: 50 a second at about 200 ms each is 10
 *   environments.
 * - `admin`: 10 a second, bursts of 20: a person or a script (`npm run
 *   redrive` pages through a DLQ) and nothing more; a stolen or guessed
 *   token cannot turn the admin API into a scan of the tables.
 *
 * The stage's default throttle stays as the ceiling of any route the
 * stack builds without a budget.
 */
export const routeThrottleDefaults: Readonly<Record<RouteSpec['auth'], RouteThrottle>> = {
  public: { rateLimit: 50, burstLimit: 100 },
  admin: { rateLimit: 10, burstLimit: 20 },
};

/**
 * A Lambda event filter pattern (the EventBridge pattern subset Lambda
 * supports), applied to each stream record before the function sees it.
 * Declared with the matcher in the wiring (the stream-failure replayer
 * applies the same filters), re-exported for the topology's users.
 */
export type { FilterPattern, FilterValue };

export interface StreamConsumerSpec {
  readonly table: string;
  readonly function: string;
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  readonly startingPosition: 'LATEST' | 'TRIM_HORIZON';
  /** Bounded retries: the AWS default (-1) stalls a shard for a day. */
  readonly retryAttempts: number;
  readonly bisectBatchOnError: boolean;
  /** Queue that receives the batch description once retries are spent. */
  readonly onFailure: string;
  /** A record passes when it matches any pattern. */
  readonly filters: readonly FilterPattern[];
}

export interface QueueConsumerSpec {
  readonly queue: string;
  readonly function: string;
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  /** Lambda's `maximumConcurrency` (2 to 1,000). */
  readonly maxConcurrency: number;
}

export interface ScheduleSpec {
  readonly name: string;
  readonly function: string;
  /** EventBridge syntax: `rate(5 minutes)` or `cron(0/15 * * * ? *)`. */
  readonly expression: string;
}

/** Shared by every stream consumer: bounded retries, bisection, and a queue for what still fails. */
export const streamConsumerDefaults = {
  batchSize: 25,
  maxBatchingWindowSeconds: 0,
  startingPosition: 'LATEST',
  retryAttempts: 3,
  bisectBatchOnError: true,
  onFailure: 'streamFailures',
} as const;

/** The whole topology: every fragment merged. */
export interface Topology {
  readonly tables: Readonly<Record<string, TableSpec>>;
  readonly queues: Readonly<Record<string, QueueSpec>>;
  readonly functions: Readonly<Record<string, FunctionSpec>>;
  readonly routes: readonly RouteSpec[];
  readonly streamConsumers: readonly StreamConsumerSpec[];
  readonly queueConsumers: readonly QueueConsumerSpec[];
  readonly schedules: readonly ScheduleSpec[];
  /** Every integration with the fields of its secret (see `functions/kernel/wiring/integrations.ts`). */
  readonly integrations: Readonly<Record<string, IntegrationSpec>>;
  /** The function that authorizes `auth: 'admin'` routes; required when such routes exist. */
  readonly authorizer?: string;
  /**
   * The function that lists the schedules and runs one now (the admin API);
   * required when schedules exist. The stack gives it the schedule catalogue
   * (`SCHEDULES`) and leave to invoke each scheduled function.
   */
  readonly scheduleRunner?: string;
}

/**
 * What one tool (or the kernel, or the shared Lambdas) contributes: the
 * tables it owns, its functions, routes, consumers and schedules. Names are
 * global: two fragments may not declare the same table, queue, function,
 * route or schedule (`mergeTopology` refuses it).
 */
export interface TopologyFragment extends Partial<Topology> {
  /** Who contributes it (`crm`, `inventory`, ...); named in merge errors. */
  readonly name: string;
}
