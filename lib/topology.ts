/**
 * The one topology of sync-tools.
 *
 * Every table, queue, function, HTTP route, stream consumer, queue consumer
 * and schedule is declared here, once, as plain data. The CDK stack
 * (`lib/stack.ts`) builds AWS resources from it and the offline runtime
 * (`local/`) wires the very same handlers from it, so nothing about wiring is
 * written twice. `test/unit/topology-drift.test.ts` holds the two in step.
 *
 * This module must stay free of CDK and AWS SDK imports: the offline runtime
 * and the Lambda bundles read it too.
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

export type TableAccess = 'read' | 'readwrite';
export type QueueAccess = 'send' | 'consume';

/** Integrations whose settings are secrets (Secrets Manager on AWS). */
export const integrationNames = [
  'admin',
  'crm',
  'inventory',
  'erp',
  'ecommerce',
  'pos',
  'wms',
  'slack',
  'pagerduty',
  'mail',
] as const;
export type IntegrationName = (typeof integrationNames)[number];

export interface FunctionSpec {
  readonly description: string;
  /** Path of the handler module from the repository root; it exports `handler`. */
  readonly entry: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly tables?: Partial<Record<TableName, TableAccess>>;
  readonly queues?: Partial<Record<QueueName, QueueAccess>>;
  /** Integrations whose secret the function may read. */
  readonly integrations?: readonly IntegrationName[];
  /** Whether the function sends mail through SES. */
  readonly sendsMail?: boolean;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

export interface RouteSpec {
  readonly method: HttpMethod;
  /** API Gateway path syntax: `/admin/records/{type}/{id}`. */
  readonly path: string;
  readonly function: FunctionName;
  /**
   * `public`: no authorizer (webhooks verify their own signatures);
   * `admin`: the bearer-token authorizer runs first.
   */
  readonly auth: 'public' | 'admin';
}

/**
 * A Lambda event filter pattern (the EventBridge pattern subset Lambda
 * supports), applied to each stream record before the function sees it.
 */
export type FilterPattern = { readonly [key: string]: FilterPattern | readonly FilterValue[] };
export type FilterValue =
  | string
  | number
  | boolean
  | null
  | { readonly 'anything-but': string | number | readonly (string | number)[] }
  | { readonly prefix: string }
  | { readonly exists: boolean }
  | { readonly numeric: readonly (string | number)[] };

export interface StreamConsumerSpec {
  readonly table: TableName;
  readonly function: FunctionName;
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  readonly startingPosition: 'LATEST' | 'TRIM_HORIZON';
  /** Bounded retries: the AWS default (-1) stalls a shard for a day. */
  readonly retryAttempts: number;
  readonly bisectBatchOnError: boolean;
  /** Queue that receives the batch description once retries are spent. */
  readonly onFailure: QueueName;
  /** A record passes when it matches any pattern. */
  readonly filters: readonly FilterPattern[];
}

export interface QueueConsumerSpec {
  readonly queue: QueueName;
  readonly function: FunctionName;
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  /** Lambda's `maximumConcurrency` (2 to 1,000). */
  readonly maxConcurrency: number;
}

export interface ScheduleSpec {
  readonly name: string;
  readonly function: FunctionName;
  /** EventBridge syntax: `rate(5 minutes)` or `cron(0/15 * * * ? *)`. */
  readonly expression: string;
}

const tables = {
  records: {
    description:
      'Local copies of business records (contacts, accounts, opportunities, products), one item per record.',
    partitionKey: 'pk',
    stream: 'NEW_AND_OLD_IMAGES',
    // A vendor id finds our record by one GetItem on its derived key (the record, or an alias
    // to a linked local record: see record.ts), so the only index is for linking by email or
    // name; sparse (local records only) and narrow, so a write to a record the vendor created
    // costs no index write, and readers take the id and re-read the record.
    indexes: [
      // `{type}#{match field}#{value}`, only on local records.
      { name: 'byMatchKey', partitionKey: 'match_key', include: ['record_id', 'external_id', 'deleted_at'] },
    ],
  },
  syncLog: {
    description:
      'Sync events (every inbound and outbound attempt) and outbound delivery attempts, expiring after 30 days.',
    partitionKey: 'pk',
    sortKey: 'sk',
    ttlAttribute: 'expires_at',
  },
  idempotency: {
    description: 'Delivery-id claims that make redelivered webhooks and messages take effect once.',
    partitionKey: 'pk',
    ttlAttribute: 'expires_at',
  },
  inventory: {
    description:
      'Stock levels (sk STOCK, one item per sku and warehouse) and their adjustment transactions (sk TX#...).',
    partitionKey: 'pk',
    sortKey: 'sk',
    stream: 'NEW_AND_OLD_IMAGES',
  },
  conflicts: {
    description: 'Conflicts between a local change and a remote one, with local, remote and base data.',
    partitionKey: 'pk',
    indexes: [{ name: 'byStatus', partitionKey: 'status', sortKey: 'created_at' }],
  },
} as const satisfies Record<string, TableSpec>;

export type TableName = keyof typeof tables;

const queues = {
  outbound: {
    description:
      'Calls to other systems (CRM, ERP, shop, POS, WMS, Slack, PagerDuty, mail), one message group per target record.',
    fifo: true,
    // 6x the dispatcher's timeout, as AWS advises; retries set their own delay.
    visibilityTimeoutSeconds: 360,
    maxReceiveCount: 8,
    retentionDays: 14,
  },
  streamFailures: {
    description: 'On-failure destination of every stream consumer: batches whose retries are spent.',
    fifo: false,
    visibilityTimeoutSeconds: 60,
    maxReceiveCount: 5,
    retentionDays: 14,
  },
} as const satisfies Record<string, QueueSpec>;

export type QueueName = keyof typeof queues;

const functions = {
  health: {
    description: 'GET /health: liveness, reveals nothing.',
    entry: 'functions/health/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
  },
  adminAuthorizer: {
    description: 'Bearer-token authorizer for /admin routes.',
    entry: 'functions/admin-authorizer/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    integrations: ['admin'],
  },
  admin: {
    description: 'Admin API: read and write local records, read sync events and conflicts.',
    entry: 'functions/admin/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    tables: { records: 'readwrite', syncLog: 'read', conflicts: 'read' },
  },
  dispatcher: {
    description: 'Consumes the outbound queue and calls other systems over HTTP, with retries.',
    entry: 'functions/dispatcher/handler.ts',
    memoryMb: 512,
    // A batch of 5 calls with an 8 s HTTP timeout each fits with room to spare.
    timeoutSeconds: 60,
    tables: { records: 'readwrite', syncLog: 'readwrite', idempotency: 'readwrite' },
    queues: { outbound: 'consume' },
    integrations: ['crm', 'erp', 'ecommerce', 'pos', 'wms', 'slack', 'pagerduty', 'mail'],
    sendsMail: true,
  },
  crmInbound: {
    description: 'POST /webhooks/crm: signed CRM changes in, with dedupe, stale and conflict rules.',
    entry: 'functions/crm-inbound/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    tables: { records: 'readwrite', syncLog: 'readwrite', conflicts: 'readwrite' },
    integrations: ['crm'],
  },
  syncLogWriter: {
    description: 'Stream consumer on records: the sync event each inbound write carries, into the sync log.',
    entry: 'functions/sync-log-writer/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 30,
    tables: { syncLog: 'readwrite' },
  },
  crmOutbound: {
    description: 'Stream consumer on records: local contact changes queued for the CRM.',
    entry: 'functions/crm-outbound/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 30,
    queues: { outbound: 'send' },
  },
  inventoryWebhook: {
    description: 'POST /webhooks/inventory: signed stock adjustments, applied atomically and never below zero.',
    entry: 'functions/inventory-webhook/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    tables: { inventory: 'readwrite', idempotency: 'readwrite' },
    integrations: ['inventory'],
  },
  inventoryFanout: {
    description:
      'Stream consumer on stock levels: new quantities to every other system, low and out of stock alerts, missing transactions.',
    entry: 'functions/inventory-fanout/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 30,
    tables: { records: 'read', inventory: 'readwrite' },
    queues: { outbound: 'send' },
  },
  inventoryAdmin: {
    description: 'Admin API for stock levels and their transactions.',
    entry: 'functions/inventory-admin/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 10,
    tables: { inventory: 'read' },
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof functions;

const routes: readonly RouteSpec[] = [
  { method: 'GET', path: '/health', function: 'health', auth: 'public' },
  { method: 'GET', path: '/admin/records/{type}/{id}', function: 'admin', auth: 'admin' },
  { method: 'PUT', path: '/admin/records/{type}/{id}', function: 'admin', auth: 'admin' },
  { method: 'GET', path: '/admin/records/{type}', function: 'admin', auth: 'admin' },
  { method: 'GET', path: '/admin/events', function: 'admin', auth: 'admin' },
  { method: 'GET', path: '/admin/conflicts', function: 'admin', auth: 'admin' },
  { method: 'POST', path: '/webhooks/crm', function: 'crmInbound', auth: 'public' },
  { method: 'POST', path: '/webhooks/inventory', function: 'inventoryWebhook', auth: 'public' },
  { method: 'GET', path: '/admin/inventory/{sku}/{warehouse}', function: 'inventoryAdmin', auth: 'admin' },
  { method: 'GET', path: '/admin/inventory/{sku}/{warehouse}/transactions', function: 'inventoryAdmin', auth: 'admin' },
];

/** Shared by every stream consumer: bounded retries, bisection, and a queue for what still fails. */
const streamDefaults = {
  batchSize: 25,
  maxBatchingWindowSeconds: 0,
  startingPosition: 'LATEST',
  retryAttempts: 3,
  bisectBatchOnError: true,
  onFailure: 'streamFailures',
} as const;

const streamConsumers: readonly StreamConsumerSpec[] = [
  {
    ...streamDefaults,
    table: 'records',
    function: 'crmOutbound',
    // Local contact changes only: never what the CRM sent us, nor our own write-backs (`sync`).
    // The types listed here are those whose CRM mapping has an outbound part.
    filters: [
      {
        eventName: ['INSERT', 'MODIFY'],
        dynamodb: { NewImage: { record_type: { S: ['contact'] }, origin: { S: [{ 'anything-but': ['crm', 'sync'] }] } } },
      },
    ],
  },
  {
    ...streamDefaults,
    table: 'records',
    function: 'syncLogWriter',
    // Writes that carry a sync event (inbound ones); the code skips an event it has already logged.
    // With crmOutbound, the records stream has the two consumers a DynamoDB stream serves well per
    // shard (facts.md): a third tool that needs record changes should share one of these.
    filters: [{ eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { sync_event: { S: [{ exists: true }] } } } }],
  },
  {
    ...streamDefaults,
    table: 'inventory',
    function: 'inventoryFanout',
    // Stock levels only; transaction items are history, not state to send.
    filters: [{ eventName: ['INSERT', 'MODIFY'], dynamodb: { Keys: { sk: { S: ['STOCK'] } } } }],
  },
];

const queueConsumers: readonly QueueConsumerSpec[] = [
  { queue: 'outbound', function: 'dispatcher', batchSize: 5, maxBatchingWindowSeconds: 0, maxConcurrency: 10 },
];

const schedules: readonly ScheduleSpec[] = [];

/** The whole topology, as one value. */
export const topology = { tables, queues, functions, routes, streamConsumers, queueConsumers, schedules };
export type Topology = typeof topology;

/** A topology of the same shape with other members, for tests of the runtime itself. */
export interface AnyTopology {
  readonly tables: Readonly<Record<string, TableSpec>>;
  readonly queues: Readonly<Record<string, QueueSpec>>;
  readonly functions: Readonly<Record<string, FunctionSpec>>;
  readonly routes: readonly (Omit<RouteSpec, 'function'> & { function: string })[];
  readonly streamConsumers: readonly (Omit<StreamConsumerSpec, 'table' | 'function' | 'onFailure'> & {
    table: string;
    function: string;
    onFailure: string;
  })[];
  readonly queueConsumers: readonly (Omit<QueueConsumerSpec, 'queue' | 'function'> & { queue: string; function: string })[];
  readonly schedules: readonly (Omit<ScheduleSpec, 'function'> & { function: string })[];
}

/**
 * The environment variable that carries a table's physical name, e.g.
 * `RECORDS_TABLE` for `records`, `SYNC_LOG_TABLE` for `syncLog`.
 */
export const tableEnvName = (table: string): string => `${constantCase(table)}_TABLE`;

/** The environment variable that carries a queue's URL, e.g. `OUTBOUND_QUEUE_URL`. */
export const queueEnvName = (queue: string): string => `${constantCase(queue)}_QUEUE_URL`;

/** The environment variable that carries an integration's secret ARN on AWS. */
export const secretEnvName = (integration: string): string => `${constantCase(integration)}_SECRET_ARN`;

const constantCase = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
