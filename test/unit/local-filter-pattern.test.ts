import { describe, expect, it } from 'vitest';
import type { FilterPattern } from '../../lib/topology.js';
import { matchesFilters } from '../../lib/filter-pattern.js';
import { aStreamRecord } from '../helpers/lambda-events.js';

const record = aStreamRecord({
  eventName: 'MODIFY',
  keys: { pk: 'contact#1' },
  newImage: {
    pk: 'contact#1',
    origin: 'local',
    type: 'contact',
    quantity: 300,
    tags: ['vip', 'eu'],
    address: { city: 'Porto' },
    empty: '',
  },
  oldImage: { pk: 'contact#1', origin: 'crm' },
});

const image = (pattern: Record<string, unknown>): FilterPattern =>
  ({ dynamodb: { NewImage: pattern } }) as FilterPattern;

describe('Function: matchesFilters()', () => {
  describe.each([
    // [name, pattern, expected]
    ['an exact string', image({ origin: { S: ['local'] } }), true],
    ['one of several exact strings', image({ origin: { S: ['crm', 'local'] } }), true],
    ['an exact string that differs', image({ origin: { S: ['crm'] } }), false],
    ['the empty string', image({ empty: { S: [''] } }), true],
    ['a top-level field', { eventName: ['MODIFY'] }, true],
    ['a top-level field that differs', { eventName: ['INSERT', 'REMOVE'] }, false],
    ['a prefix', image({ pk: { S: [{ prefix: 'contact#' }] } }), true],
    ['a prefix that differs', image({ pk: { S: [{ prefix: 'account#' }] } }), false],
    ['anything-but one value', image({ origin: { S: [{ 'anything-but': 'crm' }] } }), true],
    ['anything-but the value itself', image({ origin: { S: [{ 'anything-but': 'local' }] } }), false],
    ['anything-but a list holding the value', image({ origin: { S: [{ 'anything-but': ['crm', 'local'] }] } }), false],
    ['anything-but on a missing field', image({ missing: { S: [{ 'anything-but': 'crm' }] } }), false],
    ['exists true on a present field', image({ origin: [{ exists: true }] }), true],
    ['exists true on a missing field', image({ missing: [{ exists: true }] }), false],
    ['exists false on a missing field', image({ missing: [{ exists: false }] }), true],
    ['exists false on a present field', image({ origin: [{ exists: false }] }), false],
    [
      'exists false under a missing branch',
      { dynamodb: { Nothing: { here: [{ exists: false }] } } } as FilterPattern,
      true,
    ],
    ['a numeric range on a DynamoDB number', image({ quantity: { N: [{ numeric: ['>', 100, '<=', 300] }] } }), true],
    ['a numeric range it falls outside', image({ quantity: { N: [{ numeric: ['<', 100] }] } }), false],
    ['numeric equality', image({ quantity: { N: [{ numeric: ['=', 300] }] } }), true],
    ['a numeric range on a string that is not a number', image({ origin: { S: [{ numeric: ['>', 0] }] } }), false],
    ['an element of a list', image({ tags: { L: { S: ['vip'] } } }), true],
    ['a nested map', image({ address: { M: { city: { S: ['Porto'] } } } }), true],
    ['a value matcher against a whole map', image({ address: ['Porto'] }), false],
    [
      'several keys, all matching (AND)',
      { eventName: ['MODIFY'], dynamodb: { NewImage: { origin: { S: ['local'] } } } } as FilterPattern,
      true,
    ],
    [
      'several keys, one not matching',
      { eventName: ['MODIFY'], dynamodb: { NewImage: { origin: { S: ['crm'] } } } } as FilterPattern,
      false,
    ],
    ['the old image, not the new one', { dynamodb: { OldImage: { origin: { S: ['crm'] } } } } as FilterPattern, true],
    ['an empty list of values', image({ origin: { S: [] } }), false],
  ] as const)('a pattern with %s', (_name, pattern, expected) => {
    it(`${expected ? 'matches' : 'does not match'} the record`, () => {
      // Act
      const result = matchesFilters([pattern as FilterPattern], record);

      // Assess
      expect(result).toBe(expected);
    });
  });

  it('lets every record through when there are no patterns', () => {
    // Act & Assess
    expect(matchesFilters([], record)).toBe(true);
  });

  it('lets a record through when any one of several patterns matches (OR)', () => {
    // Prepare
    const patterns = [{ eventName: ['INSERT'] }, { eventName: ['MODIFY'] }] as FilterPattern[];

    // Act & Assess
    expect(matchesFilters(patterns, record)).toBe(true);
  });

  it('refuses an operator it does not implement rather than guessing', () => {
    // Prepare
    const pattern = image({ origin: { S: [{ suffix: 'al' }] } });

    // Act & Assess
    expect(() => matchesFilters([pattern], record)).toThrow(/Unsupported filter pattern/);
  });
});
