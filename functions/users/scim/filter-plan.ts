import { compileFilter } from './filter-eval.js';
import { type Filter, parseFilter } from './filter-parse.js';
import { type ScimError, badRequest } from './scim-error.js';
import type { ResourceTypeName } from './schema.js';

/** The indexes the store keeps: one key per resource, unique or near-unique. */
type IndexName = 'userName' | 'externalId' | 'displayName';

/** One index read: the store fetches the resources whose index key equals `key`. */
interface Lookup {
  readonly index: IndexName;
  readonly key: string;
}

/**
 * How to answer a filter: read the listed index keys and keep the candidates
 * `matches` accepts, or scan. `residual` is what the index does not settle
 * (undefined when the lookups are exact).
 */
type QueryPlan =
  | { readonly kind: 'lookup'; readonly lookups: readonly Lookup[]; readonly residual: Filter | undefined }
  | { readonly kind: 'scan'; readonly filter: Filter };

/**
 * The index key of a value: userName and a group's displayName are
 * case-insensitive (RFC 7643 §4.1.1, §4.2), so their keys are lower-cased;
 * externalId is caseExact and kept as is. The store writes keys with this
 * same function.
 *
 * @example
 * indexKey('userName', 'Ana@Example.com'); // 'ana@example.com'
 */
const indexKey = (index: IndexName, value: string): string => (index === 'externalId' ? value : value.toLowerCase());

// Which `attribute eq "string"` terms an index answers, per resource type, best first.
const INDEXED: Readonly<Record<ResourceTypeName, readonly IndexName[]>> = {
  User: ['userName', 'externalId'],
  Group: ['displayName', 'externalId'],
};

const lookupOf = (filter: Filter, type: ResourceTypeName): Lookup | undefined => {
  if (filter.kind !== 'compare' || filter.op !== 'eq' || typeof filter.value !== 'string') return undefined;
  if (filter.path.urn !== undefined || filter.path.sub !== undefined) return undefined;
  const index = INDEXED[type].find((name) => name === filter.path.attribute);
  return index ? { index, key: indexKey(index, filter.value) } : undefined;
};

const flatten = (filter: Filter, kind: 'and' | 'or'): Filter[] =>
  filter.kind === kind ? [...flatten(filter.left, kind), ...flatten(filter.right, kind)] : [filter];

const join = (filters: readonly Filter[], kind: 'and' | 'or'): Filter | undefined =>
  filters.reduce<Filter | undefined>((left, right) => (left ? { kind, left, right } : right), undefined);

const plan = (filter: Filter, type: ResourceTypeName): QueryPlan => {
  const single = lookupOf(filter, type);
  if (single) return { kind: 'lookup', lookups: [single], residual: undefined };
  if (filter.kind === 'and') {
    const terms = flatten(filter, 'and');
    for (const index of INDEXED[type]) {
      const at = terms.findIndex((term) => lookupOf(term, type)?.index === index);
      if (at >= 0) {
        const lookup = lookupOf(terms[at] as Filter, type) as Lookup;
        return { kind: 'lookup', lookups: [lookup], residual: join(terms.toSpliced(at, 1), 'and') };
      }
    }
    // An AND of an OR of lookups with other terms: the OR still bounds the candidates.
    for (const [at, term] of terms.entries()) {
      const inner = term.kind === 'or' ? plan(term, type) : undefined;
      if (inner?.kind === 'lookup') {
        const rest = terms.toSpliced(at, 1);
        return {
          kind: 'lookup',
          lookups: inner.lookups,
          residual: join(inner.residual ? [inner.residual, ...rest] : rest, 'and'),
        };
      }
    }
  }
  if (filter.kind === 'or') {
    const parts = flatten(filter, 'or').map((term) => plan(term, type));
    if (parts.every((part) => part.kind === 'lookup')) {
      const lookups = new Map<string, Lookup>();
      for (const part of parts)
        for (const lookup of part.lookups) lookups.set(`${lookup.index}\u0000${lookup.key}`, lookup);
      const exact = parts.every((part) => part.residual === undefined);
      return { kind: 'lookup', lookups: [...lookups.values()], residual: exact ? undefined : filter };
    }
  }
  return { kind: 'scan', filter };
};

/**
 * Plans a checked (canonical) filter: `userName eq X`, `externalId eq X` and
 * a group's `displayName eq X`, alone, AND-ed with other terms or OR-ed
 * together, become index lookups so the store never scans for what Okta and
 * Entra ask most; anything else is a scan.
 *
 * @example
 * planQuery(compiled.filter, 'User');
 * // { kind: 'lookup', lookups: [{ index: 'userName', key: 'ana@example.com' }], residual: undefined }
 */
const planQuery = (filter: Filter, type: ResourceTypeName): QueryPlan => plan(filter, type);

/** A filter ready to run: its plan and the predicate every candidate must pass. */
interface PreparedFilter {
  readonly plan: QueryPlan;
  readonly filter: Filter;
  readonly matches: (resource: Readonly<Record<string, unknown>>) => boolean;
}

/**
 * Parses, checks and plans the `filter` query parameter in one step; any
 * failure is the 400 `invalidFilter` to answer with. The store reads the
 * plan's lookups (or scans) and keeps the resources `matches` accepts,
 * which is always correct whatever the residual.
 *
 * @example
 * const prepared = prepareFilter('userName eq "ana@example.com"', 'User');
 * if (!prepared.ok) throw prepared.error;
 */
const prepareFilter = (
  text: string,
  type: ResourceTypeName,
): { readonly ok: true; readonly value: PreparedFilter } | { readonly ok: false; readonly error: ScimError } => {
  const parsed = parseFilter(text);
  if (!parsed.ok) return { ok: false, error: badRequest('invalidFilter', parsed.error.detail) };
  const compiled = compileFilter(parsed.value, type);
  if (!compiled.ok) return compiled;
  return {
    ok: true,
    value: {
      plan: planQuery(compiled.value.filter, type),
      filter: compiled.value.filter,
      matches: compiled.value.matches,
    },
  };
};

export type { IndexName, Lookup, PreparedFilter, QueryPlan };
export { indexKey, planQuery, prepareFilter };
