import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exactDecimal } from '../../functions/kernel/http/exact-decimal.js';
import { DecimalText, canonicalOf, parseExactJson } from '../../functions/kernel/http/exact-json.js';
import { HttpError } from '../../functions/kernel/http/responses.js';
import { readStorableJson } from '../../functions/kernel/http/storable-json.js';
import * as z from '../../functions/kernel/validation.js';

const refusalOf = (run: () => unknown): HttpError | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
};

describe('parseExactJson: numbers as written', () => {
  it.each([
    ['0', 0],
    ['-0', -0],
    ['0.1', 0.1],
    ['0.10', 0.1],
    ['1e-200', 1e-200],
    ['1E3', 1000],
    ['9007199254740991', 9007199254740991],
    ['-12.5e-1', -1.25],
    ['1e22', 1e22],
  ])('keeps %s, which a double holds exactly, as a number', (text, value) => {
    // Act
    const parsed = parseExactJson(`{"n": ${text}}`) as { n: unknown };
    // Assess
    expect(parsed.n).toBe(value);
  });

  it.each([
    '12345678901234567890123',
    '9007199254740993',
    '1.00000000000000000001',
    '0.1000000000000000000001',
    '1e400',
    '-1e400',
    '123456789012345678901234567890.5',
  ])('keeps %s, which a double would change, as its text', (text) => {
    // Act
    const parsed = parseExactJson(`[${text}]`) as unknown[];
    // Assess
    expect(parsed[0]).toEqual(new DecimalText(text));
  });

  it('keeps every number a double holds as a number and every other as its text, however short or long', () => {
    // Prepare: number texts of 1 to 25 digits with and without fraction and exponent, so short ones
    // take the plain parse and long ones the careful one.
    const digits = (min: number, max: number) =>
      fc.array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max }).map((d) => d.join(''));
    const numberText = fc
      .tuple(
        fc.constantFrom('', '-'),
        fc.oneof(
          fc.constant('0'),
          fc.tuple(fc.constantFrom(...'123456789'), digits(0, 24)).map(([a, b]) => a + b),
        ),
        fc.option(
          digits(1, 25).map((f) => `.${f}`),
          { nil: '' },
        ),
        fc.option(
          fc.integer({ min: -400, max: 400 }).map((e) => `e${e}`),
          { nil: '' },
        ),
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(numberText, fc.string(), (text, label) => {
        // Act
        const parsed = parseExactJson(`{"label": ${JSON.stringify(label)}, "n": ${text}}`) as { n: unknown };
        // Assess
        const double = Number(text);
        const exact = Number.isFinite(double) && isDeepStrictEqual(canonicalOf(String(double)), canonicalOf(text));
        expect(parsed.n).toEqual(exact ? double : new DecimalText(text));
      }),
      { numRuns: 2_000 },
    );
  });

  it('leaves strings that look like numbers alone', () => {
    // Act
    const parsed = parseExactJson('{"id": "12345678901234567890123"}');
    // Assess
    expect(parsed).toEqual({ id: '12345678901234567890123' });
  });

  it('makes __proto__ an own key, never the prototype', () => {
    // Act
    const parsed = parseExactJson('{"__proto__": {"polluted": 1}}') as Record<string, unknown>;
    // Assess
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.keys(parsed)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('throws a SyntaxError on text that is not JSON', () => {
    // Act + Assess
    expect(() => parseExactJson('{"a": 1,}')).toThrow(SyntaxError);
  });
});

describe('readStorableJson: the body every writing route reads', () => {
  it('answers 400 for a body that is not JSON', () => {
    // Act
    const refusal = refusalOf(() => readStorableJson('{"a": ', 'payload'));
    // Assess
    expect(refusal).toMatchObject({ statusCode: 400, message: 'Body is not valid JSON' });
  });

  it('answers 400 naming the field for a value that cannot be stored', () => {
    // Act
    const refusal = refusalOf(() => readStorableJson('{"data": {"tiny": 1e-200}}', 'payload'));
    // Assess
    expect(refusal).toMatchObject({ statusCode: 400, message: expect.stringContaining('data.tiny: ') });
  });

  it('hands a number a double would change to the schema as DecimalText', () => {
    // Act
    const body = readStorableJson('{"revenue": 12345678901234567890123}', 'payload');
    // Assess
    expect(body).toEqual({ revenue: new DecimalText('12345678901234567890123') });
  });

  it('answers 400 before parsing a body that nests a million levels deep (no stack overflow)', () => {
    // Prepare
    const text = `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`;
    // Act
    const refusal = refusalOf(() => readStorableJson(text, 'payload'));
    // Assess
    expect(refusal).toMatchObject({ statusCode: 400, message: 'Invalid payload: (root): nests deeper than 24 levels' });
  });

  it('does not count brackets inside strings as nesting', () => {
    // Act
    const body = readStorableJson(JSON.stringify({ s: '['.repeat(5_000) }), 'payload');
    // Assess
    expect(body).toEqual({ s: '['.repeat(5_000) });
  });

  it('names the field that nests too deep', () => {
    // Act
    const refusal = refusalOf(() => readStorableJson(`{"data": ${'{"a":'.repeat(30)}1${'}'.repeat(30)}}`, 'payload'));
    // Assess
    expect(refusal?.message).toMatch(/^Invalid payload: data(\.a)+: nests deeper than 24 levels$/);
  });
});

describe('exactDecimal: figures kept exactly', () => {
  const parse = (text: string) => z.safeParse(exactDecimal(), parseExactJson(text));

  it.each([
    ['2500000', 2500000],
    ['-12.75', -12.75],
    ['0', 0],
  ])('keeps %s as a number', (text, value) => {
    // Act
    const parsed = parse(text);
    // Assess
    expect(parsed).toEqual({ success: true, data: value });
  });

  it.each([
    ['12345678901234567890123', '12345678901234567890123'],
    ['1e20', '100000000000000000000'],
    ['-9007199254740993', '-9007199254740993'],
    ['1234567890.123456789012345', '1234567890.123456789012345'],
    ['1.5e100', '1.5e+100'],
  ])('keeps %s as its exact decimal text', (text, stored) => {
    // Act
    const parsed = parse(text);
    // Assess
    expect(parsed).toEqual({ success: true, data: stored });
  });

  it.each([
    ['39 significant digits', '123456789012345678901234567890123456789', 'has more than 38 significant digits'],
    ['1e126', '1e126', 'is 1e126 or larger in magnitude'],
    ['1e400', '1e400', 'is 1e126 or larger in magnitude'],
    ['1.0000000000000000001e-131', '1.0000000000000000001e-131', 'is closer to 0 than 1e-130'],
    ['a string', '"12"', 'must be a number'],
    ['null', 'null', 'must be a number'],
  ])('refuses %s', (_what, text, message) => {
    // Act
    const parsed = parse(text);
    // Assess
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe(message);
  });
});
