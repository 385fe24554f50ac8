import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { assertPortFree, freePort } from '../../local/ports.js';

/**
 * `npm start` as a child process, for tests that must stop it the hard way
 * (`kill -9`) and start it again. The child leads its own process group, so
 * a kill of the group takes DynamoDB Local's java with it in the same
 * instant, as a crash of the whole machine's stack would; `stop()` waits
 * until the engines' ports are free again, so nothing is left behind.
 */
interface OfflineProcessPorts {
  readonly api: number;
  readonly dynamodb: number;
  readonly sqs: number;
  readonly ses: number;
}

interface OfflineProcess {
  /** `http://127.0.0.1:<api port>`. */
  readonly url: string;
  /** How long from spawn to the ready banner. */
  readonly startedInMs: number;
  /** The ready banner and any output so far, for assertions and failure messages. */
  output(): string;
  /** SIGKILL to the whole process group (node and java at once); resolves once the ports are free. */
  kill9(): Promise<void>;
  /** SIGINT, as Ctrl-C: the stack stops itself; resolves once it exited and the ports are free. */
  interrupt(): Promise<void>;
}

const REPOSITORY_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const READY = /sync-tools offline stack ready in/;

/** Picks four free ports, kept for every start of one test so a restart finds the same addresses. */
const pickPorts = async (): Promise<OfflineProcessPorts> => ({
  api: await freePort(),
  dynamodb: await freePort(),
  sqs: await freePort(),
  ses: await freePort(),
});

const waitForPortsFree = async (ports: OfflineProcessPorts, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const busy = await Promise.all(
      Object.values(ports).map((port) =>
        assertPortFree(port, 'test').then(
          () => false,
          () => true,
        ),
      ),
    );
    if (!busy.includes(true)) return;
    if (Date.now() > deadline)
      throw new Error(`ports still in use ${timeoutMs} ms after the stop: ${JSON.stringify(ports)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

const killGroup = (child: ChildProcess, signal: NodeJS.Signals): void => {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
};

/** Every child started here, killed (group and all) if a test ends without stopping it. */
const started = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of started) killGroup(child, 'SIGKILL');
});

/**
 * Starts `node --import tsx local/start.ts` with `env` on top of this
 * process's environment, the given ports, and resolves once it printed its
 * ready banner (rejects with its output when it exits first or takes
 * longer than `timeoutMs`).
 *
 * @example
 * const stack = await startOfflineProcess({ ports, env: { OFFLINE_DATA_DIR: dir, ADMIN_TOKEN: token } });
 * await stack.kill9();
 */
const startOfflineProcess = async ({
  ports,
  env,
  args = [],
  timeoutMs = 90_000,
}: {
  ports: OfflineProcessPorts;
  env: Readonly<Record<string, string>>;
  args?: readonly string[];
  timeoutMs?: number;
}): Promise<OfflineProcess> => {
  const began = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts', ...args], {
    cwd: REPOSITORY_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      OFFLINE_LOG_LEVEL: 'warn',
      ...env,
      PORT: String(ports.api),
      DYNAMODB_PORT: String(ports.dynamodb),
      SQS_PORT: String(ports.sqs),
      SES_PORT: String(ports.ses),
    },
  });
  started.add(child);
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => started.delete(child));

  const deadline = Date.now() + timeoutMs;
  while (!READY.test(output)) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the offline stack exited before it was ready:\n${output}`);
    }
    if (Date.now() > deadline) {
      killGroup(child, 'SIGKILL');
      await exited;
      throw new Error(`the offline stack was not ready within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const startedInMs = Date.now() - began;

  return {
    url: `http://127.0.0.1:${ports.api}`,
    startedInMs,
    output: () => output,
    kill9: async () => {
      killGroup(child, 'SIGKILL');
      await exited;
      await waitForPortsFree(ports, 10_000);
    },
    interrupt: async () => {
      child.kill('SIGINT');
      const stopped = await Promise.race([
        exited.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 20_000)),
      ]);
      if (!stopped) {
        killGroup(child, 'SIGKILL');
        await exited;
        throw new Error(`the offline stack did not stop within 20 s of SIGINT:\n${output}`);
      }
      await waitForPortsFree(ports, 10_000);
    },
  };
};

export { pickPorts, startOfflineProcess };
export type { OfflineProcess, OfflineProcessPorts };
