import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * The settings write with DynamoDB replaced by a script of answers: the
 * transaction it sends, and what it does when another change wins the race.
 * That DynamoDB really refuses the stale write is the integration test's job
 * (test/integration/admin-settings.test.ts).
 */
const send = vi.hoisted(() => vi.fn());
vi.mock('../../functions/kernel/aws/dynamo-client.js', () => ({ dynamo: () => ({ send }) }));

const { SettingsBusyError, updateSettings } = await import('../../functions/kernel/settings/settings-store.js');

const AT = new Date('2026-11-24T12:00:00.000Z');
const now = () => AT;

type Command = { constructor: { name: string }; input: Record<string, unknown> };
const commandsSent = (): Command[] => send.mock.calls.map((call) => call[0] as Command);
const namesSent = (): string[] => commandsSent().map((c) => c.constructor.name);

const current = (values: Record<string, unknown>, version: number) => ({
  Item: { pk: 'SETTINGS', sk: 'CURRENT', values, version, updated_at: '2026-11-24T11:00:00.000Z' },
});

/** What DynamoDB answers when the version condition of the first item failed. */
const lostToAnotherChange = () =>
  Object.assign(new Error('Transaction cancelled'), {
    name: 'TransactionCanceledException',
    CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
  });

/** Answers each command by its class name, from queues of answers (a function may throw). */
const script = (answers: Partial<Record<string, Array<() => unknown>>>) => {
  send.mockImplementation(async (command: Command) => {
    const next = answers[command.constructor.name]?.shift();
    return next ? next() : {};
  });
};

type TransactItem = {
  Update?: Record<string, unknown> & { ExpressionAttributeValues: Record<string, unknown> };
  Put?: { Item: Record<string, unknown> };
};
const transactItems = (command: Command | undefined): TransactItem[] => command?.input.TransactItems as TransactItem[];

describe('Function: updateSettings()', () => {
  beforeEach(() => {
    process.env.CONTROL_TABLE = 'control-test';
    send.mockReset();
  });

  afterEach(() => {
    delete process.env.CONTROL_TABLE;
  });

  it('creates the item on the first change, on condition that there is none yet, with one audit entry', async () => {
    // Prepare
    script({ GetCommand: [() => ({})] });
    // Act
    const result = await updateSettings({ conflict_window_seconds: 90 }, { requestId: 'req-1' }, now);
    // Assess
    expect(namesSent()).toEqual(['GetCommand', 'TransactWriteCommand']);
    const [update, audit] = transactItems(commandsSent()[1]);
    expect(update?.Update).toMatchObject({
      TableName: 'control-test',
      Key: { pk: 'SETTINGS', sk: 'CURRENT' },
      ConditionExpression: 'attribute_not_exists(pk)',
      ExpressionAttributeValues: { ':values': { conflict_window_seconds: 90 }, ':version': 1, ':at': AT.toISOString() },
    });
    expect(audit?.Put?.Item).toEqual({
      pk: 'SETTINGS#AUDIT',
      sk: '2026-11-24T12:00:00.000Z#0000000001#conflict_window_seconds',
      key: 'conflict_window_seconds',
      old_value: 60,
      new_value: 90,
      changed_at: AT.toISOString(),
      version: 1,
      request_id: 'req-1',
    });
    expect(result).toMatchObject({
      version: 1,
      updated_at: AT.toISOString(),
      changes: [{ key: 'conflict_window_seconds' }],
    });
  });

  it('conditions a later change on the version it read', async () => {
    // Prepare
    script({ GetCommand: [() => current({ queue_depth_threshold: 50 }, 4)] });
    // Act
    await updateSettings({ queue_depth_threshold: 60 }, {}, now);
    // Assess
    const [update, audit] = transactItems(commandsSent()[1]);
    expect(update?.Update).toMatchObject({
      ConditionExpression: '#version = :read',
      ExpressionAttributeValues: { ':read': 4, ':version': 5 },
    });
    expect(audit?.Put?.Item).not.toHaveProperty('request_id');
  });

  it('never stamps a change earlier than the one it follows, when this clock lags', async () => {
    // Prepare
    const later = '2026-11-24T12:00:00.250Z';
    script({ GetCommand: [() => ({ Item: { values: {}, version: 7, updated_at: later } })] });
    // Act
    await updateSettings({ queue_depth_threshold: 60 }, {}, now);
    // Assess
    const [, audit] = transactItems(commandsSent()[1]);
    expect(audit?.Put?.Item).toMatchObject({ sk: `${later}#0000000008#queue_depth_threshold`, changed_at: later });
  });

  it('writes nothing when no key changes', async () => {
    // Prepare
    script({ GetCommand: [() => current({ queue_depth_threshold: 50 }, 4)] });
    // Act
    const result = await updateSettings({ queue_depth_threshold: 50, conflict_window_seconds: 60 }, {}, now);
    // Assess
    expect(namesSent()).toEqual(['GetCommand']);
    expect(result).toMatchObject({ changes: [], version: 4, updated_at: '2026-11-24T11:00:00.000Z' });
  });

  it('re-reads and re-applies the body when another change won the race, auditing the value it really replaced', async () => {
    // Prepare
    script({
      GetCommand: [() => current({}, 1), () => current({ error_threshold_per_hour: 8 }, 2)],
      TransactWriteCommand: [
        () => {
          throw lostToAnotherChange();
        },
      ],
    });
    // Act
    const result = await updateSettings({ error_threshold_per_hour: 9 }, {}, now);
    // Assess
    expect(namesSent()).toEqual(['GetCommand', 'TransactWriteCommand', 'GetCommand', 'TransactWriteCommand']);
    const [update, audit] = transactItems(commandsSent()[3]);
    expect(update?.Update?.ExpressionAttributeValues).toMatchObject({ ':read': 2, ':version': 3 });
    expect(audit?.Put?.Item).toMatchObject({ old_value: 8, new_value: 9 });
    expect(result.version).toBe(3);
  });

  it('retries a transaction DynamoDB cancelled for a concurrent one', async () => {
    // Prepare
    script({
      GetCommand: [() => current({}, 1), () => current({}, 1)],
      TransactWriteCommand: [
        () => {
          throw Object.assign(new Error('conflict'), {
            name: 'TransactionCanceledException',
            CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }],
          });
        },
      ],
    });
    // Act
    const result = await updateSettings({ error_threshold_per_hour: 9 }, {}, now);
    // Assess
    expect(result.version).toBe(2);
    expect(namesSent().filter((name) => name === 'TransactWriteCommand')).toHaveLength(2);
  });

  it('gives up after five lost races, having written nothing', async () => {
    // Prepare
    send.mockImplementation(async (command: Command) => {
      if (command.constructor.name === 'GetCommand') return current({}, 1);
      throw lostToAnotherChange();
    });
    // Act
    const attempt = updateSettings({ error_threshold_per_hour: 9 }, {}, now);
    // Assess
    await expect(attempt).rejects.toBeInstanceOf(SettingsBusyError);
    expect(namesSent().filter((name) => name === 'TransactWriteCommand')).toHaveLength(5);
  });

  it('does not retry a failure that is not a lost race', async () => {
    // Prepare
    script({
      GetCommand: [() => current({}, 1)],
      TransactWriteCommand: [
        () => {
          throw Object.assign(new Error('too big'), { name: 'ValidationException' });
        },
      ],
    });
    // Act
    const attempt = updateSettings({ error_threshold_per_hour: 9 }, {}, now);
    // Assess
    await expect(attempt).rejects.toThrow('too big');
    expect(namesSent()).toEqual(['GetCommand', 'TransactWriteCommand']);
  });
});
