import { describe, expect, it } from 'vitest';
import {
  FOLLOW_RETRY_AFTER_WAITS,
  MAX_QUEUED_SECONDS,
  RATE_LIMIT_FLOOR_SECONDS,
  RATE_LIMIT_WINDOW_SECONDS,
  backoffSeconds,
  failureBudgetFrom,
  planRetry,
} from '../../functions/platform/dispatcher/retry-plan.js';
import { kernelTopology } from '../../functions/kernel/topology.js';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const policy = { failureBudget: 8, backoffBaseSeconds: 5, random: () => 0.5, now: () => NOW };
const failure = { reason: 'HTTP 500: boom', rateLimited: false };
const rateLimit = { reason: 'HTTP 429, Retry-After 7 s', rateLimited: true, retryAfterSeconds: 7 };

describe('Function: planRetry() for failures', () => {
  it('backs off on the failure count, not on how often SQS delivered the message', () => {
    // Act
    const first = planRetry(failure, { failures: 1, rateLimited: 40 }, policy);
    const third = planRetry(failure, { failures: 3, rateLimited: 40 }, policy);
    // Assess
    expect(first).toEqual({ kind: 'wait', delaySeconds: 4 });
    expect(third).toEqual({ kind: 'wait', delaySeconds: 15 });
  });

  it('waits after the second-to-last failure of the budget and gives up at the last, with its cause', () => {
    // Act
    const seventh = planRetry(failure, { failures: 7, rateLimited: 0 }, policy);
    const eighth = planRetry(failure, { failures: 8, rateLimited: 0 }, policy);
    // Assess
    expect(seventh.kind).toBe('wait');
    expect(eighth).toEqual({ kind: 'give-up', reason: 'HTTP 500: boom (8 failed attempts)' });
  });
});

describe('Function: planRetry() for rate limits', () => {
  it('follows Retry-After however many failures and rate limits came before, within the first waits', () => {
    // Act
    const decision = planRetry(
      rateLimit,
      { failures: 7, rateLimited: FOLLOW_RETRY_AFTER_WAITS, rateLimitedSince: NOW - 3_600_000 },
      policy,
    );
    // Assess
    expect(decision).toEqual({ kind: 'wait', delaySeconds: 7 });
  });

  it('never gives up on a rate limit because of the failure budget', () => {
    // Act
    const decision = planRetry(rateLimit, { failures: 8, rateLimited: 3, rateLimitedSince: NOW }, policy);
    // Assess
    expect(decision.kind).toBe('wait');
  });

  it('waits at least the floor once the vendor has asked more times than it is worth following to the second', () => {
    // Act
    const decision = planRetry(
      rateLimit,
      { failures: 0, rateLimited: FOLLOW_RETRY_AFTER_WAITS + 1, rateLimitedSince: NOW - 60_000 },
      policy,
    );
    // Assess
    expect(decision).toEqual({ kind: 'wait', delaySeconds: RATE_LIMIT_FLOOR_SECONDS });
  });

  it('caps a Retry-After beyond what SQS can wait at 12 hours', () => {
    // Act
    const decision = planRetry(
      { ...rateLimit, retryAfterSeconds: 90_000 },
      { failures: 0, rateLimited: 1, rateLimitedSince: NOW },
      policy,
    );
    // Assess
    expect(decision).toEqual({ kind: 'wait', delaySeconds: 43_200 });
  });

  it('backs off on the rate-limit count when the vendor gives no Retry-After', () => {
    // Act
    const decision = planRetry(
      { reason: 'HTTP 429', rateLimited: true },
      { failures: 0, rateLimited: 2, rateLimitedSince: NOW },
      policy,
    );
    // Assess
    expect(decision).toEqual({ kind: 'wait', delaySeconds: 8 });
  });

  it('gives up after 24 hours of rate limits, saying since when', () => {
    // Prepare
    const since = NOW - RATE_LIMIT_WINDOW_SECONDS * 1000;
    // Act
    const decision = planRetry(rateLimit, { failures: 0, rateLimited: 120, rateLimitedSince: since }, policy);
    // Assess
    expect(decision).toEqual({
      kind: 'give-up',
      reason: 'rate limited since 2026-11-23T12:00:00.000Z: HTTP 429, Retry-After 7 s',
    });
  });

  it('keeps the receives a day of rate limits can spend far below the queue backstop', () => {
    // Prepare: the vendor asks for one second every time, for 24 hours.
    let clock = NOW;
    let receives = 0;
    let decision: ReturnType<typeof planRetry> = { kind: 'wait', delaySeconds: 0 };
    const ticking = { ...policy, now: () => clock };
    // Act
    for (let n = 1; decision.kind === 'wait'; n++) {
      receives++;
      decision = planRetry(
        { ...rateLimit, retryAfterSeconds: 1 },
        { failures: 0, rateLimited: n, rateLimitedSince: NOW },
        ticking,
      );
      if (decision.kind === 'wait') clock += decision.delaySeconds * 1000;
    }
    // Assess
    const backstop = kernelTopology.queues.outbound.maxReceiveCount;
    expect(receives + policy.failureBudget).toBeLessThanOrEqual(120);
    expect(4 * (receives + policy.failureBudget)).toBeLessThan(backstop);
  });
});

describe('Function: backoffSeconds()', () => {
  it.each([
    [1, 0, 3],
    [1, 1, 5],
    [4, 0.5, 30],
    [20, 1, 900],
  ])('after %i failures with random %f waits %i s', (failures, random, expected) => {
    expect(backoffSeconds(failures, 5, () => random)).toBe(expected);
  });
});

describe('Function: failureBudgetFrom()', () => {
  it.each([
    [undefined, 8],
    ['3', 3],
    ['0', 8],
    ['2.5', 8],
    ['many', 8],
  ])('reads OUTBOUND_FAILURE_BUDGET %s as %i', (value, expected) => {
    expect(failureBudgetFrom(value)).toBe(expected);
  });
});

describe('Function: planRetry() near the end of the queue retention', () => {
  it('dead-letters a message whose wait would end after it has been queued 13 days, instead of letting SQS delete it', () => {
    // Prepare
    const queuedAt = NOW - (MAX_QUEUED_SECONDS - 60) * 1000;
    // Act
    const decision = planRetry(
      rateLimit,
      { failures: 0, rateLimited: 30, rateLimitedSince: NOW - 3_600_000 },
      policy,
      queuedAt,
    );
    // Assess
    expect(decision).toEqual({
      kind: 'give-up',
      reason: `HTTP 429, Retry-After 7 s; waiting longer would outlive the queue's retention (queued ${new Date(queuedAt).toISOString()})`,
    });
  });

  it('waits as usual for a message queued recently', () => {
    // Act
    const decision = planRetry(failure, { failures: 1, rateLimited: 0 }, policy, NOW - 60_000);
    // Assess
    expect(decision).toEqual({ kind: 'wait', delaySeconds: 4 });
  });
});
