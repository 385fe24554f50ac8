import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import sesLocal from 'aws-ses-v2-local';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local.js';
import { startFauxqs } from './fauxqs.js';
import { assertPortFree } from './ports.js';

/** Where the three offline engines answer. Plain data, so it can cross process boundaries. */
interface EngineEndpoints {
  /** DynamoDB Local (also serves DynamoDB Streams). */
  readonly dynamodb: string;
  /** fauxqs (SQS). */
  readonly sqs: string;
  /** aws-ses-v2-local (SES v2 API; `GET /` is the mail viewer, `GET /store` the sent mail as JSON). */
  readonly ses: string;
}

/** Ports to bind; 0 or absent picks a free one. */
interface EnginePorts {
  readonly dynamodb?: number;
  readonly sqs?: number;
  readonly ses?: number;
}

/** The engines this process started, and how to end them. */
interface RunningEngines {
  readonly endpoints: EngineEndpoints;
  /** Absolute folder the engines keep their data in; undefined when they run in memory. */
  readonly dataDir: string | undefined;
  /** Messages the previous run had received and not finished, made visible again at start. */
  readonly releasedMessages: number;
  /** Process id of DynamoDB Local's java, for checks that it is gone after `stop()`. */
  readonly javaPid: number;
  /** Stops everything started here; java is waited for, never left behind. */
  stop(): Promise<void>;
}

interface Stoppable {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/**
 * Where each engine keeps its files under the data folder. SES mail is not
 * kept: aws-ses-v2-local holds sent mail in memory only.
 */
const DATA_FOLDERS = { dynamodb: 'dynamodb', sqs: 'sqs' } as const;

/**
 * The package ships CommonJS with `exports.default`; depending on the loader
 * (node, tsx, vitest) the default import is the function or the module object.
 */
type StartSes = (config?: { host?: string; port?: number }) => Promise<Server>;
const startSesFunction = (): StartSes => {
  const loaded = sesLocal as unknown as StartSes | { default: StartSes };
  return typeof loaded === 'function' ? loaded : loaded.default;
};

const startSes = async (port: number): Promise<Stoppable> => {
  const server = await startSesFunction()({ host: '127.0.0.1', port });
  const { port: bound } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${bound}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};

/** The `npm start` variables that choose each port, named in errors. */
const PORT_SETTINGS = { dynamodb: 'DYNAMODB_PORT', sqs: 'SQS_PORT', ses: 'SES_PORT' } as const;

/**
 * Starts DynamoDB Local, fauxqs and aws-ses-v2-local side by side on
 * 127.0.0.1. If one fails to start, the others are stopped before the error
 * is rethrown, so a failed start leaves nothing running.
 *
 * Without `dataDir` everything is in memory (tests). With it, DynamoDB
 * Local keeps its database in `<dataDir>/dynamodb/` and fauxqs its queues
 * and messages in `<dataDir>/sqs/`, so a restart on the same folder finds
 * every table, item, stream record, queue and message it had.
 *
 * @example
 * const engines = await startEngines({ ports: { dynamodb: 8000, sqs: 9324, ses: 8005 }, dataDir: '.local-data' });
 * console.log(engines.endpoints.dynamodb);
 * await engines.stop();
 */
const startEngines = async ({
  ports = {},
  region = process.env.AWS_REGION ?? 'us-east-1',
  dataDir,
}: {
  ports?: EnginePorts;
  region?: string;
  /** Folder the engines keep their data in; absent: in memory. */
  dataDir?: string;
} = {}): Promise<RunningEngines> => {
  const folder = dataDir === undefined ? undefined : resolve(dataDir);
  await Promise.all(
    (['dynamodb', 'sqs', 'ses'] as const)
      .filter((engine) => (ports[engine] ?? 0) > 0)
      .map((engine) => assertPortFree(ports[engine] as number, PORT_SETTINGS[engine])),
  );
  const started = await Promise.allSettled([
    startDynamoDbLocal({
      port: ports.dynamodb ?? 0,
      ...(folder ? { dbPath: join(folder, DATA_FOLDERS.dynamodb) } : {}),
    }),
    startFauxqs({ port: ports.sqs ?? 0, region, ...(folder ? { dataDir: join(folder, DATA_FOLDERS.sqs) } : {}) }),
    startSes(ports.ses ?? 0),
  ]);
  const [dynamodb, sqs, ses] = started;
  if (dynamodb.status !== 'fulfilled' || sqs.status !== 'fulfilled' || ses.status !== 'fulfilled') {
    await Promise.allSettled(started.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
    const failure = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    throw failure?.reason instanceof Error ? failure.reason : new Error(String(failure?.reason));
  }
  const java: DynamoDbLocal = dynamodb.value;
  let stopping: Promise<void> | undefined;
  return {
    endpoints: { dynamodb: java.endpoint, sqs: sqs.value.endpoint, ses: ses.value.endpoint },
    dataDir: folder,
    releasedMessages: sqs.value.released,
    javaPid: java.pid,
    stop: () => {
      stopping ??= Promise.allSettled([sqs.value.stop(), ses.value.stop(), java.stop()]).then(() => undefined);
      return stopping;
    },
  };
};

export { DATA_FOLDERS, startEngines };
export type { EngineEndpoints, EnginePorts, RunningEngines };
