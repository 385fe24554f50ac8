import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * Unit tests of a create's userName lock with the DynamoDB client replaced
 * by a script of answers: the orphan rules and the lock given back. That
 * DynamoDB lets exactly one of two concurrent creates through is the
 * integration test's job (test/integration/scim-users.test.ts).
 */
const send = vi.hoisted(() => vi.fn());
vi.mock('../../functions/kernel/aws/dynamo-client.js', () => ({ dynamo: () => ({ send }) }));

const { ORPHAN_LOCK_GRACE_MS, claimUserName } = await import('../../functions/users/store/user-name-locks.js');
const { writeUser } = await import('../../functions/users/store/user-writes.js');
const { UserNameTakenError, VersionMovedError } = await import('../../functions/users/store/items.js');

const NOW = new Date('2026-12-03T12:00:00Z');
const USER_NAME = 'Ada@Example.com';

type Command = { constructor: { name: string }; input: Record<string, unknown> };
const commandsSent = (): Command[] => send.mock.calls.map((call) => call[0] as Command);
const namesSent = (): string[] => commandsSent().map((command) => command.constructor.name);

const conditionFailed = () =>
  Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });

/** A lock as a create leaves it, taken `ageMs` before NOW by user `userId`. */
const aLock = (ageMs: number, userId = 'crashed') => ({
  pk: 'username#ada@example.com',
  sk: 'LOCK',
  user_id: userId,
  user_name: USER_NAME,
  locked_at: new Date(NOW.getTime() - ageMs).toISOString(),
});

/** Answers each command by its class name, from queues of answers (a function may throw). */
const script = (answers: Partial<Record<string, Array<() => unknown>>>) => {
  send.mockImplementation(async (command: Command) => {
    const next = answers[command.constructor.name]?.shift();
    return next ? next() : {};
  });
};

const anEvent = () => ({
  direction: 'inbound',
  source: 'idp',
  event: 'created',
  outcome: 'synced',
  at: NOW.toISOString(),
});

describe('Function: claimUserName()', () => {
  beforeEach(() => {
    process.env.USERS_TABLE = 'users-test';
    send.mockReset();
  });

  afterEach(() => {
    delete process.env.USERS_TABLE;
  });

  it('takes a free userName with one conditional PutItem carrying when it was taken', async () => {
    // Prepare
    script({});
    // Act
    await claimUserName(USER_NAME, 'u1', NOW);
    // Assess
    expect(namesSent()).toEqual(['PutCommand']);
    expect(commandsSent()[0]?.input).toMatchObject({
      Item: { pk: 'username#ada@example.com', sk: 'LOCK', user_id: 'u1', locked_at: NOW.toISOString() },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('refuses a userName a live user holds, whatever the age of its lock, and deletes nothing', async () => {
    // Prepare
    script({
      PutCommand: [() => Promise.reject(conditionFailed())],
      GetCommand: [
        () => ({ Item: aLock(10 * ORPHAN_LOCK_GRACE_MS, 'u0') }),
        () => ({ Item: { pk: 'user#u0', sk: 'USER', id: 'u0', user_name_key: 'ada@example.com' } }),
      ],
    });
    // Act
    const claim = claimUserName(USER_NAME, 'u1', NOW);
    // Assess
    await expect(claim).rejects.toBeInstanceOf(UserNameTakenError);
    expect(namesSent()).not.toContain('DeleteCommand');
  });

  it('refuses a userName whose orphan lock is younger than the grace period: its create may be in flight', async () => {
    // Prepare
    script({
      PutCommand: [() => Promise.reject(conditionFailed())],
      GetCommand: [() => ({ Item: aLock(ORPHAN_LOCK_GRACE_MS - 1_000) }), () => ({})],
    });
    // Act
    const claim = claimUserName(USER_NAME, 'u1', NOW);
    // Assess
    await expect(claim).rejects.toBeInstanceOf(UserNameTakenError);
    expect(namesSent()).not.toContain('DeleteCommand');
  });

  it('clears an orphan lock past the grace period, conditional on it being the one read, then takes it', async () => {
    // Prepare
    const orphan = aLock(ORPHAN_LOCK_GRACE_MS + 1_000);
    script({
      PutCommand: [() => Promise.reject(conditionFailed()), () => ({})],
      GetCommand: [() => ({ Item: orphan }), () => ({})],
    });
    // Act
    await claimUserName(USER_NAME, 'u1', NOW);
    // Assess
    expect(namesSent()).toEqual(['PutCommand', 'GetCommand', 'GetCommand', 'DeleteCommand', 'PutCommand']);
    expect(commandsSent()[3]?.input).toMatchObject({
      ConditionExpression: 'user_id = :id AND locked_at = :at',
      ExpressionAttributeValues: { ':id': 'crashed', ':at': orphan.locked_at },
    });
  });

  it('answers taken when another create cleared the same orphan first', async () => {
    // Prepare
    script({
      PutCommand: [() => Promise.reject(conditionFailed())],
      GetCommand: [() => ({ Item: aLock(ORPHAN_LOCK_GRACE_MS + 1_000) }), () => ({})],
      DeleteCommand: [() => Promise.reject(conditionFailed())],
    });
    // Act
    const claim = claimUserName(USER_NAME, 'u1', NOW);
    // Assess
    await expect(claim).rejects.toBeInstanceOf(UserNameTakenError);
    expect(namesSent().filter((name) => name === 'PutCommand')).toHaveLength(1);
  });
});

describe('Function: writeUser() creating a user', () => {
  beforeEach(() => {
    process.env.USERS_TABLE = 'users-test';
    send.mockReset();
  });

  afterEach(() => {
    delete process.env.USERS_TABLE;
  });

  it('writes the lock, then the user, and no lookup item', async () => {
    // Prepare
    script({});
    // Act
    await writeUser({
      id: 'u1',
      resource: { userName: USER_NAME, externalId: 'x1' },
      event: anEvent() as never,
      now: NOW,
    });
    // Assess
    expect(namesSent()).toEqual(['PutCommand', 'PutCommand']);
    expect(commandsSent().map((command) => (command.input.Item as { sk: string }).sk)).toEqual(['LOCK', 'USER']);
    expect(commandsSent()[1]?.input).toMatchObject({
      Item: { external_id: 'x1' },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('gives its lock back when the user cannot be written, and answers moved', async () => {
    // Prepare
    script({ PutCommand: [() => ({}), () => Promise.reject(conditionFailed())] });
    // Act
    const write = writeUser({ id: 'u1', resource: { userName: USER_NAME }, event: anEvent() as never, now: NOW });
    // Assess
    await expect(write).rejects.toBeInstanceOf(VersionMovedError);
    expect(namesSent()).toEqual(['PutCommand', 'PutCommand', 'DeleteCommand']);
    expect(commandsSent()[2]?.input).toMatchObject({
      Key: { pk: 'username#ada@example.com', sk: 'LOCK' },
      ConditionExpression: 'user_id = :id',
      ExpressionAttributeValues: { ':id': 'u1' },
    });
  });
});
