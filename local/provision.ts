import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  type TableDescription,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import { SCHEDULES_ENV, type ScheduleCatalogueEntry } from '../functions/kernel/wiring/schedules.js';
import {
  STREAM_CONSUMERS_ENV,
  type StreamConsumerCatalogueEntry,
} from '../functions/kernel/wiring/stream-consumers.js';
import type { EngineClients } from './engine-clients.js';
import type { EngineEndpoints } from './engines.js';
import type { RuntimeLog } from './log.js';
import type { OfflinePlan, PlannedQueue, PlannedTable } from './plan.js';
import { type IndexUpdate, keySchemaOf, planTableUpdates, plannedIndexDefinition } from './table-updates.js';

interface ProvisionedTable {
  readonly name: string;
  readonly physicalName: string;
  /** Created by this run (not reused): it holds nothing written before the stack started. */
  readonly created: boolean;
}

interface ProvisionedQueueEndpoint {
  readonly physicalName: string;
  /** A URL on the engine's own origin, so the SDK sends to the endpoint it was given. */
  readonly url: string;
  readonly arn: string;
}

interface ProvisionedQueue extends ProvisionedQueueEndpoint {
  readonly name: string;
  readonly dlq: ProvisionedQueueEndpoint;
}

/** Physical names and URLs of what was created, by logical name. */
interface ProvisionedResources {
  readonly tables: Readonly<Record<string, ProvisionedTable>>;
  readonly queues: Readonly<Record<string, ProvisionedQueue>>;
}

interface ProvisionOptions {
  readonly clients: EngineClients;
  readonly endpoints: EngineEndpoints;
  /** Prepended to every physical name, so several stacks can share one set of engines. */
  readonly namePrefix: string;
  readonly log: RuntimeLog;
  /** Named in the error when a kept table no longer fits the topology (the folder to delete). */
  readonly dataDir?: string;
  /** How long an index added to (or deleted from) a kept table may take; default two minutes. */
  readonly indexWaitMs?: number;
}

/** Between two DescribeTable calls while an index is being built or removed. */
const INDEX_POLL_MS = 200;
/** How long one index may take to become ACTIVE (or go away) before the start gives up. */
const DEFAULT_INDEX_WAIT_MS = 120_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls DescribeTable until `done` holds for the table, or throws after the bound. */
const waitForTable = async (
  physicalName: string,
  what: string,
  done: (table: TableDescription | undefined) => boolean,
  options: ProvisionOptions,
): Promise<void> => {
  const bound = options.indexWaitMs ?? DEFAULT_INDEX_WAIT_MS;
  const deadline = Date.now() + bound;
  for (;;) {
    const described = await options.clients.dynamodb.send(new DescribeTableCommand({ TableName: physicalName }));
    if (done(described.Table)) return;
    if (Date.now() > deadline) throw new Error(`Table ${physicalName}: ${what} not within ${bound} ms`);
    await sleep(INDEX_POLL_MS);
  }
};

const tableActive = (table: TableDescription | undefined): boolean => table?.TableStatus === 'ACTIVE';

/**
 * Applies index updates to a kept table one UpdateTable call at a time
 * (DynamoDB takes one index creation or deletion per call), waiting for
 * each to finish before the next, as a CloudFormation deployment does.
 */
const applyIndexUpdates = async (
  physicalName: string,
  updates: readonly IndexUpdate[],
  options: ProvisionOptions,
): Promise<void> => {
  for (const update of updates) {
    await waitForTable(physicalName, 'ACTIVE before an index update', tableActive, options);
    const indexes = (table: TableDescription | undefined) => table?.GlobalSecondaryIndexes ?? [];
    if (update.action === 'create') {
      const name = update.index.IndexName;
      await options.clients.dynamodb.send(
        new UpdateTableCommand({
          TableName: physicalName,
          AttributeDefinitions: update.attributeDefinitions,
          GlobalSecondaryIndexUpdates: [{ Create: update.index }],
        }),
      );
      await waitForTable(
        physicalName,
        `index ${name} ACTIVE`,
        (table) => indexes(table).some((i) => i.IndexName === name && i.IndexStatus === 'ACTIVE'),
        options,
      );
      options.log.info('kept table: index the topology added created, data kept', { table: physicalName, index: name });
    } else {
      const name = update.indexName;
      await options.clients.dynamodb.send(
        new UpdateTableCommand({
          TableName: physicalName,
          GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: name } }],
        }),
      );
      await waitForTable(
        physicalName,
        `index ${name} deleted`,
        (table) => !indexes(table).some((i) => i.IndexName === name),
        options,
      );
      options.log.info('kept table: index the topology no longer has deleted', { table: physicalName, index: name });
    }
  }
};

const createTable = async (table: PlannedTable, options: ProvisionOptions): Promise<ProvisionedTable> => {
  const physicalName = `${options.namePrefix}${table.name}`;
  const keys = new Set([
    table.partitionKey,
    table.sortKey,
    ...table.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ]);
  const attributes: AttributeDefinition[] = [...keys]
    .filter((name): name is string => name !== undefined)
    .map((name) => ({ AttributeName: name, AttributeType: 'S' }));
  let created = true;
  try {
    await options.clients.dynamodb.send(
      new CreateTableCommand({
        TableName: physicalName,
        BillingMode: table.billingMode,
        AttributeDefinitions: attributes,
        KeySchema: keySchemaOf(table.partitionKey, table.sortKey),
        ...(table.indexes.length > 0 ? { GlobalSecondaryIndexes: table.indexes.map(plannedIndexDefinition) } : {}),
        ...(table.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: table.stream } } : {}),
      }),
    );
  } catch (error) {
    // Engines that outlive one run (`engines` passed in) may hold the table already.
    if ((error as Error).name !== 'ResourceInUseException') throw error;
    options.log.debug('table exists; reusing it', { table: physicalName });
    created = false;
  }
  if (table.ttlAttribute) {
    try {
      await options.clients.dynamodb.send(
        new UpdateTimeToLiveCommand({
          TableName: physicalName,
          TimeToLiveSpecification: { Enabled: true, AttributeName: table.ttlAttribute },
        }),
      );
    } catch (error) {
      // TTL is an optimisation (expired items go away); offline it may be missing or already on.
      options.log.debug('time to live not set', { table: physicalName, error });
    }
  }
  if (created) return { name: table.name, physicalName, created };
  const described = await options.clients.dynamodb.send(new DescribeTableCommand({ TableName: physicalName }));
  const { refusals, updates } = planTableUpdates(table, described.Table);
  if (refusals.length > 0) {
    const where = options.dataDir ? `the data folder ${options.dataDir}` : 'the engines';
    throw new Error(
      `Table ${physicalName} kept in ${where} no longer matches the topology: ${refusals.join('; ')}. ` +
        'A deployment could not change this in place either. ' +
        `Delete ${options.dataDir ?? 'the table'} (its data goes with it) and start again.`,
    );
  }
  await applyIndexUpdates(physicalName, updates, options);
  return { name: table.name, physicalName, created };
};

/**
 * CreateQueue answers the existing queue when its attributes are the same,
 * and refuses when they differ (a kept queue from before a topology change
 * of, say, its visibility timeout). Then the queue is kept with its
 * messages and its attributes are set to the topology's, as a deployment
 * would update them.
 */
const createOrUpdateQueue = async (
  physicalName: string,
  attributes: Record<string, string>,
  options: ProvisionOptions,
): Promise<string | undefined> => {
  try {
    const created = await options.clients.sqs.send(
      new CreateQueueCommand({ QueueName: physicalName, Attributes: attributes }),
    );
    return created.QueueUrl;
  } catch (error) {
    const name = (error as Error).name;
    if (name !== 'QueueNameExists' && name !== 'QueueAlreadyExists') throw error;
    const found = await options.clients.sqs.send(new GetQueueUrlCommand({ QueueName: physicalName }));
    const { FifoQueue: _fifo, ...mutable } = attributes;
    await options.clients.sqs.send(new SetQueueAttributesCommand({ QueueUrl: found.QueueUrl, Attributes: mutable }));
    options.log.info('queue kept, its attributes updated to the topology', { queue: physicalName });
    return found.QueueUrl;
  }
};

const createQueue = async (
  physicalName: string,
  attributes: Record<string, string>,
  options: ProvisionOptions,
): Promise<ProvisionedQueueEndpoint> => {
  const queueUrl = await createOrUpdateQueue(physicalName, attributes, options);
  // fauxqs answers with `http://sqs.<region>.localhost:<port>/...`, a host that
  // does not resolve everywhere, and the SDK would send there instead of to
  // its endpoint. fauxqs finds queues by the path alone, so the URL is moved
  // onto the endpoint's origin.
  const path = new URL(queueUrl ?? '').pathname;
  const url = `${new URL(options.endpoints.sqs).origin}${path}`;
  const described = await options.clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  const arn = described.Attributes?.QueueArn;
  if (!arn) throw new Error(`Queue ${physicalName} has no ARN`);
  return { physicalName, url, arn };
};

const fifoName = (name: string, fifo: boolean): string => (fifo ? `${name}.fifo` : name);

const createQueueWithDlq = async (queue: PlannedQueue, options: ProvisionOptions): Promise<ProvisionedQueue> => {
  const fifo = (isFifo: boolean): Record<string, string> => (isFifo ? { FifoQueue: 'true' } : {});
  const dlq = await createQueue(
    fifoName(`${options.namePrefix}${queue.dlq.name}`, queue.dlq.fifo),
    { ...fifo(queue.dlq.fifo), MessageRetentionPeriod: String(queue.dlq.retentionSeconds) },
    options,
  );
  const main = await createQueue(
    fifoName(`${options.namePrefix}${queue.name}`, queue.fifo),
    {
      ...fifo(queue.fifo),
      VisibilityTimeout: String(queue.visibilityTimeoutSeconds),
      MessageRetentionPeriod: String(queue.retentionSeconds),
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: queue.maxReceiveCount }),
    },
    options,
  );
  return { name: queue.name, ...main, dlq };
};

/**
 * Creates the plan's tables (keys, GSIs projecting everything, streams, TTL)
 * and queues (each with its DLQ and redrive policy) on the engines, under
 * `namePrefix`. Safe to run again on engines that already hold them.
 *
 * @example
 * const resources = await provisionResources(plan, { clients, endpoints, namePrefix: 't1a2b-', log });
 * resources.queues.outbound?.dlq.url;
 */
const provisionResources = async (plan: OfflinePlan, options: ProvisionOptions): Promise<ProvisionedResources> => {
  const [tables, queues] = await Promise.all([
    Promise.all(plan.tables.map((table) => createTable(table, options))),
    Promise.all(plan.queues.map((queue) => createQueueWithDlq(queue, options))),
  ]);
  return {
    tables: Object.fromEntries(tables.map((t) => [t.name, t])),
    queues: Object.fromEntries(queues.map((q) => [q.name, q])),
  };
};

/** Values the offline engines accept; fixed, so the SDK never looks for real credentials. */
const OFFLINE_ACCESS_KEY = 'offline';

/** What the runtime adds beyond the engines: its own Lambda API and the physical names of functions. */
interface RuntimeEndpoints {
  /** Prefix of physical names, functions' included. Default none. */
  readonly namePrefix?: string;
  /** URL of the runtime's Lambda API (`local/lambda-api.ts`), when it runs one. */
  readonly lambda?: string;
}

/**
 * The environment handlers need to find what was provisioned, exactly as
 * the CDK stack sets it on Lambda (`RECORDS_TABLE`, `OUTBOUND_QUEUE_URL`,
 * `SCHEDULES` with functions by physical name, ...), plus the endpoint
 * variables the AWS SDK reads by itself: `AWS_ENDPOINT_URL_<service id>`,
 * where the SES v2 client's service id is "SESv2" (hence
 * `AWS_ENDPOINT_URL_SESV2`, not `..._SES`), Streams' is "DynamoDB Streams"
 * and Lambda's is "Lambda". On Lambda each function gets only its own
 * variables; offline they share one process, so every handler sees all.
 *
 * @example
 * Object.assign(process.env, offlineEnvironment(plan, resources, endpoints, 'us-east-1', { lambda: api.url }));
 */
const offlineEnvironment = (
  plan: OfflinePlan,
  resources: ProvisionedResources,
  endpoints: EngineEndpoints,
  region: string,
  runtime: RuntimeEndpoints = {},
): Record<string, string> => {
  const namePrefix = runtime.namePrefix ?? '';
  const catalogue: ScheduleCatalogueEntry[] = plan.schedules.map((schedule) => ({
    name: schedule.name,
    expression: schedule.expression,
    function: `${namePrefix}${schedule.function}`,
  }));
  const env: Record<string, string> = {
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: OFFLINE_ACCESS_KEY,
    AWS_SECRET_ACCESS_KEY: OFFLINE_ACCESS_KEY,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_SESV2: endpoints.ses,
    ...(runtime.lambda ? { AWS_ENDPOINT_URL_LAMBDA: runtime.lambda } : {}),
    [SCHEDULES_ENV]: JSON.stringify(catalogue),
    // The stream-failure replayer's catalogue (the stack sets it on the replayer only).
    [STREAM_CONSUMERS_ENV]: JSON.stringify(
      plan.streamConsumers.map(
        (consumer): StreamConsumerCatalogueEntry => ({
          function: `${namePrefix}${consumer.function}`,
          table: consumer.table,
          filters: consumer.filters,
        }),
      ),
    ),
  };
  for (const table of plan.tables) {
    const provisioned = resources.tables[table.name];
    if (provisioned) env[table.envName] = provisioned.physicalName;
  }
  for (const queue of plan.queues) {
    const provisioned = resources.queues[queue.name];
    if (!provisioned) continue;
    env[queue.envName] = provisioned.url;
    env[queue.maxReceiveEnvName] = String(queue.maxReceiveCount);
    env[queue.dlq.envName] = provisioned.dlq.url;
  }
  return env;
};

export { offlineEnvironment, provisionResources };
export type {
  ProvisionedQueue,
  ProvisionedQueueEndpoint,
  ProvisionedResources,
  ProvisionedTable,
  ProvisionOptions,
  RuntimeEndpoints,
};
