import { randomBytes } from 'node:crypto';
import { channel } from 'node:diagnostics_channel';
import { Worker } from 'node:worker_threads';
import {
  type ContextData,
  type EnvironmentData,
  type EnvironmentMessage,
  type InvokeMessage,
  OFFLINE_RELAY_CHANNEL,
  type SerialisedError,
} from './environment-protocol.js';

/** How an invocation ended in its environment. */
type EnvironmentOutcome =
  | { readonly ok: true; readonly value: unknown; readonly coldStart: boolean; readonly initDurationMs?: number }
  | {
      readonly ok: false;
      readonly error: Error;
      readonly timedOut: boolean;
      readonly coldStart: boolean;
      readonly initDurationMs?: number;
    };

interface EnvironmentPoolOptions {
  /** `file:` URL of the function's bundle, built (or rebuilt after a failure) when an environment starts. */
  readonly entryUrl: () => Promise<string>;
  /** Most environments at once; more invocations wait for one to be idle. */
  readonly maxEnvironments: number;
  /** The function's memory; it bounds the environment's heap, as Lambda bounds its memory. */
  readonly memoryMb: number;
  /** The `process.env` of an environment, read at its start and again for each invocation. */
  readonly environmentOf: (logStreamName: string) => Record<string, string>;
}

/** One function's execution environments. */
interface EnvironmentPool {
  /**
   * Runs one invocation in an idle environment, else in a new one (a cold
   * start), else, with `maxEnvironments` busy, once one is idle again.
   * The timeout counts from when the environment takes the invocation.
   */
  run(
    event: unknown,
    context: Omit<ContextData, 'logStreamName' | 'deadline'>,
    timeoutMs: number,
  ): Promise<EnvironmentOutcome>;
  /** How many environments exist (busy or idle). */
  readonly size: number;
  /** Terminates every environment; invocations in flight fail, later ones are refused. */
  stop(): Promise<void>;
}

/** What ends the wait for an environment's next message: the message, or the environment's end. */
type Settlement = EnvironmentMessage | { readonly type: 'ended'; readonly error: Error } | { readonly type: 'timeout' };

interface Environment {
  readonly worker: Worker;
  readonly logStreamName: string;
  /** Set while someone waits for the environment's next message. */
  settle?: (settlement: Settlement) => void;
  ended: boolean;
}

const WORKER_URL = new URL('./environment-worker.ts', import.meta.url);

const logStreamName = (): string => {
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
};

const deserialise = (error: SerialisedError): Error => {
  const rebuilt = new Error(error.message);
  rebuilt.name = error.name;
  if (error.stack) rebuilt.stack = error.stack;
  return rebuilt;
};

/** The environment's next message (or its end, or the timer). */
const nextSettlement = (environment: Environment, timeoutMs?: number): Promise<Settlement> =>
  new Promise((resolve) => {
    if (environment.ended) {
      resolve({ type: 'ended', error: new Error('Runtime exited before the invocation') });
      return;
    }
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => settle({ type: 'timeout' }), timeoutMs);
    const settle = (settlement: Settlement): void => {
      clearTimeout(timer);
      environment.settle = undefined;
      resolve(settlement);
    };
    environment.settle = settle;
  });

/**
 * A pool of Lambda execution environments for one function, each a worker
 * thread (`local/environment-worker.ts`) that loads the entry with tsx and
 * runs one invocation at a time, so concurrent invocations never share
 * module state or `process.env`. An idle environment is reused (warm: the
 * most recently used first, as Lambda does); a new one is a cold start.
 * An environment is thrown away, and its thread terminated, when its
 * invocation times out (its late work cannot write anything), when its
 * init fails, or when it crashes (an uncaught exception, `process.exit`).
 *
 * @example
 * const pool = createEnvironmentPool({ entryUrl, maxEnvironments: 10, memoryMb: 256, environmentOf });
 * const outcome = await pool.run(event, contextFields, 3_000);
 * await pool.stop();
 */
const createEnvironmentPool = (options: EnvironmentPoolOptions): EnvironmentPool => {
  const relay = channel(OFFLINE_RELAY_CHANNEL);
  const all = new Set<Environment>();
  const idle: Environment[] = [];
  /** Invocations waiting for an environment: handed an idle one, or a turn to start one. */
  const waiting: ((handoff: Environment | 'start') => void)[] = [];
  /** Places held for waiting invocations that were told to start an environment. */
  let reserved = 0;
  /** Environments whose bundle is being built: counted before their worker exists. */
  let building = 0;
  let stopped = false;

  /** The next waiting invocation may start an environment; its place is held until it does. */
  const passTurn = (): void => {
    const next = waiting.shift();
    if (!next) return;
    reserved += 1;
    next('start');
  };

  /** Idempotent: an environment ends once, and frees its place once. */
  const discard = (environment: Environment): void => {
    environment.ended = true;
    if (!all.delete(environment)) return;
    const at = idle.indexOf(environment);
    if (at >= 0) idle.splice(at, 1);
    void environment.worker.terminate();
    passTurn();
  };

  const release = (environment: Environment): void => {
    if (environment.ended) return;
    const next = waiting.shift();
    if (next) next(environment);
    else {
      // An idle environment does not keep the process alive; a busy one does.
      environment.worker.unref();
      idle.push(environment);
    }
  };

  /** Starts an environment and waits for its init; an init error fails the invocation that asked. */
  const start = async (): Promise<{ environment: Environment; initDurationMs: number }> => {
    const startedAt = performance.now();
    const name = logStreamName();
    building += 1;
    let entryUrl: string;
    try {
      entryUrl = await options.entryUrl();
    } finally {
      building -= 1;
    }
    const data: EnvironmentData = { entryUrl, relayChannel: OFFLINE_RELAY_CHANNEL, env: options.environmentOf(name) };
    // From here to `all.add` nothing awaits, so the environment's place is counted throughout.
    const worker = new Worker(WORKER_URL, {
      // Not the runtime's own flags (`--import tsx`): the worker and the bundle are plain to Node.
      execArgv: [],
      workerData: data,
      resourceLimits: { maxOldGenerationSizeMb: options.memoryMb },
      name: `lambda ${name}`,
    });
    const environment: Environment = { worker, logStreamName: name, ended: false };
    all.add(environment);
    worker.on('message', (message: EnvironmentMessage) => {
      if (message.type === 'relay') relay.publish(message.message);
      else environment.settle?.(message);
    });
    const end = (error: Error): void => {
      if (environment.ended) return;
      environment.ended = true;
      environment.settle?.({ type: 'ended', error });
      discard(environment);
    };
    worker.on('error', (error) => end(error));
    worker.on('exit', (code) => end(new Error(`Runtime exited with error: exit status ${code}`)));
    const settlement = await nextSettlement(environment);
    if (settlement.type === 'ready') return { environment, initDurationMs: Math.round(performance.now() - startedAt) };
    discard(environment);
    if (settlement.type === 'init-failed') throw deserialise(settlement.error);
    throw settlement.type === 'ended' ? settlement.error : new Error(`Unexpected ${settlement.type} during init`);
  };

  const acquire = async (): Promise<{ environment: Environment; initDurationMs?: number }> => {
    if (stopped) throw new Error('The offline runtime is stopping; the invocation was not run');
    const warm = idle.pop();
    if (warm) return { environment: warm };
    if (all.size + building + reserved >= options.maxEnvironments) {
      const handoff = await new Promise<Environment | 'start'>((resolve) => waiting.push(resolve));
      if (handoff !== 'start') return { environment: handoff };
      reserved -= 1;
    }
    if (stopped) throw new Error('The offline runtime is stopping; the invocation was not run');
    try {
      // start() counts the environment (`building`, then `all`) before its first await.
      return await start();
    } catch (error) {
      passTurn();
      throw error;
    }
  };

  const run = async (
    event: unknown,
    fields: Omit<ContextData, 'logStreamName' | 'deadline'>,
    timeoutMs: number,
  ): Promise<EnvironmentOutcome> => {
    let acquired: { environment: Environment; initDurationMs?: number };
    try {
      acquired = await acquire();
    } catch (error) {
      return { ok: false, error: error as Error, timedOut: false, coldStart: true };
    }
    const { environment, initDurationMs } = acquired;
    const cold = {
      coldStart: initDurationMs !== undefined,
      ...(initDurationMs === undefined ? {} : { initDurationMs }),
    };
    environment.worker.ref();
    const context: ContextData = {
      ...fields,
      logStreamName: environment.logStreamName,
      deadline: Date.now() + timeoutMs,
    };
    const message: InvokeMessage = {
      type: 'invoke',
      event,
      context,
      env: options.environmentOf(environment.logStreamName),
    };
    try {
      environment.worker.postMessage(message);
    } catch (error) {
      // An event that cannot be cloned never reaches the environment, which stays good.
      release(environment);
      return { ok: false, error: error as Error, timedOut: false, ...cold };
    }
    // Set before the answer can arrive: messages are handled on a later turn of the event loop.
    const settlement = await nextSettlement(environment, timeoutMs);
    if (settlement.type === 'result') {
      release(environment);
      return settlement.ok
        ? { ok: true, value: settlement.value, ...cold }
        : { ok: false, error: deserialise(settlement.error), timedOut: false, ...cold };
    }
    // A timeout, a crash or a stray message: Lambda throws the environment away.
    discard(environment);
    if (settlement.type === 'timeout') {
      const seconds = (timeoutMs / 1000).toFixed(2);
      return { ok: false, error: new Error(`Task timed out after ${seconds} seconds`), timedOut: true, ...cold };
    }
    const error = settlement.type === 'ended' ? settlement.error : new Error(`Unexpected ${settlement.type} message`);
    return { ok: false, error, timedOut: false, ...cold };
  };

  const stop = async (): Promise<void> => {
    stopped = true;
    while (waiting.length > 0) passTurn();
    const workers = [...all].map((environment) => environment.worker);
    for (const environment of [...all]) {
      environment.ended = true;
      environment.settle?.({ type: 'ended', error: new Error('The offline runtime stopped') });
    }
    all.clear();
    idle.length = 0;
    await Promise.all(workers.map((worker) => worker.terminate()));
  };

  return {
    run,
    get size() {
      return all.size;
    },
    stop,
  };
};

export { createEnvironmentPool };
export type { EnvironmentOutcome, EnvironmentPool, EnvironmentPoolOptions };
