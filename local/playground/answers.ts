import type { FakeAnswer, RecordedRequest } from './fake-http-server.js';

/**
 * The small answers every playground system shares: reading the path and
 * query, refusing a wrong key the way APIs do (401 before anything else),
 * a 404 for a route the system does not have, a 400 naming the field, and
 * offset paging as the CRM and the ERP page (`data`, `has_more`, `total`).
 */

/** The request's path and query, parsed (the recorded path is the raw request target). */
const urlOf = (request: RecordedRequest): URL => new URL(request.path, 'http://playground.local');

const UNAUTHORIZED: FakeAnswer = {
  status: 401,
  body: { error: 'unauthorized', message: 'invalid or missing API key' },
};

/**
 * 401 unless the request carries `Authorization: Bearer <key>`; undefined when it does.
 *
 * @example
 * const refused = bearerRefusal(request, env.CRM_API_KEY); if (refused) return refused;
 */
const bearerRefusal = (request: RecordedRequest, key: string | undefined): FakeAnswer | undefined =>
  key && request.headers.authorization === `Bearer ${key}` ? undefined : UNAUTHORIZED;

/**
 * 401 unless the request carries the key in `header` (lower case, as Node reads headers).
 *
 * @example
 * const refused = headerKeyRefusal(request, 'x-api-key', env.POS_API_KEY);
 */
const headerKeyRefusal = (request: RecordedRequest, header: string, key: string | undefined): FakeAnswer | undefined =>
  key && request.headers[header] === key ? undefined : UNAUTHORIZED;

/**
 * 404 for a route the system does not have, naming it.
 *
 * @example
 * return noRoute(request);
 */
const noRoute = (request: RecordedRequest): FakeAnswer => ({
  status: 404,
  body: { error: 'not_found', message: `no route ${request.method} ${urlOf(request).pathname}` },
});

/**
 * 400 naming the field that is wrong, as the real APIs' validation does.
 *
 * @example
 * return badField('qty', 'must be a number');
 */
const badField = (field: string, problem: string): FakeAnswer => ({
  status: 400,
  body: { error: 'invalid_request', message: `${field} ${problem}`, field },
});

/** The body as a JSON object, or undefined when it is anything else. */
const objectBody = (request: RecordedRequest): Record<string, unknown> | undefined =>
  typeof request.body === 'object' && request.body !== null && !Array.isArray(request.body)
    ? (request.body as Record<string, unknown>)
    : undefined;

/**
 * One page by `limit` (default 50, at most 200) and `offset`, keeping only
 * records whose `updatedAt` is at or after the `sinceParam` query value.
 *
 * @example
 * offsetPage(contacts, urlOf(request), 'updated_since'); // { data, has_more, total }
 */
const offsetPage = (
  records: readonly Record<string, unknown>[],
  url: URL,
  sinceParam: string,
): { data: Record<string, unknown>[]; has_more: boolean; total: number } => {
  const since = url.searchParams.get(sinceParam);
  const sinceMs = since ? Date.parse(since) : Number.NaN;
  const kept = Number.isNaN(sinceMs)
    ? records
    : records.filter((r) => Date.parse(String(r.updatedAt ?? '')) >= sinceMs);
  const limit = Math.min(200, Math.max(1, Number(url.searchParams.get('limit') ?? 50) || 50));
  const offset = Math.max(0, Number(url.searchParams.get('offset') ?? 0) || 0);
  return { data: kept.slice(offset, offset + limit), has_more: offset + limit < kept.length, total: kept.length };
};

export { UNAUTHORIZED, badField, bearerRefusal, headerKeyRefusal, noRoute, objectBody, offsetPage, urlOf };
