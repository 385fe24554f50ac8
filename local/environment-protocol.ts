/**
 * What the offline runtime and an execution environment (a worker thread,
 * `local/environment-worker.ts`) say to each other. Everything here crosses
 * a thread boundary by structured clone, so it is plain data: no functions,
 * no class instances.
 */

/** What a worker is started with: the entry to load and the environment it loads it in. */
interface EnvironmentData {
  /** `file:` URL of the function's bundle. */
  readonly entryUrl: string;
  /** {@link OFFLINE_RELAY_CHANNEL}, given so the worker imports nothing but types (Node strips them). */
  readonly relayChannel: string;
  /** `process.env` of the environment while its module initialises. */
  readonly env: Readonly<Record<string, string>>;
}

/** The data fields of a Lambda context; the worker adds the functions. */
interface ContextData {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly awsRequestId: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  /** Epoch milliseconds at which the invocation times out. */
  readonly deadline: number;
}

/** The runtime asks an idle environment to run one invocation. */
interface InvokeMessage {
  readonly type: 'invoke';
  readonly event: unknown;
  readonly context: ContextData;
  /**
   * `process.env` for this invocation: the runtime's at the time of the
   * call plus the function's own, so a variable a test (or an operator)
   * changes applies from the next invocation on, as a new deployment would.
   */
  readonly env: Readonly<Record<string, string>>;
}

/** An error as Lambda reports it: `errorType` is the name, and the stack is kept. */
interface SerialisedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

/** Messages from an environment, in the order it sent them. */
type EnvironmentMessage =
  /** The module initialised; the environment takes invocations. */
  | { readonly type: 'ready' }
  /** Importing the module threw (Lambda's init error); the environment is done. */
  | { readonly type: 'init-failed'; readonly error: SerialisedError }
  | { readonly type: 'result'; readonly ok: true; readonly value: unknown }
  | { readonly type: 'result'; readonly ok: false; readonly error: SerialisedError }
  /** Something published on {@link OFFLINE_RELAY_CHANNEL} inside the environment. */
  | { readonly type: 'relay'; readonly message: unknown };

/**
 * A `node:diagnostics_channel` name whose messages, published inside an
 * environment, are published again on the runtime's thread before the
 * invocation's result arrives. Test fixtures use it to report what they
 * received; handlers of the project never do (they cannot reach the test on
 * AWS either).
 */
const OFFLINE_RELAY_CHANNEL = 'sync-tools:offline-relay';

export { OFFLINE_RELAY_CHANNEL };
export type { ContextData, EnvironmentData, EnvironmentMessage, InvokeMessage, SerialisedError };
