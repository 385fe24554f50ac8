/**
 * The Lambda event filter patterns of the topology's stream consumers, as
 * plain data types, and how a record is matched against them. Here rather
 * than in `lib/` because two sides evaluate them: the offline runtime's
 * stream poller (as Lambda does before invoking a consumer) and the
 * stream-failure replayer, which re-reads a failed batch's records from the
 * stream and must drop the ones the consumer's filters dropped (a CRM
 * change replayed to `crmOutbound` would be pushed back to the CRM).
 * Imports nothing, as every wiring module.
 */
type FilterPattern = { readonly [key: string]: FilterPattern | readonly FilterValue[] };
type FilterValue =
  | string
  | number
  | boolean
  | null
  | { readonly 'anything-but': string | number | readonly (string | number)[] }
  | { readonly prefix: string }
  | { readonly exists: boolean }
  | { readonly numeric: readonly (string | number)[] };

/**
 * Lambda event filtering, the EventBridge-pattern subset that Lambda
 * supports and the topology allows: exact values, `prefix`, `anything-but`
 * (one value or a list), `exists`, `numeric` ranges and nested objects.
 *
 * The rules that are easy to get wrong, all as AWS documents them:
 * - every key of a pattern must match (AND); the values listed for one key
 *   are alternatives (OR); a record passes when ANY pattern matches;
 * - a matcher other than `exists: false` never matches a missing field, so
 *   `anything-but` does not let a record without the field through;
 * - when the record holds an array, the field matches if any element does
 *   (for nested patterns too: a list of maps matches if one map does);
 * - DynamoDB numbers travel as strings (`{"N": "300"}`), and Lambda still
 *   applies `numeric` to them, so numeric strings count as numbers there.
 */

type Leaf = readonly FilterValue[];

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const asNumber = (value: unknown): number | undefined => {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
};

const sameScalar = (expected: string | number | boolean | null, actual: unknown): boolean => {
  if (typeof expected === 'number') return typeof actual === 'number' && actual === expected;
  return actual === expected;
};

const numericMatches = (conditions: readonly (string | number)[], actual: unknown): boolean => {
  const value = asNumber(actual);
  if (value === undefined) return false;
  for (let i = 0; i < conditions.length; i += 2) {
    const operator = conditions[i];
    const bound = Number(conditions[i + 1]);
    const ok =
      operator === '='
        ? value === bound
        : operator === '<'
          ? value < bound
          : operator === '<='
            ? value <= bound
            : operator === '>'
              ? value > bound
              : operator === '>='
                ? value >= bound
                : invalid(`numeric operator ${String(operator)}`);
    if (!ok) return false;
  }
  return true;
};

const invalid = (what: string): never => {
  throw new Error(`Unsupported filter pattern: ${what}`);
};

/** Whether one element of the record's value satisfies one matcher (existence is handled by the caller). */
const valueMatches = (matcher: FilterValue, actual: unknown): boolean => {
  if (matcher === null || typeof matcher !== 'object') return sameScalar(matcher, actual);
  if ('prefix' in matcher) return typeof actual === 'string' && actual.startsWith(matcher.prefix);
  if ('anything-but' in matcher) {
    const excluded = matcher['anything-but'];
    const list: readonly (string | number)[] = Array.isArray(excluded) ? excluded : [excluded as string | number];
    return !list.some((item) => sameScalar(item, actual));
  }
  if ('numeric' in matcher) return numericMatches(matcher.numeric, actual);
  return invalid(JSON.stringify(matcher));
};

const leafMatches = (matchers: Leaf, present: boolean, actual: unknown): boolean =>
  matchers.some((matcher) => {
    if (matcher !== null && typeof matcher === 'object' && 'exists' in matcher) {
      return matcher.exists ? present : !present;
    }
    if (!present) return false;
    // Objects are not leaves: a value matcher never matches a whole map.
    const candidates = Array.isArray(actual) ? actual : [actual];
    return candidates.some((candidate) => !isObject(candidate) && valueMatches(matcher, candidate));
  });

const patternMatches = (pattern: FilterPattern, value: unknown): boolean => {
  // An array of objects matches a nested pattern when any of its elements does.
  if (Array.isArray(value) && value.some(isObject)) return value.some((element) => patternMatches(pattern, element));
  return Object.entries(pattern).every(([key, expected]) => {
    const present = isObject(value) && Object.hasOwn(value, key) && value[key] !== undefined;
    const actual = present ? (value as Record<string, unknown>)[key] : undefined;
    if (Array.isArray(expected)) return leafMatches(expected as Leaf, present, actual);
    // A nested pattern still runs on a missing branch, so `exists: false` deep
    // inside it can match a record that lacks the whole branch.
    return patternMatches(expected as FilterPattern, actual);
  });
};

/**
 * Whether a record passes a consumer's filter criteria: it must match at
 * least one pattern; with no patterns every record passes.
 *
 * @example
 * matchesFilters([{ eventName: ['INSERT'], dynamodb: { NewImage: { origin: { S: [{ 'anything-but': 'crm' }] } } } }], record);
 */
const matchesFilters = (patterns: readonly FilterPattern[], record: unknown): boolean =>
  patterns.length === 0 || patterns.some((pattern) => patternMatches(pattern, record));

const OPERATORS = new Set(['prefix', 'anything-but', 'exists', 'numeric']);

/**
 * Throws on a pattern this runtime cannot evaluate (an operator outside the
 * supported subset, a malformed numeric range), so a topology fails when it
 * is planned rather than when the first record arrives.
 *
 * @example
 * checkFilterPattern({ eventName: ['INSERT'] }); // fine
 */
const checkFilterPattern = (pattern: FilterPattern, path = ''): void => {
  for (const [key, expected] of Object.entries(pattern)) {
    const where = path ? `${path}.${key}` : key;
    if (!Array.isArray(expected)) {
      if (!isObject(expected)) invalid(`${where} must be a list of values or a nested pattern`);
      checkFilterPattern(expected as FilterPattern, where);
      continue;
    }
    for (const matcher of expected as Leaf) {
      if (matcher === null || typeof matcher !== 'object') continue;
      const keys = Object.keys(matcher);
      const operator = keys[0] ?? '';
      if (keys.length !== 1 || !OPERATORS.has(operator)) invalid(`${where}: ${JSON.stringify(matcher)}`);
      if ('numeric' in matcher) {
        const range = matcher.numeric;
        const wellFormed =
          range.length > 0 &&
          range.length % 2 === 0 &&
          range.every((item, i) =>
            i % 2 === 0 ? ['<', '<=', '=', '>', '>='].includes(String(item)) : typeof item === 'number',
          );
        if (!wellFormed) invalid(`${where}: numeric ${JSON.stringify(range)}`);
      }
    }
  }
};

export { checkFilterPattern, matchesFilters };
export type { FilterPattern, FilterValue };
