import type { FailureCounts } from '../../kernel/outbound/failure-counts.js';

/**
 * What the dispatcher does with an attempt that did not get through: wait
 * and try again, or give up and dead-letter the message with its last cause.
 * Pure: the counts come from `kernel/outbound/failure-counts.ts`, the clock
 * and the dice from the caller.
 *
 * Two budgets, kept apart so that a vendor that asks us to slow down never
 * costs a healthy message its place:
 *
 * - **Failures** (5xx, timeouts, closed sockets, unreadable 2xx bodies, an
 *   integration not configured yet): exponential backoff with jitter on the
 *   failure count; dead-lettered (`exhausted`) at the {@link RetryPolicy.failureBudget}-th
 *   failure (8 by default, `OUTBOUND_FAILURE_BUDGET`).
 * - **Rate limits** (429, and 503 with Retry-After): wait as `Retry-After`
 *   says (capped at SQS's 12 h visibility maximum) for the first
 *   {@link FOLLOW_RETRY_AFTER_WAITS} waits, then at least
 *   {@link RATE_LIMIT_FLOOR_SECONDS} each, and give up only once the message
 *   has been rate-limited for {@link RATE_LIMIT_WINDOW_SECONDS} (24 h), with
 *   the cause `rate limited since <time>`.
 * - **Retention**: a wait that would end after the message has been queued
 *   {@link MAX_QUEUED_SECONDS} (13 days; the queue keeps a message 14)
 *   dead-letters it instead, so SQS never deletes a change unseen.
 *
 * The floor is what bounds the receives a rate limit uses: SQS still counts
 * every receive, and the queue's `maxReceiveCount` (500, a backstop for
 * crash loops) must stay out of reach: 10 + 24 h / 15 min = 106 receives of
 * waiting, plus 8 failures, is at most 115 receives a message spends on its
 * own, and a message queued behind it in its group (handed back unprocessed
 * with it) spends at most as many. See `functions/kernel/topology.ts`.
 *
 * @example
 * const counts = await countFailure(record.messageId, { rateLimited: outcome.rateLimited, now });
 * const decision = planRetry(outcome, counts, policy);
 * if (decision.kind === 'wait') await handBack(record, decision.delaySeconds);
 */
interface RetryOutcome {
  readonly reason: string;
  /** A 429 or a 503 with Retry-After: the vendor asked us to wait, nothing failed. */
  readonly rateLimited: boolean;
  /** The vendor's Retry-After in seconds, already capped at 12 h. */
  readonly retryAfterSeconds?: number;
}

interface RetryPolicy {
  /** Failed attempts after which a message is dead-lettered. */
  readonly failureBudget: number;
  readonly backoffBaseSeconds: number;
  readonly random: () => number;
  /** Epoch ms. */
  readonly now: () => number;
}

type RetryDecision =
  | { readonly kind: 'wait'; readonly delaySeconds: number }
  | { readonly kind: 'give-up'; readonly reason: string };

/** SQS allows a visibility timeout of at most 12 hours. */
const MAX_DELAY_SECONDS = 12 * 3600;
const BACKOFF_CAP_SECONDS = 900;
/** How long a message may stay rate-limited before it is dead-lettered. */
const RATE_LIMIT_WINDOW_SECONDS = 24 * 3600;
/** Rate-limited waits that follow `Retry-After` to the second. */
const FOLLOW_RETRY_AFTER_WAITS = 10;
/** The shortest wait after those: a vendor still limiting us after ten waits is not coming back in a second. */
const RATE_LIMIT_FLOOR_SECONDS = 900;
/**
 * How long a message may wait on the queue, from when it was sent: a day
 * short of the outbound queue's 14 days' retention, after which SQS would
 * delete it unseen. A wait that would end later dead-letters it instead.
 */
const MAX_QUEUED_SECONDS = 13 * 86_400;
/** The failure budget when `OUTBOUND_FAILURE_BUDGET` does not set one. */
const DEFAULT_FAILURE_BUDGET = 8;

/**
 * Exponential backoff with "equal jitter": half the step is fixed so retries
 * never bunch at zero, half is random so a burst of failures spreads out.
 *
 * @example
 * backoffSeconds(3, 5, Math.random); // 10 to 20
 */
const backoffSeconds = (failures: number, baseSeconds: number, random: () => number): number => {
  const step = Math.min(BACKOFF_CAP_SECONDS, baseSeconds * 2 ** Math.max(0, failures - 1));
  return Math.max(1, Math.round(step / 2 + (random() * step) / 2));
};

/**
 * Wait or give up, after `counts` (which include this attempt). `queuedAt`
 * (epoch ms, when the message was sent to the queue) keeps a wait from
 * outliving the queue's retention.
 *
 * @example
 * planRetry({ reason: 'HTTP 500', rateLimited: false }, { failures: 8, rateLimited: 0 }, policy);
 * // { kind: 'give-up', reason: 'HTTP 500 (8 failed attempts)' }
 */
const planRetry = (
  outcome: RetryOutcome,
  counts: FailureCounts,
  policy: RetryPolicy,
  queuedAt?: number,
): RetryDecision => {
  const decision = decide(outcome, counts, policy);
  if (decision.kind === 'wait' && queuedAt !== undefined) {
    const waitEnds = policy.now() + decision.delaySeconds * 1000;
    if (waitEnds > queuedAt + MAX_QUEUED_SECONDS * 1000) {
      return {
        kind: 'give-up',
        reason: `${outcome.reason}; waiting longer would outlive the queue's retention (queued ${new Date(queuedAt).toISOString()})`,
      };
    }
  }
  return decision;
};

const decide = (outcome: RetryOutcome, counts: FailureCounts, policy: RetryPolicy): RetryDecision => {
  const now = policy.now();
  if (outcome.rateLimited) {
    const since = counts.rateLimitedSince ?? now;
    if (now - since >= RATE_LIMIT_WINDOW_SECONDS * 1000) {
      return { kind: 'give-up', reason: `rate limited since ${new Date(since).toISOString()}: ${outcome.reason}` };
    }
    const asked =
      outcome.retryAfterSeconds ?? backoffSeconds(counts.rateLimited, policy.backoffBaseSeconds, policy.random);
    const floor = counts.rateLimited > FOLLOW_RETRY_AFTER_WAITS ? RATE_LIMIT_FLOOR_SECONDS : 1;
    return { kind: 'wait', delaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(floor, asked)) };
  }
  if (counts.failures >= policy.failureBudget) {
    return { kind: 'give-up', reason: `${outcome.reason} (${counts.failures} failed attempts)` };
  }
  return { kind: 'wait', delaySeconds: backoffSeconds(counts.failures, policy.backoffBaseSeconds, policy.random) };
};

/**
 * The failure budget from `OUTBOUND_FAILURE_BUDGET` (a whole number from 1),
 * else {@link DEFAULT_FAILURE_BUDGET}. Tests set a small one.
 *
 * @example
 * failureBudgetFrom(process.env.OUTBOUND_FAILURE_BUDGET); // 8
 */
const failureBudgetFrom = (value: string | undefined): number => {
  const parsed = Number(value);
  return value !== undefined && Number.isInteger(parsed) && parsed >= 1 ? parsed : DEFAULT_FAILURE_BUDGET;
};

export type { RetryDecision, RetryOutcome, RetryPolicy };
export {
  DEFAULT_FAILURE_BUDGET,
  FOLLOW_RETRY_AFTER_WAITS,
  MAX_DELAY_SECONDS,
  MAX_QUEUED_SECONDS,
  RATE_LIMIT_FLOOR_SECONDS,
  RATE_LIMIT_WINDOW_SECONDS,
  backoffSeconds,
  failureBudgetFrom,
  planRetry,
};
