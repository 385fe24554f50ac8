import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { logger } from '../observability.js';
import { isConditionFailure, itemOfFailure } from '../aws/condition-failure.js';
import { dynamo } from '../aws/dynamo-client.js';
import { tableName } from '../aws/resource-names.js';
import { DeliveryIdReusedError, DeliveryInProgressError } from './delivery-errors.js';

/**
 * Effectively-once execution keyed by a delivery id, in the `idempotency`
 * table (pk only, TTL on `expires_at`).
 *
 * Every sender we talk to delivers at least once and sometimes sends two
 * copies at the same moment, so "check, then act" is not enough: two copies
 * both see nothing and both act. Instead a copy first *claims* the id with a
 * conditional Put, and only the copy whose Put succeeds runs the effect:
 *
 * | state found                        | what this copy does                                        |
 * |------------------------------------|------------------------------------------------------------|
 * | nothing (or an expired record)     | claims, runs the effect, stores its result (`completed`)   |
 * | `completed`                        | returns the stored result, flagged `duplicate`             |
 * | `in_progress`, lease still running | polls up to {@link DEFAULT_WAIT_MS} for the result, then {@link DeliveryInProgressError} |
 * | `in_progress`, lease expired       | takes over (the first copy crashed); the effect is told so |
 *
 * If the effect throws, the claim is deleted so a retry can run it again,
 * unless the effect says it already committed something
 * ({@link EffectCommittedError}): then the claim is left to expire and the
 * next copy takes over with `takeover: true`, so it can recover instead of
 * applying twice.
 *
 * The lease must be at least the function's timeout: a copy that is still
 * running must never be taken over. The same table holds the dispatcher's
 * delivered versions (`DELIVERED#...`); claims live under `IDEMPOTENCY#...`.
 *
 * **An effect that records itself** ({@link IdempotencyOptions.outcomeOf}):
 * when the effect's own writes show whether it ran and what it answered
 * (an inventory adjustment: the stock item names its last delivery, and the
 * ledger, written from the stock update, holds every delivery's result),
 * storing the result on the claim is a write that says nothing new. Such a
 * claim is then never completed by the copy that ran the effect; it stays
 * `in_progress`, and a copy that finds it asks `outcomeOf` instead:
 *
 * | state found                                    | what this copy does                                  |
 * |------------------------------------------------|------------------------------------------------------|
 * | `in_progress`, lease running, outcome `done`   | answers that result, flagged `duplicate`             |
 * | `in_progress`, lease running, otherwise        | polls the outcome as it would the claim, then {@link DeliveryInProgressError} |
 * | `in_progress`, lease over                      | takes over; the effect is told so and checks first   |
 *
 * A copy that found the outcome, or took over, completes the claim (a
 * write on a redelivery only), so later copies read the stored result. A
 * failed attempt ends its lease instead of deleting the claim: whether the
 * effect ran is then for the next copy to find out, never to assume.
 */
const DEFAULT_WAIT_MS = 3_000;
const DEFAULT_POLL_MS = 100;
const DEFAULT_RETENTION_SECONDS = 7 * 86_400;
/** Claims that keep vanishing under us (other copies claiming and releasing) end in {@link DeliveryInProgressError} rather than a loop. */
const MAX_ROUNDS = 20;

type ClaimStatus = 'in_progress' | 'completed';

/** What an effect that records itself says about a delivery ({@link IdempotencyOptions.outcomeOf}). */
export type DeliveryOutcome<T> =
  /** The effect ran for this delivery and answered `value`. */
  | { readonly kind: 'done'; readonly value: T }
  /** It did not run (yet). */
  | { readonly kind: 'not-done' }
  /** Its records cannot tell yet (they are written asynchronously): ask again shortly. */
  | { readonly kind: 'unknown' };

/** The stored claim; `response` is present once completed. */
interface ClaimItem {
  readonly pk: string;
  readonly status: ClaimStatus;
  readonly token: string;
  readonly claimed_at: string;
  /** When the earliest copy in a chain of takeovers claimed the id; absent on a first claim (it is `claimed_at`). */
  readonly first_claimed_at?: string;
  /** Epoch milliseconds after which another copy may take the claim over. */
  readonly lease_expires_at?: number;
  /** Epoch seconds; DynamoDB TTL removes the item some time after it. */
  readonly expires_at: number;
  readonly fingerprint?: string;
  readonly response?: unknown;
  readonly completed_at?: string;
}

export interface IdempotencyOptions<T = unknown> {
  /** What the ids belong to (`inventory-webhook`); two scopes never see each other's ids. */
  readonly scope: string;
  /** How long a claim protects a running effect; at least the function timeout. */
  readonly leaseSeconds: number;
  /** How long a completed result answers redeliveries. Senders retry for hours to days. */
  readonly retentionSeconds?: number;
  /** How long a copy waits for a concurrent copy to finish before giving up with {@link DeliveryInProgressError}. */
  readonly waitMs?: number;
  readonly pollMs?: number;
  /**
   * For an effect whose own writes show whether it ran: the claim is not
   * completed after it (one write fewer per delivery), and a copy that finds
   * the claim in progress asks this. See "An effect that records itself" above.
   */
  readonly outcomeOf?: (claim: ClaimInfo) => Promise<DeliveryOutcome<T>>;
  /**
   * With {@link outcomeOf}: errors after which the effect certainly wrote
   * nothing (a refusal decided by a failed condition). The claim is then
   * deleted, as for any effect, so a refusal leaves no trace; after any
   * other error its lease is only ended.
   */
  readonly wroteNothing?: (error: unknown) => boolean;
}

/** What the effect is told about its claim. */
export interface ClaimInfo {
  /**
   * True when an earlier copy claimed this id and its lease ran out without
   * completing (it crashed or timed out): part of the effect may already
   * have happened, and the effect should check before acting.
   */
  readonly takeover: boolean;
  /** When the earliest known copy claimed the id (ISO 8601); now unless this is a takeover. */
  readonly firstClaimedAt: string;
}

/** The effect's result and whether it came from an earlier copy. */
export interface IdempotentResult<T> {
  readonly value: T;
  readonly duplicate: boolean;
}

/**
 * Thrown by an effect that fails *after* its point of no return (for
 * example, the stock level changed but the transaction item could not be
 * written). The claim is then kept rather than released, so a redelivery
 * takes it over once the lease ends and recovers, instead of running the
 * whole effect a second time.
 *
 * @example
 * try { await putTransaction(tx); } catch (error) { throw new EffectCommittedError('transaction not written', error); }
 */
class EffectCommittedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EffectCommittedError';
  }
}

const claimKey = (scope: string, id: string): string => `IDEMPOTENCY#${scope}#${id}`;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const readClaim = async (pk: string): Promise<ClaimItem | undefined> => {
  const out = await dynamo().send(
    new GetCommand({ TableName: tableName('idempotency'), Key: { pk }, ConsistentRead: true }),
  );
  return out.Item as ClaimItem | undefined;
};

/** A record DynamoDB has not removed yet although its TTL has passed counts as absent. */
const isLive = (item: ClaimItem | undefined, nowMs: number): item is ClaimItem =>
  item !== undefined && item.expires_at * 1000 > nowMs;

const firstClaimOf = (item: ClaimItem): string => item.first_claimed_at ?? item.claimed_at;

const leaseRunning = (item: ClaimItem, nowMs: number): boolean =>
  item.status === 'in_progress' && (item.lease_expires_at ?? 0) > nowMs;

type ClaimAttempt =
  | { readonly kind: 'claimed'; readonly token: string; readonly info: ClaimInfo }
  | { readonly kind: 'taken'; readonly existing: ClaimItem | undefined };

const newClaim = (pk: string, options: Settings, fingerprint: string | undefined, nowMs: number): ClaimItem => ({
  pk,
  status: 'in_progress',
  token: randomUUID(),
  claimed_at: new Date(nowMs).toISOString(),
  lease_expires_at: nowMs + options.leaseSeconds * 1000,
  // An unfinished claim is kept as long as a result would be, so that a late redelivery still sees it and recovers.
  expires_at: Math.floor(nowMs / 1000) + options.retentionSeconds,
  ...(fingerprint === undefined ? {} : { fingerprint }),
});

/**
 * Claims the id. Most deliveries are the first copy, with no claim item at
 * all, so the first Put asks only that (`attribute_not_exists`): the
 * cheapest condition to evaluate and nothing sent back on success (issue
 * 15 measured the full condition at about a tenth of an adjustment's CPU).
 * When an item is there, the failed Put hands it back: one that is live
 * and completed, or still leased, is answered from as before; otherwise (a
 * claim past its lease, or past its TTL and not yet removed)
 * {@link tryClaimOver} tries to replace it under the full condition. So a
 * Put succeeds exactly where the full one alone would have, and a
 * redelivery that may take over costs one write more.
 */
const tryClaim = async (pk: string, options: Settings, fingerprint: string | undefined): Promise<ClaimAttempt> => {
  const item = newClaim(pk, options, fingerprint, Date.now());
  try {
    await dynamo().send(
      new PutCommand({
        TableName: tableName('idempotency'),
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { kind: 'claimed', token: item.token, info: { takeover: false, firstClaimedAt: item.claimed_at } };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const existing = itemOfFailure<ClaimItem>(error);
    const nowMs = Date.now();
    if (isLive(existing, nowMs) && (existing.status === 'completed' || leaseRunning(existing, nowMs))) {
      return { kind: 'taken', existing };
    }
    return tryClaimOver(pk, options, fingerprint);
  }
};

/**
 * One conditional Put: succeeds when there is no live claim, or when the
 * live one is in progress with its lease over. `ReturnValues: ALL_OLD` says
 * whether we replaced a crashed copy's claim (a takeover).
 */
const tryClaimOver = async (pk: string, options: Settings, fingerprint: string | undefined): Promise<ClaimAttempt> => {
  const nowMs = Date.now();
  const item = newClaim(pk, options, fingerprint, nowMs);
  const { token, claimed_at: claimedAt } = item;
  try {
    const out = await dynamo().send(
      new PutCommand({
        TableName: tableName('idempotency'),
        Item: item,
        // A copy with another payload never takes over (it is refused as reused), whatever the lease.
        ConditionExpression: `attribute_not_exists(pk) OR expires_at <= :nowS OR (#status = :inProgress AND lease_expires_at <= :nowMs${
          fingerprint === undefined ? '' : ' AND (attribute_not_exists(fingerprint) OR fingerprint = :fp)'
        })`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':nowS': Math.floor(nowMs / 1000),
          ':nowMs': nowMs,
          ':inProgress': 'in_progress',
          ...(fingerprint === undefined ? {} : { ':fp': fingerprint }),
        },
        ReturnValues: 'ALL_OLD',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    const previous = out.Attributes as ClaimItem | undefined;
    // A crashed copy's claim, even one past its TTL, may have done part of the work.
    if (previous?.status !== 'in_progress')
      return { kind: 'claimed', token, info: { takeover: false, firstClaimedAt: claimedAt } };
    const firstClaimedAt = firstClaimOf(previous);
    if (options.outcomeOf === undefined) return { kind: 'claimed', token, info: { takeover: true, firstClaimedAt } };
    // Kept on the claim, so that whoever looks for this delivery's effect later looks back far enough.
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName('idempotency'),
        Key: { pk },
        UpdateExpression: 'SET first_claimed_at = :first',
        ConditionExpression: '#token = :token',
        ExpressionAttributeNames: { '#token': 'token' },
        ExpressionAttributeValues: { ':first': firstClaimedAt, ':token': token },
      }),
    );
    return { kind: 'claimed', token, info: { takeover: true, firstClaimedAt } };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return { kind: 'taken', existing: itemOfFailure<ClaimItem>(error) ?? (await readClaim(pk)) };
  }
};

const complete = async (pk: string, token: string, response: unknown, retentionSeconds: number): Promise<void> => {
  const nowMs = Date.now();
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName('idempotency'),
        Key: { pk },
        UpdateExpression:
          'SET #status = :completed, #response = :response, completed_at = :now, expires_at = :exp REMOVE lease_expires_at',
        ConditionExpression: '#token = :token',
        ExpressionAttributeNames: { '#status': 'status', '#response': 'response', '#token': 'token' },
        ExpressionAttributeValues: {
          ':completed': 'completed',
          ':response': response ?? null,
          ':now': new Date(nowMs).toISOString(),
          ':exp': Math.floor(nowMs / 1000) + retentionSeconds,
          ':token': token,
        },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    // Our lease ran out and another copy took over: it recovers on its own; our result still stands.
    logger.warn('idempotency claim was taken over before it completed', { claim: pk });
  }
};

/**
 * Lets a retry run the effect: deletes the claim, or, for an effect that
 * records itself, ends its lease, so the next copy takes over and checks
 * whether the effect ran (a failed call may have committed before failing).
 */
const release = async (pk: string, token: string, keepRecord: boolean): Promise<void> => {
  const condition = {
    Key: { pk },
    ConditionExpression: '#token = :token',
    ExpressionAttributeNames: { '#token': 'token' },
  };
  try {
    await dynamo().send(
      keepRecord
        ? new UpdateCommand({
            TableName: tableName('idempotency'),
            ...condition,
            UpdateExpression: 'SET lease_expires_at = :now',
            ExpressionAttributeValues: { ':token': token, ':now': Date.now() },
          })
        : new DeleteCommand({
            TableName: tableName('idempotency'),
            ...condition,
            ExpressionAttributeValues: { ':token': token },
          }),
    );
  } catch (error) {
    if (isConditionFailure(error)) return;
    // The caller is already failing; a claim we could not delete only delays a retry until its lease ends.
    logger.error('could not release an idempotency claim', { claim: pk, error: error as Error });
  }
};

const checkFingerprint = (existing: ClaimItem, fingerprint: string | undefined): void => {
  if (fingerprint !== undefined && existing.fingerprint !== undefined && existing.fingerprint !== fingerprint) {
    throw new DeliveryIdReusedError();
  }
};

/**
 * Runs `effect` at most once per `id` within `options.scope`, as described
 * above, and answers its result (or the stored result of an earlier copy).
 *
 * @param fingerprint a hash of the payload: a redelivery with the same id
 *   but another payload is refused ({@link DeliveryIdReusedError}) instead
 *   of answered as a duplicate.
 * @throws DeliveryInProgressError when a concurrent copy still runs after the wait.
 *
 * @example
 * const { value, duplicate } = await runOnce(
 *   { scope: 'inventory-webhook', leaseSeconds: 12 },
 *   deliveryId,
 *   (claim) => applyAdjustment(adjustment, deliveryId, claim),
 * );
 */
const runOnce = async <T>(
  options: IdempotencyOptions<T>,
  id: string,
  effect: (claim: ClaimInfo) => Promise<T>,
  fingerprint?: string,
): Promise<IdempotentResult<T>> => {
  const settings: Settings<T> = {
    retentionSeconds: DEFAULT_RETENTION_SECONDS,
    waitMs: DEFAULT_WAIT_MS,
    pollMs: DEFAULT_POLL_MS,
    ...options,
  };
  const recordsItself = settings.outcomeOf !== undefined;
  const pk = claimKey(settings.scope, id);
  const waitUntil = Date.now() + settings.waitMs;

  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const attempt = await tryClaim(pk, settings, fingerprint);
    if (attempt.kind === 'claimed') {
      let value: T;
      try {
        value = await effect(attempt.info);
      } catch (error) {
        if (!(error instanceof EffectCommittedError)) {
          await release(pk, attempt.token, recordsItself && !(settings.wroteNothing?.(error) ?? false));
        }
        throw error;
      }
      // An effect that records itself needs no stored result, except after a takeover: later copies then read it
      // here instead of searching the effect's records as far back as the first claim.
      if (!recordsItself || attempt.info.takeover) {
        await complete(pk, attempt.token, value, settings.retentionSeconds);
      }
      return { value, duplicate: false };
    }

    // Someone holds (or held) the id: wait for its result, or for the claim to become ours.
    let existing = attempt.existing;
    for (;;) {
      const nowMs = Date.now();
      if (!isLive(existing, nowMs)) break; // released or expired: claim again
      checkFingerprint(existing, fingerprint);
      if (existing.status === 'completed') return { value: existing.response as T, duplicate: true };
      if (!leaseRunning(existing, nowMs)) break; // the holder crashed: take over
      if (settings.outcomeOf) {
        const outcome = await settings.outcomeOf({ takeover: false, firstClaimedAt: firstClaimOf(existing) });
        if (outcome.kind === 'done') {
          await complete(pk, existing.token, outcome.value, settings.retentionSeconds);
          return { value: outcome.value, duplicate: true };
        }
      }
      if (nowMs >= waitUntil) {
        const leftMs = (existing.lease_expires_at ?? nowMs) - nowMs;
        throw new DeliveryInProgressError(Math.min(settings.leaseSeconds, Math.max(1, Math.ceil(leftMs / 1000))));
      }
      await sleep(Math.min(settings.pollMs, Math.max(1, waitUntil - nowMs)));
      existing = await readClaim(pk);
    }
  }
  throw new DeliveryInProgressError(1);
};

type Settings<T = unknown> = Required<Omit<IdempotencyOptions<T>, 'outcomeOf' | 'wroteNothing'>> &
  Pick<IdempotencyOptions<T>, 'outcomeOf' | 'wroteNothing'>;

export { runOnce, EffectCommittedError };
