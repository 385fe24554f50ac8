import { describe, expect, it } from 'vitest';
import { type PathUsage, costRows, formatCostTable } from '../../bench/cost.js';
import { pathUsages } from '../../bench/cost-usage.js';
import { usPrices } from '../../bench/prices.js';
import type { ReportedRow, SuiteResult } from '../../bench/report.js';
import { topology } from '../../lib/topology.js';

/** A path using one of everything, in round numbers, so its dollars can be worked out by hand. */
const aUsage = (overrides: Partial<PathUsage> = {}): PathUsage => ({
  path: 'test path',
  lambdas: [{ function: 'f', memoryMb: 1024, invocations: 1, durationMs: 100, source: 'measured' }],
  writeUnits: [{ value: 2, source: 'measured', what: 'two writes' }],
  readUnits: [{ value: 4, source: 'counted', what: 'four reads' }],
  sqsFifoRequests: [{ value: 3, source: 'counted', what: 'send, receive, delete' }],
  apiRequests: [{ value: 1, source: 'counted', what: 'one POST' }],
  mails: [],
  ...overrides,
});

const aRow = (name: string, value: number, unit = 'ms'): ReportedRow => ({ name, value, unit });

/** The crm-inbound suite's rows the cost table reads, at the figures of a typical run. */
const crmInboundResult = (latencyMs: number, wcu: number): SuiteResult => ({
  name: 'crm-inbound',
  description: 'CRM inbound',
  rows: [
    aRow('created latency p50', latencyMs),
    aRow('updated latency p50', latencyMs),
    aRow('WCU per created change', wcu, 'WCU'),
    aRow('WCU per updated change', wcu, 'WCU'),
  ],
});

describe('bench cost table', () => {
  it('prices a known usage at the known dollars per million changes', () => {
    // Prepare: 1 GB for 100 ms on Arm = 0.1 GB-s, 2 WRU, 4 RRU, 3 FIFO requests, 1 HTTP API request.
    const usage = aUsage();

    // Act
    const [row] = costRows([usage], usPrices);

    // Assess: per million, Lambda $0.20 + 0.1 x $13.3334, DynamoDB 2 x $0.625 + 4 x $0.125, SQS 3 x $0.50, API $1.
    expect(row?.lambda).toBeCloseTo(0.2 + 1.33334, 6);
    expect(row?.dynamodb).toBeCloseTo(1.75, 6);
    expect(row?.sqs).toBeCloseTo(1.5, 6);
    expect(row?.api).toBeCloseTo(1, 6);
    expect(row?.mail).toBe(0);
    expect(row?.usdPerMillion).toBeCloseTo(5.78334, 5);
    expect(row?.source).toBe('measured + counted');
  });

  it('bills Lambda duration rounded up to the millisecond, and a batched consumer per share of its batch', () => {
    // Prepare: 0.2 ms would bill as 1 ms; a batch of 25 shared by 25 changes.
    const usage = aUsage({
      lambdas: [{ function: 'consumer', memoryMb: 1024, invocations: 1 / 25, durationMs: 24.2, source: 'counted' }],
      writeUnits: [],
      readUnits: [],
      sqsFifoRequests: [],
      apiRequests: [],
    });

    // Act
    const [row] = costRows([usage], usPrices);

    // Assess: (1/25) x ($0.20 + 0.025 GB-s x $13.3334) per million.
    expect(row?.usdPerMillion).toBeCloseTo((0.2 + 0.025 * 13.3334) / 25, 6);
    expect(row?.source).toBe('counted');
    expect(row?.counted).toEqual(['consumer 0.04 inv x 24.2 ms at 1024 MB']);
    expect(row?.measured).toEqual([]);
  });

  it('prices a mail at $100 per million', () => {
    // Prepare
    const usage = aUsage({
      lambdas: [],
      writeUnits: [],
      readUnits: [],
      sqsFifoRequests: [],
      apiRequests: [],
      mails: [{ value: 1, source: 'counted', what: 'one mail' }],
    });

    // Act
    const [row] = costRows([usage], usPrices);

    // Assess
    expect(row?.mail).toBeCloseTo(100, 6);
  });

  it('marks a path over its budget as missed and one within it as ok', () => {
    // Prepare: the same usage ($5.78 per million) under a $4 and a $6 budget.
    const usages = [aUsage({ path: 'over', maxUsdPerMillion: 4 }), aUsage({ path: 'within', maxUsdPerMillion: 6 })];

    // Act
    const rows = costRows(usages, usPrices);
    const table = formatCostTable(rows, usPrices);

    // Assess
    expect(rows.map((row) => row.withinTarget)).toEqual([false, true]);
    expect(table).toMatch(/over\s.*≤ \$4\.00\s+MISSED/);
    expect(table).toMatch(/within\s.*≤ \$6\.00\s+ok/);
    expect(table).toContain(usPrices.takenOn);
  });

  it('holds a CRM inbound change measured at 2 WCU and 30 ms within its $4 per million', () => {
    // Prepare
    const results = [crmInboundResult(30, 2)];

    // Act
    const row = costRows(pathUsages(results), usPrices).find((candidate) => candidate.path === 'CRM inbound');

    // Assess: API $1 + crmInbound ($0.20 + memory x 0.03 s x $13.3334) + 2.04 WRU + 0.5 RRU + syncLogWriter's share.
    expect(row?.maxUsdPerMillion).toBe(4);
    expect(row?.withinTarget).toBe(true);
    expect(row?.usdPerMillion).toBeGreaterThan(2.5);
    expect(row?.usdPerMillion).toBeLessThan(4);
    expect(row?.source).toBe('measured + counted');
    expect(row?.measured).toEqual([
      `crmInbound 1 inv x 30 ms at ${topology.functions.crmInbound?.memoryMb} MB (p50 of created and updated, 16 in flight)`,
      '2 WRU (record write + sync log PutItem, mean of created and updated)',
    ]);
  });

  it('misses the CRM inbound budget when a change takes 5 WCU', () => {
    // Prepare
    const results = [crmInboundResult(30, 5)];

    // Act
    const row = costRows(pathUsages(results), usPrices).find((candidate) => candidate.path === 'CRM inbound');

    // Assess
    expect(row?.withinTarget).toBe(false);
  });

  it('falls back to counted quantities for a path whose suite did not run', () => {
    // Prepare: no suite results at all.
    const results: SuiteResult[] = [];

    // Act
    const rows = costRows(pathUsages(results), usPrices);

    // Assess: every path priced, every one from counted quantities only.
    expect(rows.map((row) => row.path)).toEqual([
      'CRM inbound',
      'CRM outbound',
      'inventory adjustment + fan-out',
      'ERP order + mail',
      'SCIM user change',
      'bulk record',
    ]);
    expect(rows.every((row) => row.source === 'counted' && row.usdPerMillion > 0)).toBe(true);
  });

  it('does not read the rows of a suite that failed', () => {
    // Prepare: a CRM suite that stopped with an error after reporting an absurd latency.
    const failed = { ...crmInboundResult(10_000, 2), error: 'engine died' };

    // Act
    const row = costRows(pathUsages([failed]), usPrices).find((candidate) => candidate.path === 'CRM inbound');

    // Assess
    expect(row?.source).toBe('counted');
    expect(row?.withinTarget).toBe(true);
  });
});
