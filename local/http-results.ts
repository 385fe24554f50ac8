/** A response ready to write to the socket. */
interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly cookies: readonly string[];
  readonly body: Buffer;
}

const jsonResponse = (statusCode: number, value: unknown): HttpResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  cookies: [],
  body: Buffer.from(JSON.stringify(value)),
});

/** API Gateway's own error answers, byte for byte what an HTTP API sends. */
const gatewayErrors = {
  notFound: () => jsonResponse(404, { message: 'Not Found' }),
  unauthorized: () => jsonResponse(401, { message: 'Unauthorized' }),
  forbidden: () => jsonResponse(403, { message: 'Forbidden' }),
  tooLarge: () => jsonResponse(413, { message: 'Request Entity Too Large' }),
  internal: () => jsonResponse(500, { message: 'Internal Server Error' }),
} as const;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Turns a handler's return value into the HTTP response API Gateway would
 * send, following payload format 2.0: an object with `statusCode` is a
 * structured response; anything else is "valid JSON without a status code",
 * answered 200 as JSON (a string is sent as it is, other values serialised).
 * A structured response that breaks the format (a non-string body, a bad
 * status) is what API Gateway calls a malformed response: a 500.
 *
 * @example
 * toHttpResponse({ statusCode: 201, body: '{"id":1}' }); // { ok: true, response: { statusCode: 201, ... } }
 */
const toHttpResponse = (value: unknown): { ok: true; response: HttpResponse } | { ok: false; problem: string } => {
  if (!isRecord(value) || !('statusCode' in value)) {
    const body = typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null');
    return {
      ok: true,
      response: {
        statusCode: 200,
        headers: { 'content-type': 'application/json' },
        cookies: [],
        body: Buffer.from(body),
      },
    };
  }
  const { statusCode, headers = {}, cookies = [], body, isBase64Encoded = false } = value;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    return { ok: false, problem: `statusCode must be an integer from 100 to 599, got ${JSON.stringify(statusCode)}` };
  }
  if (body !== undefined && body !== null && typeof body !== 'string') {
    return { ok: false, problem: `body must be a string, got ${typeof body}` };
  }
  if (!isRecord(headers)) return { ok: false, problem: 'headers must be an object' };
  if (!Array.isArray(cookies) || cookies.some((c) => typeof c !== 'string'))
    return { ok: false, problem: 'cookies must be an array of strings' };
  const outHeaders: Record<string, string> = {};
  for (const [name, headerValue] of Object.entries(headers)) {
    if (headerValue === undefined || headerValue === null) continue;
    outHeaders[name.toLowerCase()] = String(headerValue);
  }
  outHeaders['content-type'] ??= 'application/json';
  const text = typeof body === 'string' ? body : '';
  return {
    ok: true,
    response: {
      statusCode,
      headers: outHeaders,
      cookies: cookies as string[],
      body: isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8'),
    },
  };
};

export { gatewayErrors, jsonResponse, toHttpResponse };
export type { HttpResponse };
