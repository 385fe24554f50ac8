import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { crmChangeEvent } from '../../functions/crm/inbound/receive-change.js';
import { crmOpportunity } from '../../functions/kernel/mappings/crm/crm-opportunity.js';
import { inventoryAdjustment } from '../../functions/kernel/stock/adjustment.js';
import { changeTime, MAX_CHANGE_TIME_AHEAD_MS } from '../../functions/kernel/http/change-time.js';
import { parseExactJson } from '../../functions/kernel/http/exact-json.js';
import { remoteSchema } from '../../functions/kernel/mappings/mapping.js';
import * as z from '../../functions/kernel/validation.js';

const NOW = new Date('2026-12-03T12:00:00.000Z');

const issuesOf = (schema: z.Schema, value: unknown) => {
  const parsed = z.safeParse(schema, value);
  return parsed.success
    ? []
    : parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
};

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('changeTime: a change time no more than 5 minutes ahead', () => {
  it.each([
    ['now', NOW.toISOString()],
    ['a year ago', '2025-12-03T12:00:00Z'],
    ['exactly 5 minutes ahead', new Date(NOW.getTime() + MAX_CHANGE_TIME_AHEAD_MS).toISOString()],
    ['4 minutes ahead, written with an offset', '2026-12-03T13:04:00+01:00'],
  ])('accepts %s', (_what, iso) => {
    // Act
    const issues = issuesOf(changeTime(), iso);
    // Assess
    expect(issues).toEqual([]);
  });

  it.each([
    ['5 minutes and a second ahead', '2026-12-03T12:05:01Z', 'is more than 5 minutes ahead of now'],
    ['the year 9999', '9999-12-31T23:59:59Z', 'is more than 5 minutes ahead of now'],
    ['tomorrow', '2026-12-04T12:00:00Z', 'is more than 5 minutes ahead of now'],
    ['a date that does not exist', '2026-02-30T10:00:00Z', 'must be an ISO 8601 date-time with an offset'],
    ['a date without a time', '2026-12-03', 'must be an ISO 8601 date-time with an offset'],
    ['text', 'yesterday', 'must be an ISO 8601 date-time with an offset'],
    ['a number', 1764763200000, 'must be an ISO 8601 date-time with an offset'],
  ])('refuses %s', (_what, value, message) => {
    // Act
    const issues = issuesOf(changeTime(), value);
    // Assess
    expect(issues).toEqual([{ path: '', message }]);
  });

  it('moves with the clock: a stamp refused now is accepted once its time has come', () => {
    // Prepare
    const stamp = '2026-12-03T12:10:00Z';
    const before = issuesOf(changeTime(), stamp);
    // Act
    vi.setSystemTime(new Date('2026-12-03T12:06:00Z'));
    const after = issuesOf(changeTime(), stamp);
    // Assess
    expect(before).toHaveLength(1);
    expect(after).toEqual([]);
  });

  it('names the CRM event field', () => {
    // Act
    const issues = issuesOf(crmChangeEvent, {
      event: 'updated',
      type: 'contact',
      id: '003A',
      timestamp: '9999-12-31T00:00:00Z',
    });
    // Assess
    expect(issues).toEqual([{ path: 'timestamp', message: 'is more than 5 minutes ahead of now' }]);
  });
});

describe('Item 9 limits: whole quantities, probability 0..100', () => {
  const adjustment = { source: 'erp', sku: 'SKU-1', warehouse: 'WH-1', type: 'receipt' };

  it.each([0, 1, 1e12])('accepts a quantity of %s', (quantity) => {
    // Act
    const issues = issuesOf(inventoryAdjustment, { ...adjustment, quantity });
    // Assess
    expect(issues).toEqual([]);
  });

  it.each([
    ['a fractional quantity', 1.5, 'must be a whole number from 0 to 1000000000000'],
    ['a negative quantity', -1, 'must be at least 0'],
    ['a quantity over 10^12', 1e12 + 1, 'must be at most 1000000000000'],
    ['a quantity beyond 2^53', 2 ** 60, 'must be a whole number from 0 to 1000000000000'],
    [
      'a quantity a double would change',
      parseExactJson('9007199254740993'),
      'must be a whole number from 0 to 1000000000000',
    ],
    ['a quantity as text', '5', 'must be a whole number from 0 to 1000000000000'],
  ])('refuses %s, naming the field', (_what, quantity, message) => {
    // Act
    const issues = issuesOf(inventoryAdjustment, { ...adjustment, quantity });
    // Assess
    expect(issues[0]).toEqual({ path: 'quantity', message });
    expect(issues.every((issue) => issue.path === 'quantity')).toBe(true);
  });

  it.each([0, 60, 100, 33.3])('accepts a probability of %s', (probability) => {
    // Act
    const issues = issuesOf(remoteSchema(crmOpportunity), { probability });
    // Assess
    expect(issues).toEqual([]);
  });

  it.each([-1, 100.5, 101, 1e9])('refuses a probability of %s, naming the field', (probability) => {
    // Act
    const issues = issuesOf(remoteSchema(crmOpportunity), { probability });
    // Assess
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('probability');
  });
});
