import { crmSource } from './crm.js';
import { erpSource } from './erp.js';
import { shopSource } from './shop.js';
import type { SourceSystem } from './source-system.js';

/** Every system bulk sync reads from, by the name a job gives it. Adding a source is adding a module here. */
const sources: Readonly<Record<string, SourceSystem>> = { crm: crmSource, erp: erpSource, ecommerce: shopSource };

/**
 * The URL of a job's first page: the entity's list path, the page size and,
 * for an offset source, `offset=0`; `since` as the source's own filter name.
 *
 * @example
 * firstPageUrl(crmSource, 'https://crm.example', 'contacts', 200); // 'https://crm.example/api/contacts?limit=200&offset=0'
 */
const firstPageUrl = (source: SourceSystem, apiUrl: string, entity: string, limit: number, since?: string): string => {
  const path = source.entities[entity];
  if (!path) throw new Error(`${source.integration} cannot read ${entity}`);
  const url = new URL(apiUrl.replace(/\/+$/, '') + path);
  url.searchParams.set('limit', String(limit));
  if (source.paging === 'offset') url.searchParams.set('offset', '0');
  if (since) url.searchParams.set(source.sinceParam, since);
  return url.toString();
};

export { sources, firstPageUrl };
export type { SourceSystem };
