import { requireIntegration } from '../../kernel/config/secrets.js';
import { type PageRead, readPage, retryAfterSeconds } from './paging.js';
import { firstPageUrl, sources } from './index.js';

/** What asking a source for a page came to: the page, or a request to wait. */
export type PageFetch =
  | { readonly kind: 'page'; readonly url: string; readonly page: PageRead }
  | { readonly kind: 'wait'; readonly seconds: number };

/** A source that answered something we cannot page on: the message is retried, then dead-lettered. */
class SourceError extends Error {
  override readonly name = 'SourceError';
}

const TIMEOUT_MS = Number(process.env.BULK_FETCH_TIMEOUT_MS ?? 15_000);

/**
 * Fetches one page of `entity` from `source`, directly (the worker waits for
 * it), with the integration's URL and key. `cursor` is the URL a previous
 * page named (`null`: the first page); it must stay on the integration's own
 * origin, so a source's Link header cannot point our key elsewhere. A 429
 * or 503 answers `wait` with its Retry-After; any other failure throws.
 *
 * @example
 * const fetched = await fetchPage({ source: 'crm', entity: 'contacts', batchSize: 200, cursor: null });
 */
const fetchPage = async (request: {
  readonly source: string;
  readonly entity: string;
  readonly batchSize: number;
  readonly since?: string;
  readonly cursor: string | null;
}): Promise<PageFetch> => {
  const source = sources[request.source];
  if (!source) throw new SourceError(`Unknown source ${request.source}`);
  const { apiUrl, apiKey } = await requireIntegration(source.integration, ['apiUrl', 'apiKey']);
  const url = request.cursor ?? firstPageUrl(source, apiUrl, request.entity, request.batchSize, request.since);
  if (new URL(url).origin !== new URL(apiUrl).origin) {
    throw new SourceError(`The next page ${new URL(url).origin} is not on ${source.integration}'s own origin`);
  }
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${apiKey}`, accept: 'application/json' },
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (response.status === 429 || response.status === 503) {
    await response.body?.cancel();
    return { kind: 'wait', seconds: retryAfterSeconds(response.headers.get('retry-after'), Date.now()) };
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new SourceError(`${source.integration} answered ${response.status} to GET ${new URL(url).pathname}`);
  }
  const body: unknown = await response.json();
  return { kind: 'page', url, page: readPage(body, response.headers.get('link'), url) };
};

export { fetchPage, SourceError };
