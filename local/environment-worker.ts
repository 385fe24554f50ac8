/**
 * One Lambda execution environment of the offline runtime: a worker thread
 * that imports one function's entry (the init phase, with the function's
 * variables already in `process.env`) and then runs one invocation at a
 * time, each posted by `local/environment-pool.ts`. Its modules (the
 * Powertools logger with its cold start flag and correlation ids, client
 * and settings caches, a batch processor) belong to it alone, as on Lambda.
 *
 * It is a script, not a module to import. Node runs it as it is (its
 * TypeScript is erasable and it imports nothing but types), without tsx,
 * and it loads the function's esbuild bundle (`local/function-bundles.ts`),
 * so a cold start costs what loading the deployed bundle costs.
 */
import { subscribe } from 'node:diagnostics_channel';
import { enableCompileCache, flushCompileCache } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import type { Context } from 'aws-lambda';
import type {
  ContextData,
  EnvironmentData,
  EnvironmentMessage,
  InvokeMessage,
  SerialisedError,
} from './environment-protocol.js';

type Handler = (event: unknown, context: Context) => unknown;

if (!parentPort) throw new Error('local/environment-worker.ts runs as a worker thread of the offline runtime');
const port = parentPort;
const data = workerData as EnvironmentData;
// V8's compiled code of the AWS SDK and the bundle, kept on disk: every cold start after the first compiles
// less (a quarter less time, measured on the inventory webhook).
enableCompileCache(fileURLToPath(new URL('../node_modules/.cache/sync-tools-offline/compile/', import.meta.url)));
// Stack traces name the TypeScript sources, through the bundle's source map (the stack sets --enable-source-maps).
process.setSourceMapsEnabled(true);

const post = (message: EnvironmentMessage): void => port.postMessage(message);

/** Lambda reports the error's name as `errorType`; a thrown non-error becomes an Error of its text. */
const serialise = (thrown: unknown): SerialisedError =>
  thrown instanceof Error
    ? { name: thrown.name, message: thrown.message, ...(thrown.stack ? { stack: thrown.stack } : {}) }
    : { name: 'Error', message: String(thrown) };

/** The variables of this invocation replace the previous ones, removals included. */
const applyEnvironment = (env: Readonly<Record<string, string>>): void => {
  for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key];
  Object.assign(process.env, env);
};

const contextOf = (fields: ContextData): Context => {
  const { deadline, ...rest } = fields;
  return {
    ...rest,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    // Deprecated callbacks of the Node runtime; handlers here are async.
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

/**
 * Lambda answers with the JSON of what the handler returned, so a value
 * JSON cannot carry (a BigInt, a cycle) fails the invocation as it would
 * there, and a Date arrives as its ISO string.
 */
const asLambdaJson = (value: unknown): unknown => {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value);
  return text === undefined ? null : JSON.parse(text);
};

// What a fixture publishes on the relay channel reaches the runtime's thread on the same port as the
// result, and so before it.
subscribe(data.relayChannel, (message) => {
  try {
    post({ type: 'relay', message });
  } catch (error) {
    console.error('offline runtime: a relayed message could not be sent', error);
  }
});

const initialise = async (): Promise<Handler> => {
  applyEnvironment(data.env);
  const module = (await import(data.entryUrl)) as { handler?: unknown };
  if (typeof module.handler !== 'function')
    throw new Error(`${data.entryUrl} does not export a function named "handler"`);
  return module.handler as Handler;
};

const run = async (handler: Handler, message: InvokeMessage): Promise<void> => {
  applyEnvironment(message.env);
  try {
    const value = asLambdaJson(await handler(message.event, contextOf(message.context)));
    post({ type: 'result', ok: true, value });
  } catch (thrown) {
    post({ type: 'result', ok: false, error: serialise(thrown) });
  }
};

try {
  const handler = await initialise();
  // Written before the environment says it is ready: a terminated worker (a timed-out invocation, the
  // runtime stopping) would not write it at exit. The write is part of init, and only the first cold start
  // pays it. (An AbortError in place of "Task timed out", once blamed on this write, was Middy's early
  // timeout answering first: see test/helpers/fixtures/lambda-environment-handler.ts.)
  flushCompileCache();
  port.on('message', (message: InvokeMessage) => void run(handler, message));
  post({ type: 'ready' });
} catch (thrown) {
  post({ type: 'init-failed', error: serialise(thrown) });
}
