import { marshall } from '@aws-sdk/util-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * Unit tests of the claim logic with the DynamoDB client replaced by a
 * script of answers. Whether DynamoDB really serialises the conditional
 * writes is the integration test's job (test/integration/inventory-idempotency.test.ts).
 */
const send = vi.hoisted(() => vi.fn());
vi.mock('../../functions/kernel/aws/dynamo-client.js', () => ({ dynamo: () => ({ send }) }));

const { EffectCommittedError, runOnce } = await import('../../functions/kernel/idempotency/idempotency.js');
const { DeliveryIdReusedError, DeliveryInProgressError } = await import(
  '../../functions/kernel/idempotency/delivery-errors.js'
);

const NOW = Date.parse('2026-11-24T12:00:00Z');
const OPTIONS = { scope: 'test', leaseSeconds: 12 };
const PK = 'IDEMPOTENCY#test#msg_1';

type Command = { constructor: { name: string }; input: Record<string, unknown> };
const commandsSent = (): Command[] => send.mock.calls.map((call) => call[0] as Command);
const namesSent = (): string[] => commandsSent().map((c) => c.constructor.name);

const conditionFailed = (item?: Record<string, unknown>) =>
  Object.assign(new Error('The conditional request failed'), {
    name: 'ConditionalCheckFailedException',
    ...(item ? { Item: marshall(item, { removeUndefinedValues: true }) } : {}),
  });

const aClaim = (overrides: Record<string, unknown> = {}) => ({
  pk: PK,
  status: 'in_progress',
  token: 'other-token',
  claimed_at: new Date(NOW - 1000).toISOString(),
  lease_expires_at: NOW + 11_000,
  expires_at: Math.floor(NOW / 1000) + 86_400,
  ...overrides,
});

/** Answers each command by its class name, from queues of answers (a function may throw). */
const script = (answers: Partial<Record<string, Array<() => unknown>>>) => {
  send.mockImplementation(async (command: Command) => {
    const next = answers[command.constructor.name]?.shift();
    return next ? next() : {};
  });
};

// Every test: the clock at NOW (leases are read against it), the table named, the script of answers empty.
beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
  process.env.IDEMPOTENCY_TABLE = 'idempotency-test';
  send.mockReset();
});

afterEach(() => {
  vi.useRealTimers();
  delete process.env.IDEMPOTENCY_TABLE;
});

describe('Function: runOnce()', () => {
  it('claims the id, runs the effect once and stores its result as completed', async () => {
    // Prepare
    script({});
    const effect = vi.fn(async () => ({ new_quantity: 5 }));
    // Act
    const result = await runOnce(OPTIONS, 'msg_1', effect);
    // Assess
    expect(result).toEqual({ value: { new_quantity: 5 }, duplicate: false });
    expect(effect).toHaveBeenCalledOnce();
    expect(effect).toHaveBeenCalledWith({ takeover: false, firstClaimedAt: new Date(NOW).toISOString() });
    expect(namesSent()).toEqual(['PutCommand', 'UpdateCommand']);
    const [put, update] = commandsSent();
    expect(put?.input).toMatchObject({
      TableName: 'idempotency-test',
      Item: { pk: PK, status: 'in_progress', lease_expires_at: NOW + 12_000 },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect(update?.input).toMatchObject({
      Key: { pk: PK },
      ConditionExpression: '#token = :token',
      ExpressionAttributeValues: expect.objectContaining({
        ':completed': 'completed',
        ':response': { new_quantity: 5 },
      }),
    });
  });

  it('claims a fresh id with one Put that asks only that no claim is there', async () => {
    // Prepare
    script({});
    // Act
    await runOnce(OPTIONS, 'msg_1', async () => 'ok');
    // Assess
    const put = commandsSent()[0];
    expect(put?.input).toEqual({
      TableName: 'idempotency-test',
      Item: expect.objectContaining({ pk: PK, status: 'in_progress' }),
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it.each([
    ['in progress with its lease over', aClaim({ lease_expires_at: NOW - 1 })],
    ['past its TTL, not yet removed', aClaim({ status: 'completed', expires_at: NOW / 1000 - 1 })],
  ])('only replaces a claim found %s, under the full condition', async (_case, found) => {
    // Prepare
    script({ PutCommand: [() => Promise.reject(conditionFailed(found))] });
    // Act
    await runOnce(OPTIONS, 'msg_1', async () => 'ok');
    // Assess
    expect(namesSent().slice(0, 2)).toEqual(['PutCommand', 'PutCommand']);
    const put = commandsSent()[1];
    expect(put?.input.ConditionExpression).toBe(
      'attribute_not_exists(pk) OR expires_at <= :nowS OR (#status = :inProgress AND lease_expires_at <= :nowMs)',
    );
    expect(put?.input.ExpressionAttributeValues).toEqual({
      ':nowS': NOW / 1000,
      ':nowMs': NOW,
      ':inProgress': 'in_progress',
    });
  });

  it('answers the stored result flagged duplicate when the id was completed, without running the effect', async () => {
    // Prepare
    script({
      PutCommand: [
        () => Promise.reject(conditionFailed(aClaim({ status: 'completed', response: { new_quantity: 7 } }))),
      ],
    });
    const effect = vi.fn(async () => ({ new_quantity: 99 }));
    // Act
    const result = await runOnce(OPTIONS, 'msg_1', effect);
    // Assess
    expect(result).toEqual({ value: { new_quantity: 7 }, duplicate: true });
    expect(effect).not.toHaveBeenCalled();
    expect(namesSent()).toEqual(['PutCommand']);
  });

  it('waits for a concurrent copy and answers its result', async () => {
    // Prepare
    script({
      PutCommand: [() => Promise.reject(conditionFailed(aClaim()))],
      GetCommand: [() => ({ Item: aClaim() }), () => ({ Item: aClaim({ status: 'completed', response: 'first' }) })],
    });
    const effect = vi.fn(async () => 'second');
    // Act
    const pending = runOnce(OPTIONS, 'msg_1', effect);
    await vi.advanceTimersByTimeAsync(500);
    // Assess
    await expect(pending).resolves.toEqual({ value: 'first', duplicate: true });
    expect(effect).not.toHaveBeenCalled();
  });

  it('gives up, saying when the running copy will have finished, when it is still running after about 3 s', async () => {
    // Prepare
    send.mockImplementation(async (command: Command) => {
      if (command.constructor.name === 'PutCommand') throw conditionFailed(aClaim());
      return { Item: aClaim() };
    });
    const effect = vi.fn(async () => 'second');
    // Act
    const pending = runOnce(OPTIONS, 'msg_1', effect);
    const assessed = expect(pending).rejects.toBeInstanceOf(DeliveryInProgressError);
    await vi.advanceTimersByTimeAsync(3_200);
    // Assess
    await assessed;
    const error = (await pending.catch((e: unknown) => e)) as InstanceType<typeof DeliveryInProgressError>;
    // The holder's lease (11 s from the start) has 8 s left after waiting 3 s; the HTTP edge answers
    // 409 with Retry-After: 8 (test/unit/http-error-answers.test.ts).
    expect(error.retryAfterSeconds).toBe(8);
    expect(error).not.toHaveProperty('statusCode');
    expect(effect).not.toHaveBeenCalled();
    const polls = namesSent().filter((n) => n === 'GetCommand').length;
    expect(polls).toBeGreaterThanOrEqual(20);
    expect(polls).toBeLessThanOrEqual(31);
  });

  it('takes over a claim whose lease expired and tells the effect when the first copy started', async () => {
    // Prepare
    const crashed = aClaim({ claimed_at: '2026-11-24T11:59:30.000Z', lease_expires_at: NOW - 18_000 });
    script({ PutCommand: [() => Promise.reject(conditionFailed(crashed)), () => ({ Attributes: crashed })] });
    const effect = vi.fn(async () => 'recovered');
    // Act
    const result = await runOnce(OPTIONS, 'msg_1', effect);
    // Assess
    expect(result).toEqual({ value: 'recovered', duplicate: false });
    expect(effect).toHaveBeenCalledWith({ takeover: true, firstClaimedAt: '2026-11-24T11:59:30.000Z' });
  });

  it('claims again when the record it waited on expired its lease meanwhile', async () => {
    // Prepare
    script({
      PutCommand: [
        () => Promise.reject(conditionFailed(aClaim({ lease_expires_at: NOW + 150 }))),
        () => Promise.reject(conditionFailed(aClaim({ lease_expires_at: NOW + 150 }))),
        () => ({ Attributes: aClaim() }),
      ],
      GetCommand: [
        () => ({ Item: aClaim({ lease_expires_at: NOW + 150 }) }),
        () => ({ Item: aClaim({ lease_expires_at: NOW + 150 }) }),
      ],
    });
    const effect = vi.fn(async () => 'taken over');
    // Act
    const pending = runOnce(OPTIONS, 'msg_1', effect);
    await vi.advanceTimersByTimeAsync(400);
    // Assess
    await expect(pending).resolves.toEqual({ value: 'taken over', duplicate: false });
    expect(effect).toHaveBeenCalledWith(expect.objectContaining({ takeover: true }));
  });

  it('claims again when the holder released its claim while we waited', async () => {
    // Prepare
    script({
      PutCommand: [() => Promise.reject(conditionFailed(aClaim())), () => ({})],
      GetCommand: [() => ({})],
    });
    const effect = vi.fn(async () => 'mine');
    // Act
    const pending = runOnce(OPTIONS, 'msg_1', effect);
    await vi.advanceTimersByTimeAsync(200);
    // Assess
    await expect(pending).resolves.toEqual({ value: 'mine', duplicate: false });
    expect(effect).toHaveBeenCalledWith(expect.objectContaining({ takeover: false }));
  });

  it('releases the claim when the effect throws, so a retry can run it', async () => {
    // Prepare
    script({});
    const failure = new Error('store down');
    // Act
    const outcome = runOnce(OPTIONS, 'msg_1', async () => {
      throw failure;
    });
    // Assess
    await expect(outcome).rejects.toBe(failure);
    expect(namesSent()).toEqual(['PutCommand', 'DeleteCommand']);
    const put = commandsSent()[0];
    const token = (put?.input.Item as { token?: string } | undefined)?.token;
    expect(token).toEqual(expect.any(String));
    expect(commandsSent()[1]?.input).toMatchObject({
      Key: { pk: PK },
      ConditionExpression: '#token = :token',
      ExpressionAttributeValues: { ':token': token },
    });
  });

  it('keeps the claim when the effect failed after its point of no return', async () => {
    // Prepare
    script({});
    // Act
    const outcome = runOnce(OPTIONS, 'msg_1', async () => {
      throw new EffectCommittedError('half done');
    });
    // Assess
    await expect(outcome).rejects.toBeInstanceOf(EffectCommittedError);
    expect(namesSent()).toEqual(['PutCommand']);
  });

  it('refuses an id reused with a different payload', async () => {
    // Prepare
    script({
      PutCommand: [
        () => Promise.reject(conditionFailed(aClaim({ status: 'completed', response: 'x', fingerprint: 'aaa' }))),
      ],
    });
    // Act
    const outcome = runOnce(OPTIONS, 'msg_1', async () => 'y', 'bbb');
    // Assess
    await expect(outcome).rejects.toBeInstanceOf(DeliveryIdReusedError);
    // A domain error: the HTTP edge answers it with 422 (test/unit/http-error-answers.test.ts).
    await expect(outcome).rejects.not.toHaveProperty('statusCode');
  });

  it('still answers the result when its claim was taken over before it could complete', async () => {
    // Prepare
    script({ UpdateCommand: [() => Promise.reject(conditionFailed())] });
    // Act
    const result = await runOnce(OPTIONS, 'msg_1', async () => 'done');
    // Assess
    expect(result).toEqual({ value: 'done', duplicate: false });
  });

  it('reads the claim when DynamoDB gives no item with the failed condition', async () => {
    // Prepare
    script({
      PutCommand: [() => Promise.reject(conditionFailed()), () => Promise.reject(conditionFailed())],
      GetCommand: [() => ({ Item: aClaim({ status: 'completed', response: 'stored' }) })],
    });
    // Act
    const result = await runOnce(OPTIONS, 'msg_1', async () => 'new');
    // Assess
    expect(result).toEqual({ value: 'stored', duplicate: true });
  });
});

describe('Function: runOnce() with an effect that records itself (outcomeOf)', () => {
  const done = (value: unknown) => ({ kind: 'done' as const, value });

  it('claims, runs the effect and stores nothing more: one write per delivery', async () => {
    // Prepare
    script({});
    const outcomeOf = vi.fn();
    // Act
    const result = await runOnce({ ...OPTIONS, outcomeOf }, 'msg_1', async () => 'applied');
    // Assess
    expect(result).toEqual({ value: 'applied', duplicate: false });
    expect(namesSent()).toEqual(['PutCommand']);
    expect(outcomeOf).not.toHaveBeenCalled();
  });

  it('answers the outcome the effect recorded, flagged duplicate, while the first copy still holds the claim', async () => {
    // Prepare
    script({ PutCommand: [() => Promise.reject(conditionFailed(aClaim()))] });
    const outcomeOf = vi.fn(async () => done({ new_quantity: 7 }));
    const effect = vi.fn(async () => ({ new_quantity: 99 }));
    // Act
    const result = await runOnce({ ...OPTIONS, outcomeOf }, 'msg_1', effect);
    // Assess
    expect(result).toEqual({ value: { new_quantity: 7 }, duplicate: true });
    expect(effect).not.toHaveBeenCalled();
    expect(outcomeOf).toHaveBeenCalledWith({ takeover: false, firstClaimedAt: new Date(NOW - 1000).toISOString() });
    // Stored on the claim under the holder's token, so the next copy reads it without searching.
    expect(namesSent()).toEqual(['PutCommand', 'UpdateCommand']);
    expect(commandsSent()[1]?.input).toMatchObject({
      ConditionExpression: '#token = :token',
      ExpressionAttributeValues: expect.objectContaining({ ':token': 'other-token', ':response': { new_quantity: 7 } }),
    });
  });

  it('asks from when the first copy of a chain of takeovers claimed the id', async () => {
    // Prepare
    script({
      PutCommand: [() => Promise.reject(conditionFailed(aClaim({ first_claimed_at: '2026-11-24T11:58:00.000Z' })))],
    });
    const outcomeOf = vi.fn(async () => done('x'));
    // Act
    await runOnce({ ...OPTIONS, outcomeOf }, 'msg_1', async () => 'y');
    // Assess
    expect(outcomeOf).toHaveBeenCalledWith({ takeover: false, firstClaimedAt: '2026-11-24T11:58:00.000Z' });
  });

  it('keeps polling while the outcome is unknown or not done, then says when to come back', async () => {
    // Prepare
    send.mockImplementation(async (command: Command) => {
      if (command.constructor.name === 'PutCommand') throw conditionFailed(aClaim());
      return { Item: aClaim() };
    });
    const outcomeOf = vi.fn(async () => ({ kind: 'unknown' as const }));
    const effect = vi.fn(async () => 'second');
    // Act
    const pending = runOnce({ ...OPTIONS, outcomeOf }, 'msg_1', effect);
    const assessed = expect(pending).rejects.toBeInstanceOf(DeliveryInProgressError);
    await vi.advanceTimersByTimeAsync(3_200);
    // Assess
    await assessed;
    expect(effect).not.toHaveBeenCalled();
    expect(outcomeOf.mock.calls.length).toBeGreaterThanOrEqual(20);
  });

  it('takes over once the lease ran out, keeps the first claim time on the claim, and stores the result', async () => {
    // Prepare
    const earlier = aClaim({ claimed_at: '2026-11-24T11:59:30.000Z', lease_expires_at: NOW - 18_000 });
    script({ PutCommand: [() => Promise.reject(conditionFailed(earlier)), () => ({ Attributes: earlier })] });
    const outcomeOf = vi.fn();
    const effect = vi.fn(async () => 'recovered');
    // Act
    const result = await runOnce({ ...OPTIONS, outcomeOf }, 'msg_1', effect);
    // Assess
    expect(result).toEqual({ value: 'recovered', duplicate: false });
    expect(effect).toHaveBeenCalledWith({ takeover: true, firstClaimedAt: '2026-11-24T11:59:30.000Z' });
    expect(namesSent()).toEqual(['PutCommand', 'PutCommand', 'UpdateCommand', 'UpdateCommand']);
    expect(commandsSent()[2]?.input).toMatchObject({
      UpdateExpression: 'SET first_claimed_at = :first',
      ExpressionAttributeValues: expect.objectContaining({ ':first': '2026-11-24T11:59:30.000Z' }),
    });
    expect(commandsSent()[3]?.input).toMatchObject({
      ExpressionAttributeValues: expect.objectContaining({ ':completed': 'completed', ':response': 'recovered' }),
    });
  });

  it('ends the lease instead of deleting the claim when the effect throws, so the next copy checks first', async () => {
    // Prepare
    script({});
    const failure = new Error('store down');
    // Act
    const outcome = runOnce({ ...OPTIONS, outcomeOf: vi.fn() }, 'msg_1', async () => {
      throw failure;
    });
    // Assess
    await expect(outcome).rejects.toBe(failure);
    expect(namesSent()).toEqual(['PutCommand', 'UpdateCommand']);
    expect(commandsSent()[1]?.input).toMatchObject({
      UpdateExpression: 'SET lease_expires_at = :now',
      ConditionExpression: '#token = :token',
      ExpressionAttributeValues: { ':now': NOW, ':token': expect.any(String) },
    });
  });

  it('deletes the claim after a refusal that wrote nothing, so the refusal leaves no trace', async () => {
    // Prepare
    script({});
    const refusal = new RangeError('below zero');
    // Act
    const outcome = runOnce(
      { ...OPTIONS, outcomeOf: vi.fn(), wroteNothing: (error) => error instanceof RangeError },
      'msg_1',
      async () => {
        throw refusal;
      },
    );
    // Assess
    await expect(outcome).rejects.toBe(refusal);
    expect(namesSent()).toEqual(['PutCommand', 'DeleteCommand']);
  });

  it('never takes over a claim made for another payload, whatever its lease', async () => {
    // Prepare
    script({ PutCommand: [() => Promise.reject(conditionFailed(aClaim({ lease_expires_at: NOW - 1 })))] });
    // Act
    await runOnce({ ...OPTIONS, outcomeOf: vi.fn() }, 'msg_1', async () => 'ok', 'fp-1');
    // Assess
    expect(commandsSent()[1]?.input).toMatchObject({
      ConditionExpression:
        'attribute_not_exists(pk) OR expires_at <= :nowS OR (#status = :inProgress AND lease_expires_at <= :nowMs AND (attribute_not_exists(fingerprint) OR fingerprint = :fp))',
      ExpressionAttributeValues: expect.objectContaining({ ':fp': 'fp-1' }),
    });
  });
});
