import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  type BatchAttempt,
  deliverStreamBatch,
  type GivenUpBatch,
  type RetryPolicy,
} from '../../local/stream-batches.js';
import { aStreamRecord } from '../helpers/lambda-events.js';

const recordsNamed = (...names: string[]): DynamoDBRecord[] =>
  names.map((pk) => aStreamRecord({ keys: { pk }, newImage: { pk } }));
const nameOf = (record: DynamoDBRecord): string => record.dynamodb?.Keys?.pk?.S ?? '';

/**
 * Runs a delivery against a consumer that fails the named records, either by
 * throwing or by reporting them, and returns what it saw and gave up.
 */
const run = async (names: string[], policy: RetryPolicy, failing: { throws?: string[]; reports?: string[] }) => {
  const invocations: string[][] = [];
  const givenUp: GivenUpBatch[] = [];
  await deliverStreamBatch(recordsNamed(...names), {
    policy,
    invoke: async (records): Promise<BatchAttempt> => {
      invocations.push(records.map(nameOf));
      if (records.some((r) => failing.throws?.includes(nameOf(r))))
        return { ok: false, failedFrom: 0, requestId: 'r', threw: true };
      const failedFrom = records.findIndex((r) => failing.reports?.includes(nameOf(r)));
      return failedFrom === -1 ? { ok: true } : { ok: false, failedFrom, requestId: 'r', threw: false };
    },
    giveUp: async (batch) => {
      givenUp.push(batch);
    },
  });
  return {
    invocations,
    givenUp: givenUp.map((b) => ({
      records: b.records.map(nameOf),
      invocations: b.invocations,
      threw: b.lastAttempt.threw,
    })),
  };
};

describe('Function: deliverStreamBatch()', () => {
  it('invokes once when the batch succeeds', async () => {
    // Act
    const result = await run(['a', 'b'], { retryAttempts: 2, bisectBatchOnError: true }, {});

    // Assess
    expect(result).toEqual({ invocations: [['a', 'b']], givenUp: [] });
  });

  it('bisects a throwing batch until the poison record is alone, retries it, gives it up and delivers the rest', async () => {
    // Act
    const result = await run(
      ['a', 'b', 'P', 'c', 'd'],
      { retryAttempts: 2, bisectBatchOnError: true },
      { throws: ['P'] },
    );

    // Assess
    expect(result.invocations).toEqual([
      ['a', 'b', 'P', 'c', 'd'],
      ['a', 'b', 'P'],
      ['a', 'b'],
      ['P'],
      ['P'],
      ['P'],
      ['c', 'd'],
    ]);
    expect(result.givenUp).toEqual([{ records: ['P'], invocations: 3, threw: true }]);
  });

  it('without bisection, gives up the whole batch once its retries are spent', async () => {
    // Act
    const result = await run(['a', 'P', 'c'], { retryAttempts: 1, bisectBatchOnError: false }, { throws: ['P'] });

    // Assess
    expect(result.invocations).toEqual([
      ['a', 'P', 'c'],
      ['a', 'P', 'c'],
    ]);
    expect(result.givenUp).toEqual([{ records: ['a', 'P', 'c'], invocations: 2, threw: true }]);
  });

  it('checkpoints before a reported failure and retries from it, without spending a retry on the progress', async () => {
    // Act
    const result = await run(['a', 'R', 'c'], { retryAttempts: 1, bisectBatchOnError: false }, { reports: ['R'] });

    // Assess
    expect(result.invocations).toEqual([
      ['a', 'R', 'c'],
      ['R', 'c'],
      ['R', 'c'],
    ]);
    expect(result.givenUp).toEqual([{ records: ['R', 'c'], invocations: 3, threw: false }]);
  });

  it('with bisection, a reported failure ends with that record alone given up', async () => {
    // Act
    const result = await run(['a', 'R', 'c'], { retryAttempts: 0, bisectBatchOnError: true }, { reports: ['R'] });

    // Assess
    expect(result.invocations).toEqual([['a', 'R', 'c'], ['R', 'c'], ['R'], ['c']]);
    expect(result.givenUp).toEqual([{ records: ['R'], invocations: 1, threw: false }]);
  });
});
