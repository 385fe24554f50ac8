/**
 * How a page of an outside system's list tells where the next page is, read
 * in one pure place: offset paging (`has_more`, the next `offset` being this
 * one plus the records read), a cursor in the body (`next`), or a
 * `Link: <...>; rel="next"` header (Shopify style). The next page is always
 * handed on as a full URL (the cursor), so the worker fetches it without
 * knowing which style the source uses.
 */
export interface PageRead {
  readonly records: readonly Record<string, unknown>[];
  /** The URL of the next page, or `null` at the end. */
  readonly next: string | null;
  /** All records the source holds, when it says. */
  readonly total?: number;
}

/** The list field names sources use for their records, tried in order. */
const LIST_FIELDS = ['data', 'items', 'records', 'results'] as const;

/**
 * The `rel="next"` URL of an RFC 8288 Link header, resolved against `base`.
 *
 * @example
 * nextLink('<https://shop/products?page_info=abc>; rel="next", <...>; rel="previous"', base); // 'https://shop/products?page_info=abc'
 */
const nextLink = (header: string | null | undefined, base: string): string | null => {
  if (!header) return null;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (!match) continue;
    const rels = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(match[2] ?? '');
    if (rels?.[1]?.split(/\s+/).includes('next')) return new URL(match[1] ?? '', base).toString();
  }
  return null;
};

const recordsOf = (body: unknown): readonly Record<string, unknown>[] | undefined => {
  if (Array.isArray(body)) return body as Record<string, unknown>[];
  if (!body || typeof body !== 'object') return undefined;
  for (const field of LIST_FIELDS) {
    const list = (body as Record<string, unknown>)[field];
    if (Array.isArray(list)) return list as Record<string, unknown>[];
  }
  // A shop names the list after the entity (`products`, `inventory_levels`): the one array field.
  const arrays = Object.values(body).filter(Array.isArray);
  return arrays.length === 1 ? (arrays[0] as Record<string, unknown>[]) : undefined;
};

/**
 * Reads one page: its records and the URL of the next page. `url` is the
 * page just fetched; offset paging moves its `offset` on by the records read.
 * Throws when the body holds no list (the source answered something else).
 *
 * @example
 * readPage({ data: [{ id: '1' }], has_more: true, total: 3 }, null, 'https://crm/api/contacts?limit=1&offset=0');
 * // { records: [{ id: '1' }], next: 'https://crm/api/contacts?limit=1&offset=1', total: 3 }
 */
const readPage = (body: unknown, linkHeader: string | null | undefined, url: string): PageRead => {
  const records = recordsOf(body);
  if (!records) throw new Error('The source answered a page without a list of records');
  const fields = (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
  const total = typeof fields.total === 'number' && Number.isInteger(fields.total) ? fields.total : undefined;
  const withTotal = (next: string | null): PageRead => ({ records, next, ...(total === undefined ? {} : { total }) });
  const linked = nextLink(linkHeader, url);
  if (linked) return withTotal(linked);
  const cursor = fields.next ?? fields.next_cursor ?? fields.nextCursor;
  if (typeof cursor === 'string' && cursor !== '') {
    // A URL (absolute or a path) is the next page itself; anything else is an opaque cursor parameter.
    if (/^(https?:\/\/|\/)/.test(cursor)) return withTotal(new URL(cursor, url).toString());
    const next = new URL(url);
    next.searchParams.set('cursor', cursor);
    next.searchParams.delete('offset');
    return withTotal(next.toString());
  }
  if (fields.has_more === true && records.length > 0) {
    const next = new URL(url);
    next.searchParams.set('offset', String(Number(next.searchParams.get('offset') ?? 0) + records.length));
    return withTotal(next.toString());
  }
  return withTotal(null);
};

/**
 * Seconds a 429 or 503 asks us to wait (`Retry-After` in seconds or as an
 * HTTP date), clamped to SQS's visibility range; `fallback` when absent.
 *
 * @example
 * retryAfterSeconds('7', Date.now()); // 7
 */
const retryAfterSeconds = (header: string | null | undefined, now: number, fallback = 30): number => {
  const clamp = (seconds: number) => Math.min(43_200, Math.max(1, Math.ceil(seconds)));
  if (!header) return fallback;
  if (/^\d+$/.test(header.trim())) return clamp(Number(header.trim()));
  const at = Date.parse(header);
  return Number.isNaN(at) ? fallback : clamp((at - now) / 1000);
};

export { nextLink, readPage, retryAfterSeconds };
