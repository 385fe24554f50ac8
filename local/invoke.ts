import { randomBytes, randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import type { RuntimeLog } from './log.js';
import type { PlannedFunction } from './plan.js';

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

/** Runs a function of the plan with an event, in this process, as Lambda would. */
interface Invoker {
  invoke(functionName: string, event: unknown, source: InvocationSource): Promise<InvocationResult>;
  /** The ARN a function would have, for event source ARNs and on-failure records. */
  functionArn(functionName: string): string;
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
}

type Handler = (event: unknown, context: Context) => unknown;

const logStreamName = (): string => {
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
};

/**
 * Builds the Lambda context a handler receives: the fields Powertools and
 * middy read (function name, ARN, memory, request id, log group) and a
 * `getRemainingTimeInMillis` that counts down from the function's timeout.
 */
const lambdaContext = (name: string, spec: PlannedFunction, arn: string, deadline: number): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: name,
  functionVersion: '$LATEST',
  invokedFunctionArn: arn,
  memoryLimitInMB: String(spec.memoryMb),
  awsRequestId: randomUUID(),
  logGroupName: `/aws/lambda/${name}`,
  logStreamName: logStreamName(),
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  // Deprecated callbacks of the Node runtime; handlers here are async.
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

const asError = (thrown: unknown): Error => (thrown instanceof Error ? thrown : new Error(String(thrown)));

/**
 * Loads handlers on first use with a dynamic `import()` of their entry
 * (tsx and vitest both load `.ts` this way) and runs them with a realistic
 * context. A handler that outlives its timeout is reported as Lambda's
 * "Task timed out" failure; it cannot be killed in-process, so its late
 * result is ignored.
 *
 * Like Lambda, a function runs one invocation at a time per execution
 * environment, and concurrent invocations get environments of their own:
 * here, instances of the entry module of their own (the entry imported
 * again under a query string), so module-level state such as a Powertools
 * batch processor, which holds the batch being processed, is never shared
 * by two invocations at once. The modules the entry imports are shared.
 * An environment whose invocation timed out is never reused.
 *
 * @example
 * const invoker = createInvoker({ functions: plan.functions, root, region, accountId, namePrefix: '', log });
 * const result = await invoker.invoke('health', event, 'direct');
 */
const createInvoker = (options: InvokerOptions): Invoker => {
  const specs = new Map(options.functions.map((spec) => [spec.name, spec]));
  /** Handlers of the environments not running an invocation, by entry. */
  const idle = new Map<string, Handler[]>();
  const environments = new Map<string, number>();

  /** A new execution environment. A failed import (a syntax error being fixed) is retried on the next call. */
  const load = async (spec: PlannedFunction): Promise<Handler> => {
    const index = environments.get(spec.entry) ?? 0;
    environments.set(spec.entry, index + 1);
    const url = pathToFileURL(resolve(options.root, spec.entry)).href;
    const module = (await import(index === 0 ? url : `${url}?environment=${index}`)) as { handler?: unknown };
    if (typeof module.handler !== 'function')
      throw new Error(`${spec.entry} does not export a function named "handler"`);
    return module.handler as Handler;
  };
  const acquire = async (spec: PlannedFunction): Promise<Handler> => idle.get(spec.entry)?.pop() ?? load(spec);
  const release = (spec: PlannedFunction, handler: Handler): void => {
    idle.set(spec.entry, [...(idle.get(spec.entry) ?? []), handler]);
  };

  const functionArn = (functionName: string): string =>
    `arn:aws:lambda:${options.region}:${options.accountId}:function:${options.namePrefix}${functionName}`;

  const invoke = async (functionName: string, event: unknown, source: InvocationSource): Promise<InvocationResult> => {
    const spec = specs.get(functionName);
    if (!spec) throw new Error(`No function "${functionName}" in the plan`);
    const started = Date.now();
    const deadline = started + spec.timeoutSeconds * 1000;
    const context = lambdaContext(`${options.namePrefix}${functionName}`, spec, functionArn(functionName), deadline);
    const requestId = context.awsRequestId;
    let timer: NodeJS.Timeout | undefined;
    let result: InvocationResult;
    let handler: Handler | undefined;
    try {
      handler = await acquire(spec);
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              Object.assign(new Error(`Task timed out after ${spec.timeoutSeconds.toFixed(2)} seconds`), {
                timedOut: true,
              }),
            ),
          Math.max(0, deadline - Date.now()),
        );
      });
      const run = handler;
      const value = await Promise.race([Promise.resolve().then(() => run(event, context)), timeout]);
      result = { ok: true, value, requestId, durationMs: Date.now() - started };
    } catch (thrown) {
      const error = asError(thrown);
      const timedOut = (error as { timedOut?: boolean }).timedOut === true;
      result = { ok: false, error, functionError: 'Unhandled', timedOut, requestId, durationMs: Date.now() - started };
    } finally {
      clearTimeout(timer);
    }
    if (handler && !(!result.ok && result.timedOut)) release(spec, handler);
    if (result.ok) {
      options.log.info('invocation succeeded', {
        source,
        function: functionName,
        requestId,
        durationMs: result.durationMs,
      });
    } else {
      options.log.error('invocation failed', {
        source,
        function: functionName,
        requestId,
        durationMs: result.durationMs,
        timedOut: result.timedOut,
        error: result.error,
      });
    }
    return result;
  };

  return { invoke, functionArn };
};

export { createInvoker };
export type { InvocationResult, InvocationSource, Invoker, InvokerOptions };
