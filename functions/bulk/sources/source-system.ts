/**
 * One outside system bulk sync reads from: the integration holding its URL
 * and key, the list path of each entity it can read, the name it gives the
 * "changed since" filter, and how its first page is asked for. How the next
 * page is found is read from each answer (`paging.ts`), so a source that
 * answers with a cursor where offsets were expected still pages.
 */
export interface SourceSystem {
  readonly integration: 'crm' | 'erp' | 'ecommerce';
  /** Entity name (as the API is called with it) -> list path under the integration's `apiUrl`. */
  readonly entities: Readonly<Record<string, string>>;
  readonly sinceParam: string;
  /** `offset`: the first page asks `offset=0`; `cursor`: it asks no position. */
  readonly paging: 'offset' | 'cursor';
}
