import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { createEnvironmentPool, type EnvironmentPool } from './environment-pool.js';
import { createFunctionBundler } from './function-bundles.js';
import { environmentVariables } from './lambda-variables.js';
import type { RuntimeLog } from './log.js';
import type { PlannedFunction, PlannedQueueConsumer } from './plan.js';

/** Where an invocation came from; it shows in the runtime log. */
type InvocationSource = 'http' | 'authorizer' | 'stream' | 'sqs' | 'schedule' | 'direct';

/** How an invocation ended. A failure carries the error as Lambda would report it. */
type InvocationResult =
  | { readonly ok: true; readonly value: unknown; readonly requestId: string; readonly durationMs: number }
  | {
      readonly ok: false;
      readonly error: Error;
      /** Lambda's `FunctionError` header: a thrown error is "Unhandled". */
      readonly functionError: 'Unhandled';
      readonly timedOut: boolean;
      readonly requestId: string;
      readonly durationMs: number;
    };

/** Runs a function of the plan with an event, in an execution environment of its own, as Lambda would. */
interface Invoker {
  invoke(functionName: string, event: unknown, source: InvocationSource): Promise<InvocationResult>;
  /** The ARN a function would have, for event source ARNs and on-failure records. */
  functionArn(functionName: string): string;
}

/** The invoker the runtime owns: what invokes sees an {@link Invoker}; the runtime also stops it. */
interface StoppableInvoker extends Invoker {
  /** Terminates every execution environment; later invocations fail. */
  stop(): Promise<void>;
}

interface InvokerOptions {
  readonly functions: readonly PlannedFunction[];
  /** Directory that function entries are relative to (the repository root). */
  readonly root: string;
  readonly region: string;
  readonly accountId: string;
  /** Prefix of physical names; it also prefixes function names in contexts and ARNs. */
  readonly namePrefix: string;
  readonly log: RuntimeLog;
  /** The plan's queue consumers: a function may run as many environments as they allow batches. */
  readonly queueConsumers?: readonly PlannedQueueConsumer[];
}

/**
 * Environments per function when nothing asks for more: Lambda's limit is
 * the account's (1,000), which a laptop cannot hold; ten covers the bursts
 * tests and demos make, and more invocations wait for an idle one.
 */
const DEFAULT_MAX_ENVIRONMENTS = 10;

/** A function may need an environment for every batch its queue consumers run at once. */
const maxEnvironmentsOf = (name: string, consumers: readonly PlannedQueueConsumer[]): number => {
  const batches = consumers.filter((c) => c.function === name).reduce((sum, c) => sum + c.maxConcurrency, 0);
  return Math.max(DEFAULT_MAX_ENVIRONMENTS, batches);
};

/**
 * Runs handlers as Lambda does: each invocation in an execution
 * environment (a worker thread, `local/environment-pool.ts`) that runs one
 * invocation at a time, with its own modules and its own `process.env`
 * (the runtime's, plus Lambda's variables for the function:
 * `AWS_LAMBDA_FUNCTION_NAME`, `POWERTOOLS_SERVICE_NAME`, ...). Concurrent
 * invocations of a function get environments of their own, up to its
 * concurrency; an idle one is reused (warm), a new one is a cold start, so
 * a Powertools batch processor, the logger's correlation ids and its
 * `cold_start` flag behave as on AWS. A handler that outlives its timeout
 * is reported as Lambda's "Task timed out" failure and its environment is
 * terminated, so its late work writes nothing.
 *
 * @example
 * const invoker = createInvoker({ functions: plan.functions, root, region, accountId, namePrefix: '', log });
 * const result = await invoker.invoke('health', event, 'direct');
 * await invoker.stop();
 */
const createInvoker = (options: InvokerOptions): StoppableInvoker => {
  const specs = new Map(options.functions.map((spec) => [spec.name, spec]));
  const pools = new Map<string, EnvironmentPool>();
  const bundler = createFunctionBundler();
  let stopped = false;

  const functionArn = (functionName: string): string =>
    `arn:aws:lambda:${options.region}:${options.accountId}:function:${options.namePrefix}${functionName}`;

  const poolOf = (spec: PlannedFunction): EnvironmentPool => {
    const existing = pools.get(spec.name);
    if (existing) return existing;
    const functionName = `${options.namePrefix}${spec.name}`;
    const pool = createEnvironmentPool({
      entryUrl: () => bundler.bundle(resolve(options.root, spec.entry)),
      maxEnvironments: maxEnvironmentsOf(spec.name, options.queueConsumers ?? []),
      memoryMb: spec.memoryMb,
      environmentOf: (logStreamName) =>
        environmentVariables({ spec, functionName, region: options.region, logStreamName }, process.env),
    });
    pools.set(spec.name, pool);
    return pool;
  };

  const invoke = async (functionName: string, event: unknown, source: InvocationSource): Promise<InvocationResult> => {
    const spec = specs.get(functionName);
    if (!spec) throw new Error(`No function "${functionName}" in the plan`);
    const started = Date.now();
    const requestId = randomUUID();
    const physicalName = `${options.namePrefix}${functionName}`;
    const outcome = stopped
      ? {
          ok: false as const,
          error: new Error('The offline runtime stopped; the invocation was not run'),
          timedOut: false,
          coldStart: false,
        }
      : await poolOf(spec).run(
          event,
          {
            functionName: physicalName,
            functionVersion: '$LATEST',
            invokedFunctionArn: functionArn(functionName),
            memoryLimitInMB: String(spec.memoryMb),
            awsRequestId: requestId,
            logGroupName: `/aws/lambda/${physicalName}`,
          },
          spec.timeoutSeconds * 1000,
        );
    const durationMs = Date.now() - started;
    const fields = {
      source,
      function: functionName,
      requestId,
      durationMs,
      coldStart: outcome.coldStart,
      ...(outcome.initDurationMs === undefined ? {} : { initDurationMs: outcome.initDurationMs }),
    };
    if (outcome.ok) {
      options.log.info('invocation succeeded', fields);
      return { ok: true, value: outcome.value, requestId, durationMs };
    }
    options.log.error('invocation failed', { ...fields, timedOut: outcome.timedOut, error: outcome.error });
    return {
      ok: false,
      error: outcome.error,
      functionError: 'Unhandled',
      timedOut: outcome.timedOut,
      requestId,
      durationMs,
    };
  };

  const stop = async (): Promise<void> => {
    stopped = true;
    await Promise.all([...pools.values()].map((pool) => pool.stop()));
    await bundler.dispose();
  };

  return { invoke, functionArn, stop };
};

export { createInvoker };
export type { InvocationResult, InvocationSource, Invoker, InvokerOptions, StoppableInvoker };
