import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryInProgressError } from '../../functions/kernel/idempotency/delivery-errors.js';
import { EffectCommittedError, runOnce } from '../../functions/kernel/idempotency/idempotency.js';
import { type TestStack, startTestStack } from '../helpers/test-stack.js';

/**
 * The idempotency block against DynamoDB Local: the conditional writes that
 * make N concurrent copies of one delivery run the effect once are
 * DynamoDB's own, not a mock's.
 */
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.stop();
});

const OPTIONS = { scope: 'it', leaseSeconds: 5 };
const newId = () => `msg_${randomUUID()}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const claimOf = async (id: string) => {
  const table = stack.resources.tables.idempotency?.physicalName;
  const out = await stack.dynamodb.send(
    new GetCommand({ TableName: table, Key: { pk: `IDEMPOTENCY#it#${id}` }, ConsistentRead: true }),
  );
  return out.Item;
};

describe('Integration: runOnce() on DynamoDB Local', () => {
  it('runs the effect exactly once for 25 concurrent copies, and every copy answers its result', async () => {
    // Prepare
    const id = newId();
    let runs = 0;
    const effect = async () => {
      runs++;
      await sleep(300);
      return { run: runs };
    };
    // Act
    const results = await Promise.all(Array.from({ length: 25 }, () => runOnce(OPTIONS, id, effect)));
    // Assess
    expect(runs).toBe(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(results.every((r) => (r.value as { run: number }).run === 1)).toBe(true);
    expect(await claimOf(id)).toMatchObject({ status: 'completed', response: { run: 1 } });
  });

  it('answers a sequential redelivery from the stored result', async () => {
    // Prepare
    const id = newId();
    await runOnce(OPTIONS, id, async () => 'first');
    // Act
    const again = await runOnce(OPTIONS, id, async () => 'second');
    // Assess
    expect(again).toEqual({ value: 'first', duplicate: true });
  });

  it('releases the claim when the effect fails, so the next copy runs it', async () => {
    // Prepare
    const id = newId();
    await expect(runOnce(OPTIONS, id, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    // Act
    const retried = await runOnce(OPTIONS, id, async () => 'retried');
    // Assess
    expect(retried).toEqual({ value: 'retried', duplicate: false });
  });

  it('answers 409 with Retry-After while a copy is still running past the wait', async () => {
    // Prepare: the first copy holds its claim until the test lets it finish, rather than for a guessed time.
    const id = newId();
    let started!: () => void;
    let finish!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const first = runOnce(OPTIONS, id, async () => {
      started();
      await finished;
      return 'slow';
    });
    // Its effect runs only once its claim is written.
    await running;
    // Act
    const second = runOnce({ ...OPTIONS, waitMs: 300 }, id, async () => 'second');
    // Assess
    const error = await second.catch((e: unknown) => e);
    finish();
    expect(error).toBeInstanceOf(DeliveryInProgressError);
    expect((error as DeliveryInProgressError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    await expect(first).resolves.toEqual({ value: 'slow', duplicate: false });
  });

  it('lets a copy take over a claim whose lease ran out, and tells it so', async () => {
    // Prepare: the first copy dies after its point of no return, leaving its claim.
    const id = newId();
    const short = { ...OPTIONS, leaseSeconds: 1 };
    await expect(runOnce(short, id, async () => Promise.reject(new EffectCommittedError('crashed')))).rejects.toThrow(
      'crashed',
    );
    const copyDuringLease = runOnce({ ...short, waitMs: 200 }, id, async () => 'too early');
    await expect(copyDuringLease).rejects.toBeInstanceOf(DeliveryInProgressError);
    // Not a guess but the subject: the lease is a time written in the claim, and it has to run out.
    await sleep(1100);
    // Act
    const seen: unknown[] = [];
    const late = await runOnce(short, id, async (claim) => {
      seen.push(claim);
      return 'recovered';
    });
    // Assess
    expect(late).toEqual({ value: 'recovered', duplicate: false });
    expect(seen).toEqual([expect.objectContaining({ takeover: true })]);
  });

  it('keeps ids of two scopes apart', async () => {
    // Prepare
    const id = newId();
    await runOnce(OPTIONS, id, async () => 'a');
    // Act
    const other = await runOnce({ ...OPTIONS, scope: 'other' }, id, async () => 'b');
    // Assess
    expect(other).toEqual({ value: 'b', duplicate: false });
  });
});
