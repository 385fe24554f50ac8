import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InvocationResult, Invoker } from './invoke.js';
import type { RuntimeLog } from './log.js';

/**
 * Lambda's payload limits: 6 MB for a synchronous invoke, 1 MB for an
 * asynchronous one (raised from 256 KB in 2025).
 */
const MAX_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;
const MAX_ASYNC_PAYLOAD_BYTES = 1024 * 1024;

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

interface LambdaApiOptions {
  readonly invoker: Invoker;
  /** The functions of the plan, by topology name. */
  readonly functions: readonly string[];
  /** Physical names are `${namePrefix}${name}`, as the runtime names them everywhere. */
  readonly namePrefix: string;
  readonly region: string;
  readonly accountId: string;
  readonly log: RuntimeLog;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
}

/** A running Lambda API; `close()` waits for asynchronous invocations still running. */
interface LambdaApi {
  readonly url: string;
  close(): Promise<void>;
}

interface Answer {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** An error as Lambda's REST API sends it: the type in `x-amzn-ErrorType`, which the SDK turns into the error's name. */
const lambdaError = (status: number, type: string, message: string): Answer => ({
  status,
  headers: { 'x-amzn-ErrorType': type, 'content-type': 'application/json' },
  body: JSON.stringify({ Type: 'User', message }),
});

/**
 * The function a path segment names: a name, a partial ARN
 * (`123456789012:function:name`) or a full ARN, each with an optional
 * `:qualifier`; the offline stack has one version of each, `$LATEST`.
 */
const functionNameOf = (segment: string): { name: string; qualifier?: string } => {
  const parts = decodeURIComponent(segment).split(':');
  const at = parts.indexOf('function');
  const [name = '', qualifier] = at >= 0 ? parts.slice(at + 1) : parts;
  return qualifier === undefined ? { name } : { name, qualifier };
};

const readBody = (req: IncomingMessage, limit: number): Promise<Buffer | undefined> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });

/** The answer of a synchronous invoke: the result, or Lambda's error document with `X-Amz-Function-Error`. */
const resultAnswer = (result: InvocationResult): Answer => {
  const headers = { 'content-type': 'application/json', 'X-Amz-Executed-Version': '$LATEST' };
  if (result.ok) return { status: 200, headers, body: JSON.stringify(result.value ?? null) };
  const { error } = result;
  return {
    status: 200,
    headers: { ...headers, 'X-Amz-Function-Error': result.functionError },
    body: JSON.stringify({
      errorType: result.timedOut ? 'Sandbox.Timedout' : error.name,
      errorMessage: error.message,
      trace: (error.stack ?? '').split('\n'),
    }),
  };
};

/**
 * Serves Lambda's Invoke API (`POST /2015-03-31/functions/{name}/invocations`)
 * for the functions of the offline stack, so code that invokes a function
 * through `@aws-sdk/client-lambda` (the admin API's "run a schedule now")
 * works offline unchanged: the handlers' environment points the SDK here
 * with `AWS_ENDPOINT_URL_LAMBDA`.
 *
 * As Lambda does: `X-Amz-Invocation-Type: Event` answers 202 at once and
 * runs the function in the background; `RequestResponse` (the default)
 * answers 200 with the result, adding `X-Amz-Function-Error: Unhandled`
 * when the function threw; `DryRun` answers 204; an unknown function is a
 * 404 `ResourceNotFoundException`. A failed asynchronous run is logged;
 * Lambda's two asynchronous retries and the DLQ are not imitated offline.
 * Listens on 127.0.0.1 only: it runs any function with any event.
 *
 * @example
 * const api = await startLambdaApi({ invoker, functions: ['tick'], namePrefix: '', region, accountId, log });
 * // AWS_ENDPOINT_URL_LAMBDA=api.url; new LambdaClient({}).send(new InvokeCommand({ FunctionName: 'tick' }))
 * await api.close();
 */
const startLambdaApi = async (options: LambdaApiOptions): Promise<LambdaApi> => {
  const known = new Set(options.functions);
  const running = new Set<Promise<unknown>>();

  const arnOf = (physicalName: string): string =>
    `arn:aws:lambda:${options.region}:${options.accountId}:function:${physicalName}`;

  const answer = async (req: IncomingMessage): Promise<Answer> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const match = INVOKE_PATH.exec(path);
    if (req.method !== 'POST' || !match?.[1]) {
      return lambdaError(
        404,
        'UnknownOperationException',
        `The offline Lambda API serves Invoke only, not ${req.method} ${path}`,
      );
    }
    const { name: physicalName, qualifier } = functionNameOf(match[1]);
    const name = physicalName.startsWith(options.namePrefix)
      ? physicalName.slice(options.namePrefix.length)
      : undefined;
    if (name === undefined || !known.has(name) || (qualifier !== undefined && qualifier !== '$LATEST')) {
      return lambdaError(404, 'ResourceNotFoundException', `Function not found: ${arnOf(physicalName)}`);
    }
    const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    if (!['Event', 'RequestResponse', 'DryRun'].includes(type)) {
      return lambdaError(400, 'InvalidParameterValueException', `Invalid invocation type: ${type}`);
    }
    const body = await readBody(req, type === 'Event' ? MAX_ASYNC_PAYLOAD_BYTES : MAX_SYNC_PAYLOAD_BYTES);
    if (body === undefined)
      return lambdaError(413, 'RequestTooLargeException', 'Request must be smaller than the payload limit');
    let event: unknown = {};
    if (body.length > 0) {
      try {
        event = JSON.parse(body.toString('utf8'));
      } catch {
        return lambdaError(400, 'InvalidRequestContentException', 'Could not parse request body into json');
      }
    }
    if (type === 'DryRun') return { status: 204 };
    if (type === 'Event') {
      const run = options.invoker.invoke(name, event, 'schedule').catch((error: unknown) => {
        options.log.error('asynchronous invocation could not run', { function: name, error });
      });
      running.add(run);
      void run.finally(() => running.delete(run));
      return { status: 202 };
    }
    return resultAnswer(await options.invoker.invoke(name, event, 'direct'));
  };

  const send = (res: ServerResponse, reply: Answer): void => {
    const body = Buffer.from(reply.body ?? '');
    res.writeHead(reply.status, {
      ...reply.headers,
      'x-amzn-RequestId': randomUUID(),
      'content-length': String(body.length),
    });
    res.end(body);
  };

  const server = createServer((req, res) => {
    answer(req)
      .then((reply) => send(res, reply))
      .catch((error: unknown) => {
        options.log.error('the Lambda API failed to handle a request', { error });
        if (!res.headersSent) send(res, lambdaError(500, 'ServiceException', 'The offline Lambda API failed'));
        else res.destroy();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await Promise.allSettled([...running]);
    },
  };
};

export { startLambdaApi };
export type { LambdaApi, LambdaApiOptions };
