import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ApiIdentity,
  authorizerEvent,
  describeRequest,
  httpApiEvent,
  type IncomingHttpRequest,
} from './http-events.js';
import { gatewayErrors, type HttpResponse, jsonResponse, toHttpResponse } from './http-results.js';
import type { Invoker } from './invoke.js';
import type { RuntimeLog } from './log.js';
import type { PlannedRoute } from './plan.js';
import { createRouteMatcher } from './route-match.js';

/**
 * The largest body passed on: Lambda's 6 MB synchronous invocation payload,
 * the lower of the two limits on the way (an HTTP API itself takes 10 MB,
 * but a function is never handed more than 6 MB).
 */
const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** API Gateway HTTP API integration timeout. */
const INTEGRATION_TIMEOUT_MS = 30_000;

interface GatewayOptions {
  readonly routes: readonly PlannedRoute[];
  readonly invoker: Invoker;
  readonly api: ApiIdentity;
  readonly log: RuntimeLog;
  /** 0 picks a free port. */
  readonly port: number;
  readonly host?: string;
  /** Largest request body taken; default API Gateway's 10 MB (tests pass a small one). */
  readonly maxPayloadBytes?: number;
}

interface Gateway {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Reads the raw body, byte for byte; `undefined` as soon as it is known to
 * pass the payload limit: at once when Content-Length says so, else when
 * the bytes read pass it (chunked). The rest is never read: the caller
 * answers 413 and drops the connection, so a client cannot make the
 * gateway take in an endless body.
 */
const readBody = (req: IncomingMessage, limit: number): Promise<Buffer | undefined> =>
  new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

const send = (res: ServerResponse, response: HttpResponse, requestId: string): void => {
  const headers: Record<string, string | string[]> = { ...response.headers, 'apigw-requestid': requestId };
  if (response.cookies.length > 0) headers['set-cookie'] = [...response.cookies];
  headers['content-length'] = String(response.body.length);
  res.writeHead(response.statusCode, headers);
  res.end(response.body);
};

/** Answers 413 and closes the connection once the answer is out, without reading the rest of the body. */
const refuseTooLarge = (req: IncomingMessage, res: ServerResponse, requestId: string): void => {
  res.setHeader('connection', 'close');
  res.once('finish', () => req.destroy());
  send(res, gatewayErrors.tooLarge(), requestId);
};

const withTimeout = <T>(work: Promise<T>, ms: number): Promise<T | 'timeout'> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
};

/**
 * Runs the route's authorizer as API Gateway does for a Lambda authorizer
 * with simple responses and `$request.header.Authorization` as identity
 * source: no header means 401 without calling the function; `isAuthorized:
 * false` means 403 Forbidden (what an HTTP API answers; only REST APIs turn
 * a denial into 401); an error or a reply that is not a simple response
 * means 500. On success the authorizer's `context` is handed on.
 */
const authorize = async (
  options: GatewayOptions,
  authorizer: string,
  request: IncomingHttpRequest,
  route: PlannedRoute,
  pathParameters: Readonly<Record<string, string>>,
  requestId: string,
): Promise<{ ok: true; context: Record<string, unknown> } | { ok: false; response: HttpResponse }> => {
  if (!request.headers.authorization) return { ok: false, response: gatewayErrors.unauthorized() };
  const event = authorizerEvent(request, route.routeKey, pathParameters, options.api, requestId);
  const result = await options.invoker.invoke(authorizer, event, 'authorizer');
  if (!result.ok) return { ok: false, response: gatewayErrors.internal() };
  const reply = result.value as { isAuthorized?: unknown; context?: unknown } | null;
  if (!reply || typeof reply.isAuthorized !== 'boolean') {
    options.log.error('authorizer returned something other than a simple response', {
      function: authorizer,
      requestId,
    });
    return { ok: false, response: gatewayErrors.internal() };
  }
  if (!reply.isAuthorized) return { ok: false, response: gatewayErrors.forbidden() };
  const context = reply.context && typeof reply.context === 'object' ? (reply.context as Record<string, unknown>) : {};
  return { ok: true, context };
};

const handle = async (
  options: GatewayOptions,
  match: ReturnType<typeof createRouteMatcher<PlannedRoute>>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> => {
  const requestId = randomUUID();
  const body = await readBody(req, options.maxPayloadBytes ?? MAX_PAYLOAD_BYTES);
  if (body === undefined) {
    refuseTooLarge(req, res, requestId);
    return;
  }
  const request = describeRequest(req, body);
  const found = match(request.method, request.rawPath);
  if (!found) {
    send(res, gatewayErrors.notFound(), requestId);
    return;
  }
  const { route, pathParameters } = found;
  let authorizerContext: Record<string, unknown> | undefined;
  if (route.authorizer) {
    const verdict = await authorize(options, route.authorizer, request, route, pathParameters, requestId);
    if (!verdict.ok) {
      send(res, verdict.response, requestId);
      return;
    }
    authorizerContext = verdict.context;
  }
  const event = httpApiEvent(request, route.routeKey, pathParameters, options.api, { requestId, authorizerContext });
  const outcome = await withTimeout(options.invoker.invoke(route.function, event, 'http'), INTEGRATION_TIMEOUT_MS);
  if (outcome === 'timeout') {
    options.log.error('integration timed out', { route: route.routeKey, requestId });
    send(res, jsonResponse(503, { message: 'Service Unavailable' }), requestId);
    return;
  }
  if (!outcome.ok) {
    send(res, gatewayErrors.internal(), requestId);
    return;
  }
  const translated = toHttpResponse(outcome.value);
  if (!translated.ok) {
    options.log.error('malformed Lambda proxy response', {
      route: route.routeKey,
      requestId,
      problem: translated.problem,
    });
    send(res, gatewayErrors.internal(), requestId);
    return;
  }
  send(res, translated.response, requestId);
};

/**
 * Serves the plan's routes as an API Gateway HTTP API would: payload format
 * 2.0 events, Lambda authorizers, API Gateway's own 404/401/403/413/500/503
 * answers, and the raw body preserved exactly for signature checks.
 *
 * @example
 * const gateway = await startGateway({ routes: plan.routes, invoker, api, log, port: 3000 });
 * // curl http://127.0.0.1:3000/health
 * await gateway.close();
 */
const startGateway = async (options: GatewayOptions): Promise<Gateway> => {
  const match = createRouteMatcher(options.routes);
  const server = createServer((req, res) => {
    handle(options, match, req, res).catch((error: unknown) => {
      options.log.error('gateway failed to handle a request', { error });
      if (!res.headersSent) send(res, gatewayErrors.internal(), randomUUID());
      else res.destroy();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};

export { MAX_PAYLOAD_BYTES, startGateway };
export type { Gateway, GatewayOptions };
