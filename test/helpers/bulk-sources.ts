import type { FakeAnswer, RecordedRequest } from './fake-http-server.js';

/**
 * A list endpoint of a source system for bulk sync tests, played by a fake
 * HTTP server: serves `records` by offset paging (`has_more`, `total`), a
 * body cursor (`next`) or a `Link: <...>; rel="next"` header, checks the
 * bearer key, and can rate-limit one chosen request.
 */
export type PagingStyle = 'offset' | 'body-cursor' | 'link';

export interface ListEndpoint {
  readonly path: string;
  readonly records: readonly Record<string, unknown>[];
  readonly style: PagingStyle;
  readonly key: string;
  /** Answer 429 with this Retry-After (seconds) to the request of this number (1-based), once. */
  readonly rateLimitAt?: { readonly request: number; readonly retryAfter: number };
  /** Delay every answer (a slow source, for pause and cancel). */
  readonly delayMs?: number;
}

/**
 * A responder for one list endpoint (others answer 404).
 *
 * @example
 * crm.setResponder(listResponder({ path: '/api/contacts', records, style: 'offset', key: 'crm-test-key' }));
 */
const listResponder = (endpoint: ListEndpoint): ((request: RecordedRequest) => FakeAnswer) => {
  let served = 0;
  return (request): FakeAnswer => {
    const url = new URL(request.path, 'http://fake');
    if (request.method !== 'GET' || url.pathname !== endpoint.path) return { status: 404, body: { error: 'no route' } };
    if (request.headers.authorization !== `Bearer ${endpoint.key}`) return { status: 401, body: { error: 'bad key' } };
    served += 1;
    if (endpoint.rateLimitAt?.request === served) {
      return {
        status: 429,
        headers: { 'retry-after': String(endpoint.rateLimitAt.retryAfter) },
        body: { error: 'slow down' },
      };
    }
    const limit = Number(url.searchParams.get('limit') ?? 50);
    const start = Number(url.searchParams.get(endpoint.style === 'offset' ? 'offset' : 'cursor') ?? 0);
    const records = endpoint.records.slice(start, start + limit);
    const more = start + limit < endpoint.records.length;
    const delay = endpoint.delayMs === undefined ? {} : { delayMs: endpoint.delayMs };
    if (endpoint.style === 'offset') {
      return { status: 200, body: { data: records, has_more: more, total: endpoint.records.length }, ...delay };
    }
    if (endpoint.style === 'body-cursor') {
      return { status: 200, body: { data: records, next: more ? String(start + limit) : null }, ...delay };
    }
    const next = `${endpoint.path}?limit=${limit}&cursor=${start + limit}`;
    return {
      status: 200,
      body: { items: records },
      headers: more ? { link: `<${next}>; rel="next"` } : ({} as Record<string, string>),
      ...delay,
    };
  };
};

/**
 * CRM contacts with ids of their own (`<prefix>-<n>`), changed at `updatedAt`.
 *
 * @example
 * const records = crmContacts('bulk-a', 5);
 */
const crmContacts = (prefix: string, count: number, updatedAt = '2026-11-01T10:00:00.000Z') =>
  Array.from({ length: count }, (_, n) => ({
    id: `${prefix}-${n}`,
    firstName: `First${n}`,
    lastName: `Last${n}`,
    email: `${prefix}-${n}@example.com`,
    updatedAt,
  }));

export { listResponder, crmContacts };
