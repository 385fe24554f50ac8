import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resetAwsClients } from '../functions/kernel/aws/client-cache.js';
import { topology as projectTopology } from '../lib/topology.js';
import type { Topology } from '../lib/topology-spec.js';
import { createEngineClients, type EngineClients } from './engine-clients.js';
import { type EngineEndpoints, type EnginePorts, type RunningEngines, startEngines } from './engines.js';
import { type Gateway, startGateway } from './gateway.js';
import { createInvoker, type InvocationResult } from './invoke.js';
import { type LambdaApi, startLambdaApi } from './lambda-api.js';
import { createRuntimeLog, type LogLevel, type RuntimeLog } from './log.js';
import { type OfflinePlan, planOffline } from './plan.js';
import { offlineEnvironment, type ProvisionedResources, provisionResources } from './provision.js';
import { type QueuePoller, startQueuePoller } from './queue-poller.js';
import { type Scheduler, startScheduler } from './scheduler.js';
import { type StreamPoller, startStreamPoller } from './stream-poller.js';

interface OfflineStackOptions {
  /** Defaults to the project's topology; tests pass small ones with their own handlers. */
  readonly topology?: Topology;
  /** HTTP port of the API; 0 picks a free one. Default 3000. */
  readonly port?: number;
  readonly host?: string;
  /** Prefix of every physical name (`t1a2b-`), so stacks can share engines. Default none. */
  readonly namePrefix?: string;
  /** Engines already running (shared by a test run); when absent, the stack starts its own. */
  readonly engines?: EngineEndpoints;
  /** Ports for engines the stack starts itself; 0 or absent picks free ones. */
  readonly enginePorts?: EnginePorts;
  /**
   * Folder where the engines the stack starts keep their data, and the
   * stream pollers their positions (`streams/`); absent: all in memory.
   */
  readonly dataDir?: string;
  /** Directory function entries are relative to. Default: the repository root. */
  readonly root?: string;
  readonly region?: string;
  readonly accountId?: string;
  readonly logLevel?: LogLevel;
  /** Pause between empty stream reads. Default 250 ms, as often as Lambda polls a shard. */
  readonly pollIntervalMs?: number;
  /** Long-poll wait of the queue pollers. Default 1 s; it bounds how long stop() waits. */
  readonly queueWaitTimeSeconds?: number;
  /** Fire every schedule at this interval instead of its expression (tests, demos). */
  readonly scheduleEveryMs?: number;
  /** Clock of the scheduler. */
  readonly now?: () => Date;
  /** Whether schedules fire on their own; off, only when triggered. Default true (test stacks: off). */
  readonly fireSchedules?: boolean;
  /** Extra variables for the handlers (integration settings in tests); restored by stop(). */
  readonly env?: Readonly<Record<string, string>>;
}

/** A running offline stack. */
interface OfflineStack {
  /** Base URL of the HTTP API, `http://127.0.0.1:3000`. */
  readonly url: string;
  readonly endpoints: EngineEndpoints;
  /** What was wired, derived from the topology. */
  readonly plan: OfflinePlan;
  readonly resources: ProvisionedResources;
  /** Variables set on `process.env` for the handlers; restored by stop(). */
  readonly environment: Readonly<Record<string, string>>;
  /** Invokes a function directly with any event, as `aws lambda invoke` would. */
  invoke(functionName: string, event: unknown): Promise<InvocationResult>;
  /** Fires a schedule now, with the event its rule would send (trigger `schedule`). */
  triggerSchedule(name: string): Promise<InvocationResult>;
  /** Stops the API, pollers and scheduler, and the engines if this stack started them. */
  stop(): Promise<void>;
}

const REPOSITORY_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The account id fauxqs and DynamoDB Local use in their ARNs. */
const OFFLINE_ACCOUNT_ID = '000000000000';

/**
 * Starts the offline stack: engines (or the ones given), tables and queues
 * from the plan, Lambda's Invoke API, the environment handlers read, stream
 * and queue pollers, schedules, and the HTTP API. Everything is wired from
 * `planOffline`'s output, the same value tests compare with the CDK template.
 *
 * Handlers run in worker threads of this process (`local/invoke.ts`), each
 * with the stack's variables as `process.env` held at the time of each
 * invocation, so one process runs one stack at a time.
 *
 * @example
 * const stack = await startOfflineStack({ port: 0 });
 * const res = await fetch(`${stack.url}/health`);
 * await stack.stop();
 */
const startOfflineStack = async (options: OfflineStackOptions = {}): Promise<OfflineStack> => {
  const log: RuntimeLog = createRuntimeLog(options.logLevel ?? 'info');
  const region = options.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const accountId = options.accountId ?? OFFLINE_ACCOUNT_ID;
  const namePrefix = options.namePrefix ?? '';
  const plan = planOffline(options.topology ?? projectTopology);

  const cleanup: (() => Promise<void> | void)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const step of cleanup.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        log.error('stopping part of the offline stack failed', { error });
      }
    }
  };

  try {
    let endpoints: EngineEndpoints;
    let dataDir: string | undefined;
    if (options.engines) endpoints = options.engines;
    else {
      const engines: RunningEngines = await startEngines({
        ports: options.enginePorts,
        region,
        ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      });
      cleanup.push(() => engines.stop());
      endpoints = engines.endpoints;
      dataDir = engines.dataDir;
    }
    const clients: EngineClients = createEngineClients(endpoints, region);
    cleanup.push(() => clients.destroy());

    const resources = await provisionResources(plan, {
      clients,
      endpoints,
      namePrefix,
      log,
      ...(dataDir ? { dataDir } : {}),
    });

    const invoker = createInvoker({
      functions: plan.functions,
      root: options.root ?? REPOSITORY_ROOT,
      region,
      accountId,
      namePrefix,
      log,
      queueConsumers: plan.queueConsumers,
    });
    // Stopped after everything that invokes (cleanup runs in reverse): no worker thread outlives the stack.
    cleanup.push(() => invoker.stop());
    // Lambda's Invoke API, for handlers that invoke a function (the admin API runs a schedule now).
    const lambdaApi: LambdaApi = await startLambdaApi({
      invoker,
      functions: plan.functions.map((fn) => fn.name),
      namePrefix,
      region,
      accountId,
      log,
    });

    const environment = {
      ...options.env,
      ...offlineEnvironment(plan, resources, endpoints, region, { namePrefix, lambda: lambdaApi.url }),
    };
    const previous = Object.fromEntries(Object.keys(environment).map((key) => [key, process.env[key]]));
    Object.assign(process.env, environment);
    // Handlers' clients are cached per process; drop any made before this environment.
    resetAwsClients();
    cleanup.push(() => {
      for (const [key, value] of Object.entries(previous)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      resetAwsClients();
    });
    // Closed before the environment is restored: the runs it started in the background still need it.
    cleanup.push(() => lambdaApi.close());

    const streamPollers: StreamPoller[] = [];
    cleanup.push(() => Promise.all(streamPollers.map((p) => p.stop())).then(() => undefined));
    for (const consumer of plan.streamConsumers) {
      const table = resources.tables[consumer.table];
      const onFailure = resources.queues[consumer.onFailure];
      if (!table || !onFailure)
        throw new Error(`stream consumer ${consumer.function} refers to resources that were not created`);
      streamPollers.push(
        await startStreamPoller({
          consumer,
          tableName: table.physicalName,
          freshTable: table.created,
          ...(dataDir ? { checkpointDir: join(dataDir, 'streams') } : {}),
          onFailureQueueUrl: onFailure.url,
          clients,
          invoker,
          region,
          log,
          pollIntervalMs: options.pollIntervalMs ?? 250,
        }),
      );
    }

    const queuePollers: QueuePoller[] = [];
    cleanup.push(() => Promise.all(queuePollers.map((p) => p.stop())).then(() => undefined));
    for (const consumer of plan.queueConsumers) {
      const queue = resources.queues[consumer.queue];
      if (!queue) throw new Error(`queue consumer ${consumer.function} refers to a queue that was not created`);
      queuePollers.push(
        startQueuePoller({
          consumer,
          queue,
          clients,
          invoker,
          region,
          log,
          waitTimeSeconds: options.queueWaitTimeSeconds ?? 1,
        }),
      );
    }

    const scheduler: Scheduler = startScheduler({
      schedules: plan.schedules,
      invoker,
      region,
      accountId,
      namePrefix,
      log,
      ...(options.now ? { now: options.now } : {}),
      ...(options.scheduleEveryMs ? { everyMs: options.scheduleEveryMs } : {}),
      ...(options.fireSchedules === undefined ? {} : { fireOnSchedule: options.fireSchedules }),
    });
    cleanup.push(() => scheduler.stop());

    const gateway: Gateway = await startGateway({
      routes: plan.routes,
      invoker,
      api: { region, accountId, apiId: 'offline' },
      log,
      port: options.port ?? 3000,
      ...(options.host ? { host: options.host } : {}),
    });
    cleanup.push(() => gateway.close());

    let stopping: Promise<void> | undefined;
    return {
      url: gateway.url,
      endpoints,
      plan,
      resources,
      environment,
      invoke: (functionName, event) => invoker.invoke(functionName, event, 'direct'),
      triggerSchedule: (name) => scheduler.trigger(name),
      stop: () => {
        stopping ??= stopAll();
        return stopping;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
};

export { startOfflineStack, REPOSITORY_ROOT };
export type { OfflineStack, OfflineStackOptions };
