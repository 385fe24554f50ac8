import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { readSettings } from '../../functions/kernel/settings/read-settings.js';
import { DEFAULT_SETTINGS } from '../../functions/kernel/settings/settings-schema.js';
import { TEST_ADMIN_TOKEN, admin } from '../helpers/http-client.js';
import { type TestStack, startTestStack } from '../helpers/test-stack.js';

/**
 * Run-time settings through the real admin routes, authorizer and DynamoDB
 * Local: read, change, refuse, audit, concurrent changes, and a function's
 * cached read seeing a change once its cache expires. Each test starts from
 * an empty store.
 */
let stack: TestStack;

interface SettingsAnswer {
  readonly settings: typeof DEFAULT_SETTINGS;
  readonly defaults: typeof DEFAULT_SETTINGS;
  readonly version: number;
  readonly updated_at: string | null;
  readonly changed?: string[];
  readonly error?: string;
}

interface HistoryAnswer {
  readonly items: { key: string; old_value: unknown; new_value: unknown; changed_at: string; version: number }[];
  readonly cursor?: string;
  readonly error?: string;
}

const getSettings = () => admin<SettingsAnswer>(stack.url, 'GET', '/admin/settings');
const putSettings = (body: unknown) => admin<SettingsAnswer>(stack.url, 'PUT', '/admin/settings', body);
const history = (query = '') => admin<HistoryAnswer>(stack.url, 'GET', `/admin/settings/history${query}`);

/** Empties the settings partitions of the control table (schedules keep theirs). */
const clearSettings = async (): Promise<void> => {
  const TableName = stack.resources.tables.control?.physicalName;
  if (!TableName) throw new Error('the control table was not created');
  await stack.dynamodb.send(new DeleteCommand({ TableName, Key: { pk: 'SETTINGS', sk: 'CURRENT' } }));
  const audit = await stack.dynamodb.send(
    new QueryCommand({
      TableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'SETTINGS#AUDIT' },
    }),
  );
  for (const item of audit.Items ?? []) {
    await stack.dynamodb.send(new DeleteCommand({ TableName, Key: { pk: item.pk, sk: item.sk } }));
  }
};

beforeAll(async () => {
  stack = await startTestStack({ env: { ADMIN_TOKEN: TEST_ADMIN_TOKEN } });
});

afterAll(async () => {
  await stack?.stop();
});

beforeEach(async () => {
  await clearSettings();
});

describe('GET /admin/settings', () => {
  it('answers the defaults, version 0, on an empty store', async () => {
    // Act
    const answer = await getSettings();
    // Assess
    expect(answer).toEqual({
      status: 200,
      body: { settings: DEFAULT_SETTINGS, defaults: DEFAULT_SETTINGS, version: 0, updated_at: null },
    });
  });

  it.each([
    ['GET', '/admin/settings'],
    ['PUT', '/admin/settings'],
    ['GET', '/admin/settings/history'],
  ])('answers 401 to %s %s without a token', async (method, path) => {
    // Act
    const response = await stack.fetch(path, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(method === 'PUT' ? { body: JSON.stringify({ conflict_window_seconds: 1 }) } : {}),
    });
    // Assess
    expect(response.status).toBe(401);
    expect((await getSettings()).body.version).toBe(0);
  });
});

describe('PUT /admin/settings', () => {
  it('changes the keys given, answers what changed, and GET reads it back', async () => {
    // Act
    const put = await putSettings({
      conflict_window_seconds: 90,
      max_sync_lag_minutes: { pos: 45 },
      recipients: { sales: ['sales@example.com'], purchasing: [], data_admin: [], ops: ['ops@example.com'] },
    });
    const get = await getSettings();
    // Assess
    expect(put.status).toBe(200);
    expect(put.body.changed).toEqual(['max_sync_lag_minutes', 'conflict_window_seconds', 'recipients']);
    expect(put.body.version).toBe(1);
    const expected = {
      ...DEFAULT_SETTINGS,
      conflict_window_seconds: 90,
      max_sync_lag_minutes: { crm: 30, erp: 15, pos: 45 },
      recipients: { sales: ['sales@example.com'], purchasing: [], data_admin: [], ops: ['ops@example.com'] },
    };
    expect(put.body.settings).toEqual(expected);
    expect(get.body).toEqual({
      settings: expected,
      defaults: DEFAULT_SETTINGS,
      version: 1,
      updated_at: put.body.updated_at,
    });
  });

  it('keeps the keys not given and resets a key given as null to its default', async () => {
    // Prepare
    await putSettings({ conflict_window_seconds: 90, queue_depth_threshold: 5 });
    // Act
    const put = await putSettings({ conflict_window_seconds: null });
    // Assess
    expect(put.body.changed).toEqual(['conflict_window_seconds']);
    expect((await getSettings()).body.settings).toMatchObject({
      conflict_window_seconds: 60,
      queue_depth_threshold: 5,
    });
  });

  it('answers 400 naming the key of a bad value, and changes nothing', async () => {
    // Prepare
    await putSettings({ error_threshold_per_hour: 7 });
    const before = await getSettings();
    // Act
    const answer = await putSettings({ error_threshold_per_hour: 8, conflict_window_seconds: -5 });
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatch(/^Invalid settings: conflict_window_seconds: /);
    expect(await getSettings()).toEqual(before);
    expect((await history()).body.items).toHaveLength(1);
  });

  it('answers 400 naming a key that is not a setting, and changes nothing', async () => {
    // Act
    const answer = await putSettings({ queue_depth_threshold: 5, crm_api_key: 'secret-value' });
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toContain('"crm_api_key" is not a setting');
    expect(answer.body.error).not.toContain('secret-value');
    expect((await getSettings()).body.version).toBe(0);
  });

  it.each([
    ['an empty object', {}, 'name at least one setting'],
    ['an array', [1], 'Invalid settings'],
  ])('answers 400 to %s', async (_label, body, error) => {
    // Act
    const answer = await putSettings(body);
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toContain(error);
  });

  it('records no change, and no audit entry, for a key set to its current value', async () => {
    // Prepare
    await putSettings({ queue_depth_threshold: 5 });
    // Act
    const same = await putSettings({ queue_depth_threshold: 5, error_threshold_per_hour: 5 });
    // Assess
    expect(same.body).toMatchObject({ changed: [], version: 1 });
    expect((await history()).body.items.map((item) => item.key)).toEqual(['queue_depth_threshold']);
  });

  it('lands concurrent changes of different keys, each audited, none lost', async () => {
    // Act
    const answers = await Promise.all([
      putSettings({ conflict_window_seconds: 11 }),
      putSettings({ error_threshold_per_hour: 12 }),
      putSettings({ queue_depth_threshold: 13 }),
    ]);
    // Assess
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(answers.map((answer) => answer.body.version).sort()).toEqual([1, 2, 3]);
    const { body } = await getSettings();
    expect(body.version).toBe(3);
    expect(body.settings).toMatchObject({
      conflict_window_seconds: 11,
      error_threshold_per_hour: 12,
      queue_depth_threshold: 13,
    });
    const audited = (await history()).body.items;
    expect(audited.map((item) => item.key).sort()).toEqual([
      'conflict_window_seconds',
      'error_threshold_per_hour',
      'queue_depth_threshold',
    ]);
    expect(audited.map((item) => item.version)).toEqual([3, 2, 1]);
  });
});

describe('GET /admin/settings/history', () => {
  it('lists each change with its old and new value, newest first', async () => {
    // Prepare
    await putSettings({ conflict_window_seconds: 90 });
    await putSettings({ sync_priority_source: 'erp' });
    await putSettings({ conflict_window_seconds: 120 });
    // Act
    const answer = await history();
    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body.cursor).toBeUndefined();
    expect(answer.body.items).toEqual([
      {
        key: 'conflict_window_seconds',
        old_value: 90,
        new_value: 120,
        changed_at: expect.any(String),
        version: 3,
        request_id: expect.any(String),
      },
      {
        key: 'sync_priority_source',
        old_value: null,
        new_value: 'erp',
        changed_at: expect.any(String),
        version: 2,
        request_id: expect.any(String),
      },
      {
        key: 'conflict_window_seconds',
        old_value: 60,
        new_value: 90,
        changed_at: expect.any(String),
        version: 1,
        request_id: expect.any(String),
      },
    ]);
  });

  it('lists one key only with ?key=', async () => {
    // Prepare
    await putSettings({ conflict_window_seconds: 90 });
    await putSettings({ sync_priority_source: 'erp' });
    // Act
    const answer = await history('?key=sync_priority_source');
    // Assess
    expect(answer.body.items.map((item) => [item.key, item.new_value])).toEqual([['sync_priority_source', 'erp']]);
  });

  it('pages with ?limit= and an opaque cursor, losing and repeating nothing', async () => {
    // Prepare
    for (const seconds of [1, 2, 3, 4, 5]) await putSettings({ conflict_window_seconds: seconds });
    // Act
    const first = await history('?limit=2');
    const second = await history(`?limit=2&cursor=${first.body.cursor}`);
    const third = await history(`?limit=2&cursor=${second.body.cursor}`);
    // Assess
    const values = [first, second, third].map((page) => page.body.items.map((item) => item.new_value));
    expect(values).toEqual([[5, 4], [3, 2], [1]]);
    expect(third.body.cursor).toBeUndefined();
  });

  it('pages through one key, skipping the others', async () => {
    // Prepare
    for (const n of [1, 2, 3]) {
      await putSettings({ queue_depth_threshold: n });
      await putSettings({ error_threshold_per_hour: n + 10 });
    }
    // Act
    const first = await history('?key=queue_depth_threshold&limit=2');
    const second = await history(`?key=queue_depth_threshold&limit=2&cursor=${first.body.cursor}`);
    // Assess
    expect(first.body.items.map((item) => item.new_value)).toEqual([3, 2]);
    expect(second.body.items.map((item) => item.new_value)).toEqual([1]);
  });

  it.each([
    ['a key that is not a setting', '?key=crm_api_key', 'key'],
    ['a limit of 0', '?limit=0', 'limit'],
    ['a limit above 1000', '?limit=1001', 'limit'],
    ['a cursor it never gave out', '?cursor=bm90LWEtY3Vyc29y', 'cursor'],
  ])('answers 400 to %s', async (_label, query, named) => {
    // Act
    const answer = await history(query);
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toContain(named);
  });
});

describe('Function: readSettings() against the store', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sees a change made through the admin API once its 30 s cache expires, not before', async () => {
    // Prepare: only Date is faked; the SDK's own timers stay real.
    vi.useFakeTimers({ toFake: ['Date'] });
    const before = await readSettings();
    // Act
    const put = await putSettings({ pending_conflicts_threshold: 7 });
    const cached = await readSettings();
    vi.setSystemTime(Date.now() + 30_000);
    const refreshed = await readSettings();
    // Assess
    expect(put.status).toBe(200);
    expect(before.pending_conflicts_threshold).toBe(100);
    expect(cached.pending_conflicts_threshold).toBe(100);
    expect(refreshed.pending_conflicts_threshold).toBe(7);
  });
});
