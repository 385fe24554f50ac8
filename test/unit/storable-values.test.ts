import { describe, expect, it } from 'vitest';
import { DecimalText } from '../../functions/kernel/http/exact-json.js';
import { HttpError } from '../../functions/kernel/http/responses.js';
import {
  MAX_NESTING,
  MAX_STORABLE_BYTES,
  type StorableOptions,
  storableOr400,
} from '../../functions/kernel/http/storable.js';

/** The refusal `storableOr400` throws, or undefined when it passes the value. */
const refusalOf = (value: unknown, options: StorableOptions = {}): HttpError | undefined => {
  try {
    storableOr400(value, options);
    return undefined;
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
};

/** `{a: {a: ... {a: leaf}}}`, `levels` objects deep (the root is level 1). */
const nested = (levels: number, leaf: unknown = 1): unknown => {
  let value: unknown = leaf;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
};

const reserved = (key: string): Record<string, unknown> => JSON.parse(`{"data": {"${key}": {"x": 1}}}`);

describe('storableOr400: values that can be stored pass unchanged', () => {
  it.each([
    ['a flat record', { name: 'Ana', age: 41, vip: true, notes: null }],
    ['the largest safe integer', { n: Number.MAX_SAFE_INTEGER }],
    ['the smallest safe integer', { n: -Number.MAX_SAFE_INTEGER }],
    ['zero and minus zero', { a: 0, b: -0 }],
    ['the smallest number DynamoDB stores', { n: 1e-130 }],
    ['a decimal', { n: 1234.5678 }],
    ['text in any script, emoji included', { s: 'Zoë 日本 🎉 \u0000' }],
    ['an empty string', { s: '' }],
    ['arrays of objects', { items: [{ a: 1 }, { b: [1, 2, 3] }] }],
    [`nesting of exactly ${MAX_NESTING} levels`, nested(MAX_NESTING)],
    ['a key that merely contains a reserved word', { my_constructor: 1, proto: 2 }],
    ['undefined values (removed on write)', { a: undefined }],
  ])('passes %s', (_what, value) => {
    // Act
    const passed = storableOr400(value);
    // Assess
    expect(passed).toBe(value);
  });

  it('passes a DecimalText when the schema is still to decide (decimals: keep)', () => {
    // Prepare
    const value = { revenue: new DecimalText('12345678901234567890123') };
    // Act
    const refusal = refusalOf(value, { decimals: 'keep' });
    // Assess
    expect(refusal).toBeUndefined();
  });
});

describe('storableOr400: refuses what cannot be stored, with 400 naming the field', () => {
  it.each([
    ['an integer beyond 2^53', { data: { revenue: 2 ** 53 + 2 } }, 'data.revenue', 'is beyond ±9007199254740991'],
    ['a negative integer beyond -2^53', { data: { n: -(2 ** 60) } }, 'data.n', 'is beyond ±9007199254740991'],
    ['1e300', { n: 1e300 }, 'n', 'is beyond'],
    ['a number below 1e-130', { data: { tiny: 1e-200 } }, 'data.tiny', 'closer to 0 than DynamoDB can store'],
    ['a negative number below 1e-130', { tiny: -1e-131 }, 'tiny', 'closer to 0'],
    ['NaN computed from input', { ratio: Number.NaN }, 'ratio', 'is not a finite number'],
    ['Infinity computed from input', { list: [1, Number.POSITIVE_INFINITY] }, 'list.1', 'is not a finite number'],
    ['a BigInt', { n: 10n ** 30n }, 'n', 'is beyond'],
    [
      'a DecimalText about to be written',
      { data: { x: new DecimalText('1.00000000000000000001') } },
      'data.x',
      'has more digits than a number holds exactly (1.00000000000000000001)',
    ],
    ['a lone high surrogate', { data: { name: 'a\uD800b' } }, 'data.name', 'lone UTF-16 surrogate'],
    ['a lone low surrogate in an array', { tags: ['ok', '\uDC00'] }, 'tags.1', 'lone UTF-16 surrogate'],
    ['an empty key', { data: { '': 1 } }, 'data', 'has an empty key'],
    ['an empty key at the root', { '': 1 }, '(root)', 'has an empty key'],
    ['a __proto__ key', reserved('__proto__'), 'data.__proto__', 'is a reserved name'],
    ['a constructor key', reserved('constructor'), 'data.constructor', 'is a reserved name'],
    ['a prototype key', reserved('prototype'), 'data.prototype', 'is a reserved name'],
    [
      `nesting of ${MAX_NESTING + 1} levels`,
      nested(MAX_NESTING + 1),
      `${'a.'.repeat(MAX_NESTING - 1)}a`,
      'nests deeper than 24 levels',
    ],
    [
      'nesting of arrays',
      JSON.parse(`${'['.repeat(30)}${']'.repeat(30)}`),
      `${'0.'.repeat(MAX_NESTING - 1)}0`,
      'nests deeper',
    ],
    ['a function', { f: () => 1 }, 'f', 'is not a JSON value'],
  ])('refuses %s', (_what, value, path, message) => {
    // Act
    const refusal = refusalOf(value);
    // Assess
    expect(refusal?.statusCode).toBe(400);
    expect(refusal?.details?.issues).toEqual([{ path, message: expect.stringContaining(message) }]);
    expect(refusal?.message).toContain(`${path}: `);
  });

  it('names the input and prefixes the path as told', () => {
    // Act
    const refusal = refusalOf({ amount: 1e-300 }, { what: 'body', path: ['data'] });
    // Assess
    expect(refusal?.message).toBe('Invalid body: data.amount: is closer to 0 than DynamoDB can store (1e-130)');
  });

  it('names every field that cannot be stored, up to 20', () => {
    // Prepare
    const value = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}`, 1e-200]));
    // Act
    const refusal = refusalOf(value);
    // Assess
    expect(refusal?.details?.issues).toHaveLength(20);
    expect(refusal?.details?.issues).toContainEqual({ path: 'f0', message: expect.any(String) });
  });

  it('does not follow a __proto__ key, and leaves Object.prototype alone', () => {
    // Prepare
    const value = JSON.parse('{"__proto__": {"polluted": true}}');
    // Act
    const refusal = refusalOf(value);
    // Assess
    expect(refusal?.statusCode).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('storableOr400: size as stored', () => {
  it(`passes a value of just under ${MAX_STORABLE_BYTES} bytes`, () => {
    // Prepare
    const value = { notes: 'x'.repeat(MAX_STORABLE_BYTES - 100) };
    // Act
    const refusal = refusalOf(value);
    // Assess
    expect(refusal).toBeUndefined();
  });

  it('refuses a value too large to store with 413, naming its largest field', () => {
    // Prepare
    const value = { data: { name: 'Ana', notes: 'x'.repeat(MAX_STORABLE_BYTES) } };
    // Act
    const refusal = refusalOf(value);
    // Assess
    expect(refusal?.statusCode).toBe(413);
    expect(refusal?.message).toMatch(/^Invalid payload: data\.notes: too large to store/);
    expect(refusal?.details).toMatchObject({ issues: [{ path: 'data.notes' }], max_bytes: MAX_STORABLE_BYTES });
  });

  it('names the container when many small fields make it large', () => {
    // Prepare
    const items = Array.from({ length: 5_000 }, (_, i) => ({ sku: `SKU-${i}`, qty: i, note: 'n'.repeat(10) }));
    // Act
    const refusal = refusalOf({ meta: 'x', items });
    // Assess
    expect(refusal?.statusCode).toBe(413);
    expect(refusal?.details?.issues).toEqual([{ path: 'items', message: 'too large to store' }]);
  });

  it('counts text in UTF-8 bytes, as DynamoDB does', () => {
    // Prepare: 40,000 characters of 3 bytes each is 120,000 bytes
    const value = { notes: '日'.repeat(40_000) };
    // Act
    const refusal = refusalOf(value);
    // Assess
    expect(refusal?.statusCode).toBe(413);
  });

  it('takes a smaller limit when told', () => {
    // Act
    const refusal = refusalOf({ a: 'x'.repeat(200) }, { maxBytes: 100 });
    // Assess
    expect(refusal?.statusCode).toBe(413);
  });
});
