import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type {
  APIGatewayEventRequestContextV2,
  APIGatewayProxyEventV2,
  APIGatewayRequestAuthorizerEventV2,
} from 'aws-lambda';

/** What the gateway knows about a request before it picks a route. */
interface IncomingHttpRequest {
  readonly method: string;
  readonly rawPath: string;
  readonly rawQueryString: string;
  /** Lower-cased names, repeated headers joined with commas as API Gateway does. */
  readonly headers: Readonly<Record<string, string>>;
  readonly cookies: readonly string[];
  readonly body: Buffer;
  readonly sourceIp: string;
  readonly protocol: string;
}

interface ApiIdentity {
  readonly region: string;
  readonly accountId: string;
  readonly apiId: string;
}

/** Content types whose bodies API Gateway passes as text; everything else arrives base64-encoded. */
const isTextContentType = (contentType: string | undefined): boolean => {
  if (!contentType) return false;
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return (
    type.startsWith('text/') ||
    ['application/json', 'application/xml', 'application/javascript', 'application/graphql'].includes(type) ||
    type.endsWith('+json') ||
    type.endsWith('+xml')
  );
};

/**
 * The body as API Gateway would hand it over. Text is passed as a string only
 * when it survives the round trip through UTF-8 unchanged; otherwise it is
 * base64, so a signature over the raw bytes always verifies.
 */
const encodeBody = (body: Buffer, contentType: string | undefined): { body?: string; isBase64Encoded: boolean } => {
  if (body.length === 0) return { isBase64Encoded: false };
  if (isTextContentType(contentType)) {
    const text = body.toString('utf8');
    if (Buffer.from(text, 'utf8').equals(body)) return { body: text, isBase64Encoded: false };
  }
  return { body: body.toString('base64'), isBase64Encoded: true };
};

/** `key=a&key=b` becomes `{ key: 'a,b' }`, decoded, as in payload format 2.0. */
const queryParameters = (rawQueryString: string): Record<string, string> | undefined => {
  if (!rawQueryString) return undefined;
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    params[key] = params[key] === undefined ? value : `${params[key]},${value}`;
  }
  return params;
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => String(n).padStart(2, '0');
/** API Gateway's `requestContext.time`: `24/Nov/2026:18:44:45 +0000`. */
const apiGatewayTime = (at: Date): string =>
  `${pad(at.getUTCDate())}/${MONTHS[at.getUTCMonth()]}/${at.getUTCFullYear()}:${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())} +0000`;

/** Reads what the event needs from node's request; `::ffff:127.0.0.1` is reported as the IPv4 address it is. */
const describeRequest = (req: IncomingMessage, body: Buffer): IncomingHttpRequest => {
  const url = req.url ?? '/';
  const queryAt = url.indexOf('?');
  const headers: Record<string, string> = {};
  let cookies: string[] = [];
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (!values) continue;
    // Payload 2.0 moves cookies out of the headers into their own array.
    if (name === 'cookie') cookies = values.flatMap((v) => v.split(';').map((c) => c.trim())).filter(Boolean);
    else headers[name] = values.join(',');
  }
  const remote = req.socket.remoteAddress ?? '127.0.0.1';
  const sourceIp = remote.startsWith('::ffff:') ? remote.slice(7) : remote;
  headers['x-forwarded-for'] ??= sourceIp;
  headers['x-forwarded-proto'] ??= 'http';
  headers['x-forwarded-port'] ??= String(req.socket.localPort ?? '');
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    rawPath: queryAt >= 0 ? url.slice(0, queryAt) : url,
    rawQueryString: queryAt >= 0 ? url.slice(queryAt + 1) : '',
    headers,
    cookies,
    body,
    sourceIp,
    protocol: `HTTP/${req.httpVersion}`,
  };
};

const requestContext = (
  request: IncomingHttpRequest,
  routeKey: string,
  api: ApiIdentity,
  requestId: string,
  at: Date,
): APIGatewayEventRequestContextV2 => {
  const domainName = request.headers.host ?? 'localhost';
  return {
    accountId: api.accountId,
    apiId: api.apiId,
    domainName,
    domainPrefix: domainName.split('.')[0]?.split(':')[0] ?? domainName,
    http: {
      method: request.method,
      path: request.rawPath,
      protocol: request.protocol,
      sourceIp: request.sourceIp,
      userAgent: request.headers['user-agent'] ?? '',
    },
    requestId,
    routeKey,
    stage: '$default',
    time: apiGatewayTime(at),
    timeEpoch: at.getTime(),
  };
};

/** What a route's event and its authorizer's event both carry of the request. */
const requestFields = (request: IncomingHttpRequest) => {
  const query = queryParameters(request.rawQueryString);
  return {
    rawPath: request.rawPath,
    rawQueryString: request.rawQueryString,
    ...(request.cookies.length > 0 ? { cookies: [...request.cookies] } : {}),
    headers: { ...request.headers },
    ...(query ? { queryStringParameters: query } : {}),
  };
};

interface HttpEventOptions {
  readonly requestId?: string;
  readonly at?: Date;
  /** The `context` a Lambda authorizer returned, for `requestContext.authorizer.lambda`. */
  readonly authorizerContext?: Readonly<Record<string, unknown>>;
}

/**
 * The HTTP API payload format 2.0 event for a matched route.
 *
 * @example
 * const event = httpApiEvent(describeRequest(req, body), 'GET /health', {}, api);
 */
const httpApiEvent = (
  request: IncomingHttpRequest,
  routeKey: string,
  pathParameters: Readonly<Record<string, string>>,
  api: ApiIdentity,
  { requestId = randomUUID(), at = new Date(), authorizerContext }: HttpEventOptions = {},
): APIGatewayProxyEventV2 => {
  const context = requestContext(request, routeKey, api, requestId, at);
  // Only routes behind a Lambda authorizer carry `authorizer.lambda`.
  const withAuthorizer = authorizerContext ? { ...context, authorizer: { lambda: { ...authorizerContext } } } : context;
  return {
    version: '2.0',
    routeKey,
    ...requestFields(request),
    ...(Object.keys(pathParameters).length > 0 ? { pathParameters: { ...pathParameters } } : {}),
    requestContext: withAuthorizer,
    ...encodeBody(request.body, request.headers['content-type']),
  };
};

/**
 * The Lambda authorizer event (REQUEST type, payload 2.0, simple responses)
 * with the `Authorization` header as its identity source.
 */
const authorizerEvent = (
  request: IncomingHttpRequest,
  routeKey: string,
  pathParameters: Readonly<Record<string, string>>,
  api: ApiIdentity,
  requestId: string,
  at: Date = new Date(),
): APIGatewayRequestAuthorizerEventV2 => {
  const [method, path] = routeKey.split(' ');
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:${api.region}:${api.accountId}:${api.apiId}/$default/${method}${path}`,
    identitySource: [request.headers.authorization ?? ''],
    routeKey,
    ...requestFields(request),
    pathParameters: { ...pathParameters },
    requestContext: requestContext(request, routeKey, api, requestId, at),
  } as APIGatewayRequestAuthorizerEventV2;
};

export { authorizerEvent, describeRequest, encodeBody, httpApiEvent };
export type { ApiIdentity, HttpEventOptions, IncomingHttpRequest };
