import { randomBytes } from 'node:crypto';
import { resetAwsClients } from '../functions/kernel/aws/client-cache.js';
import { topology } from '../lib/topology.js';
import { createEngineClients } from '../local/engine-clients.js';
import { startEngines } from '../local/engines.js';
import { createRuntimeLog } from '../local/log.js';
import { planOffline } from '../local/plan.js';
import { offlineEnvironment, provisionResources } from '../local/provision.js';
import { setEnvironment } from './environment.js';
import type { EngineEndpoints, EngineName } from './suite.js';

/** Engines running for a bench run, and how to stop them. */
export interface BenchEngines {
  readonly endpoints: EngineEndpoints;
  /** Why the engines could not be started (java missing, ...); suites that need them are skipped with it. */
  readonly unavailable?: string;
  /** Stops the engines and restores `process.env`; java is waited for, never left behind. */
  readonly stop: () => Promise<void>;
}

const NOTHING_STARTED: BenchEngines = { endpoints: {}, stop: async () => undefined };

/**
 * Starts the engines a suite needs, fresh for each suite (see run.ts), with
 * the offline runtime's own pieces (local/engines.ts, local/provision.ts):
 * every table and queue of the topology is created under a `bench-` prefix,
 * and `process.env` gets what the offline stack gives its handlers (table
 * variables such as `RECORDS_TABLE`, `AWS_ENDPOINT_URL_DYNAMODB`, region,
 * dummy credentials). Handlers imported by a suite then find their tables
 * exactly as they do under `npm start`.
 *
 * Unlike `startOfflineStack`, no gateway, stream poller, queue poller or
 * scheduler runs: suites call handlers directly, and background polling
 * would take CPU from the calls being measured.
 *
 * `startEngines` starts all three engines together; fauxqs and SES local are
 * in-process and idle, and provisioning needs the queue engine anyway.
 * When they cannot start (no java), the answer says why instead of
 * throwing, so the suites that need no engine still run.
 *
 * @example
 * const engines = await startBenchEngines(['dynamodb'], log);
 * try { ... } finally { await engines.stop(); }
 */
const startBenchEngines = async (
  needs: readonly EngineName[],
  log: (line: string) => void = () => undefined,
): Promise<BenchEngines> => {
  if (needs.length === 0) return NOTHING_STARTED;
  const region = process.env.AWS_REGION ?? 'us-east-1';
  log(`engines: starting DynamoDB Local, fauxqs and SES local for ${needs.join(', ')}`);
  let engines: Awaited<ReturnType<typeof startEngines>>;
  try {
    engines = await startEngines({ region });
  } catch (error) {
    return { ...NOTHING_STARTED, unavailable: (error as Error).message.split('\n')[0] };
  }
  const clients = createEngineClients(engines.endpoints, region);
  try {
    const plan = planOffline(topology);
    const resources = await provisionResources(plan, {
      clients,
      endpoints: engines.endpoints,
      namePrefix: `bench-${randomBytes(3).toString('hex')}-`,
      log: createRuntimeLog('warn', log),
    });
    const restore = setEnvironment(offlineEnvironment(plan, resources, engines.endpoints, region));
    // Clients cached before this environment would still point elsewhere.
    resetAwsClients();
    log(
      `engines: DynamoDB Local (java pid ${engines.javaPid}) at ${engines.endpoints.dynamodb}; ` +
        `${Object.keys(resources.tables).length} tables and ${Object.keys(resources.queues).length} queues ready`,
    );
    let stopping: Promise<void> | undefined;
    return {
      endpoints: engines.endpoints,
      stop: () => {
        stopping ??= (async () => {
          restore();
          resetAwsClients();
          clients.destroy();
          await engines.stop();
        })();
        return stopping;
      },
    };
  } catch (error) {
    clients.destroy();
    await engines.stop();
    throw error;
  }
};

export { startBenchEngines };
