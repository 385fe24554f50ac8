import { DecimalText } from './exact-json.js';
import { HttpError } from './responses.js';

/**
 * Whether a request's values can be stored exactly, checked before anything
 * is written. A body that passes its signature but holds a value DynamoDB
 * refuses (or that we would store wrong) otherwise fails on the write with
 * a 500, and the sender retries the same bytes for hours: the change never
 * lands. Refused here with a 400 naming the field (413 for a body too large
 * to store), it is a bug report the sender can act on.
 *
 * | value | refused because |
 * |---|---|
 * | a number beyond ±(2^53 - 1) | a double cannot hold it exactly, and the document client refuses to write it; a field that keeps exact figures takes its text instead (`exactDecimal`) |
 * | a number below 1e-130 in magnitude (not 0) | DynamoDB's smallest number |
 * | NaN, Infinity | not JSON; checked for values computed from input |
 * | a {@link DecimalText} (a number a double would change), unless `decimals: 'keep'` | stored as a double it would change |
 * | text with a lone UTF-16 surrogate | not UTF-8: DynamoDB refuses it or stores U+FFFD instead |
 * | an empty key; `__proto__`, `constructor`, `prototype` | DynamoDB refuses empty names; the others are prototype pollution waiting for a careless `target[key] = value` |
 * | nesting deeper than {@link MAX_NESTING} levels | DynamoDB's 32 levels, less what our items add around a body |
 * | more than {@link MAX_STORABLE_BYTES} as stored | DynamoDB's 400 KB item: 413 naming the largest field |
 */

/**
 * Levels of objects and arrays a body may nest, its root object being
 * level 1. DynamoDB allows 32 in an item; our items keep a body's values at
 * most a few levels down (a record's `data`, a conflict's
 * `resolution.details.choice.<field>.value`), so 24 leaves 8 levels to
 * spare, and no business record nests half as deep.
 */
const MAX_NESTING = 24;

/**
 * The largest body, in bytes as DynamoDB counts them (an upper estimate),
 * that can be stored. A record item can hold its data three times (`data`,
 * `base_data` for a three-way merge, `pushed_data` to recognise an echo),
 * and a conflict item holds local, remote and base data: 3 x 100,000 bytes
 * plus the envelope (keys, stamps, the sync event: a few KB) stays under
 * DynamoDB's 400 KB (409,600 bytes) item limit.
 */
const MAX_STORABLE_BYTES = 100_000;

/** DynamoDB's smallest positive number: 1e-130. */
const MIN_MAGNITUDE = 1e-130;

/** Keys no stored object may have: `JSON.parse` makes them own properties, but `target[key] = value` would not. */
const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** DynamoDB's size of a number: 1 byte per two significant digits plus one; 38 digits at most. */
const NUMBER_BYTES = 21;
/** DynamoDB's size of a map or list: 3 bytes, plus 1 per element. */
const CONTAINER_BYTES = 3;

const MAX_ISSUES = 20;

export interface StorableOptions {
  /** Names the input in the message: `payload`, `body`, `settings`. */
  readonly what?: string;
  /** Put before each field path, e.g. `['data']` when the value is the `data` part of a body. */
  readonly path?: readonly string[];
  /**
   * `keep`: a {@link DecimalText} passes, for the schema to decide next
   * (right after parsing: the schema knows which fields keep exact
   * figures). `refuse` (the default): the value is about to be written, so
   * every number must be a double that holds it exactly.
   */
  readonly decimals?: 'keep' | 'refuse';
  /** At most this many bytes as stored; {@link MAX_STORABLE_BYTES} by default. */
  readonly maxBytes?: number;
}

interface Issue {
  readonly path: string;
  readonly message: string;
}

const UNSAFE_MESSAGE = `is beyond ±${Number.MAX_SAFE_INTEGER} (2^53 - 1): a number that large cannot be stored exactly; send it as a string`;

const shown = (path: readonly string[]): string => (path.length === 0 ? '(root)' : path.join('.'));

const isContainer = (value: unknown): value is Record<string, unknown> | unknown[] =>
  typeof value === 'object' && value !== null && !(value instanceof DecimalText);

/** What is wrong with a scalar, if anything. */
const scalarProblem = (value: unknown, decimals: 'keep' | 'refuse'): string | undefined => {
  switch (typeof value) {
    case 'string':
      return value.isWellFormed() ? undefined : 'is not well-formed text (it holds a lone UTF-16 surrogate)';
    case 'number':
      if (!Number.isFinite(value)) return 'is not a finite number';
      if (Math.abs(value) > Number.MAX_SAFE_INTEGER) return UNSAFE_MESSAGE;
      if (value !== 0 && Math.abs(value) < MIN_MAGNITUDE) return 'is closer to 0 than DynamoDB can store (1e-130)';
      return undefined;
    case 'boolean':
    case 'undefined':
      return undefined;
    case 'bigint':
      return UNSAFE_MESSAGE;
    case 'object':
      if (value === null) return undefined;
      if (value instanceof DecimalText && decimals === 'refuse') {
        return `has more digits than a number holds exactly (${value.text.slice(0, 60)}); send it as a string`;
      }
      return undefined;
    default:
      return 'is not a JSON value';
  }
};

/** DynamoDB's size of a scalar, or an upper estimate of it. */
const scalarBytes = (value: unknown): number => {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (value instanceof DecimalText) return Buffer.byteLength(value.text);
  if (typeof value === 'number' || typeof value === 'bigint') return NUMBER_BYTES;
  return 1;
};

/** Walks the value, noting what cannot be stored; answers its size as stored. */
const walk = (value: unknown, path: string[], depth: number, decimals: 'keep' | 'refuse', issues: Issue[]): number => {
  if (issues.length >= MAX_ISSUES) return 0;
  if (!isContainer(value)) {
    const problem = scalarProblem(value, decimals);
    if (problem) issues.push({ path: shown(path), message: problem });
    return scalarBytes(value);
  }
  if (depth > MAX_NESTING) {
    issues.push({ path: shown(path), message: `nests deeper than ${MAX_NESTING} levels` });
    return 0;
  }
  let bytes = CONTAINER_BYTES;
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      bytes += 1 + walk(item, [...path, String(index)], depth + 1, decimals, issues);
    });
    return bytes;
  }
  for (const key of Object.keys(value)) {
    if (key === '') issues.push({ path: shown(path), message: 'has an empty key' });
    else if (RESERVED_KEYS.has(key)) {
      issues.push({ path: shown([...path, key]), message: 'is a reserved name (__proto__, constructor, prototype)' });
      continue;
    }
    bytes += 1 + Buffer.byteLength(key) + walk(value[key], [...path, key], depth + 1, decimals, issues);
  }
  return bytes;
};

/** The size as stored of a value already walked (so within the nesting limit). */
const sizeOf = (value: unknown): number => {
  if (!isContainer(value)) return scalarBytes(value);
  const entries = Array.isArray(value) ? value.map((item) => ['', item] as const) : Object.entries(value);
  return entries.reduce((sum, [key, item]) => sum + 1 + Buffer.byteLength(key) + sizeOf(item), CONTAINER_BYTES);
};

/** The field that makes a value large: the largest child, followed down while it holds most of its parent. */
const largestField = (value: unknown, path: string[]): { path: string[]; bytes: number } => {
  let node = value;
  let at = path;
  let bytes = sizeOf(value);
  while (isContainer(node)) {
    const children = Array.isArray(node) ? node.map((item, i) => [String(i), item] as const) : Object.entries(node);
    const sized = children.map(([key, item]) => ({ key, item, bytes: sizeOf(item) }));
    const biggest = sized.reduce<(typeof sized)[number] | undefined>(
      (best, child) => (best === undefined || child.bytes > best.bytes ? child : best),
      undefined,
    );
    if (!biggest || biggest.bytes * 2 < bytes) break;
    node = biggest.item;
    at = [...at, biggest.key];
    bytes = biggest.bytes;
  }
  return { path: at, bytes };
};

/**
 * Returns `value` when every part of it can be stored exactly; otherwise
 * throws the {@link HttpError} to answer with: 400 naming each field that
 * cannot (`Invalid payload: data.revenue: is beyond ...`, with `issues`
 * as `parseOr400` gives them), or 413 naming the largest field when the
 * whole is too large. Pure: it reads the value and nothing else.
 *
 * @example
 * const body = storableOr400(parseExactJson(raw), { what: 'payload', decimals: 'keep' });
 * const data = storableOr400(toLocal(mapping, parsed), { path: ['data'] }); // right before the write
 */
const storableOr400 = <T>(value: T, options: StorableOptions = {}): T => {
  const { what = 'payload', path = [], decimals = 'refuse', maxBytes = MAX_STORABLE_BYTES } = options;
  const issues: Issue[] = [];
  const bytes = walk(value, [...path], 1, decimals, issues);
  if (issues.length > 0) {
    const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    throw new HttpError(400, `Invalid ${what}: ${summary}`, { issues });
  }
  if (bytes > maxBytes) {
    const largest = largestField(value, [...path]);
    const field = shown(largest.path);
    throw new HttpError(
      413,
      `Invalid ${what}: ${field}: too large to store: the ${what} takes about ${bytes} bytes stored, at most ${maxBytes} (${field} takes ${largest.bytes})`,
      { issues: [{ path: field, message: 'too large to store' }], bytes, max_bytes: maxBytes },
    );
  }
  return value;
};

export { storableOr400, MAX_NESTING, MAX_STORABLE_BYTES, MIN_MAGNITUDE };
