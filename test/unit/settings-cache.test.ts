import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Settings } from '../../functions/kernel/settings/settings-schema.js';

/**
 * The functions' read of the settings, with DynamoDB replaced by a script
 * of answers and the clock by fake timers: the cache, its 30 s bound, and
 * what happens when the store cannot be read. That a change made through
 * the admin API shows after the cache expires is the integration test's job
 * (test/integration/admin-settings.test.ts).
 */
const send = vi.hoisted(() => vi.fn());
vi.mock('../../functions/kernel/aws/dynamo-client.js', () => ({ dynamo: () => ({ send }) }));

const NOW = Date.parse('2026-11-24T12:00:00Z');
const ENV = { ...process.env };

const storedItem = (values: Record<string, unknown>, version = 1) => ({
  Item: { pk: 'SETTINGS', sk: 'CURRENT', values, version, updated_at: '2026-11-24T11:00:00.000Z' },
});

/** A fresh module each test: the cache is module state, as in a fresh Lambda container. */
const freshReadSettings = async (): Promise<() => Promise<Settings>> => {
  vi.resetModules();
  return (await import('../../functions/kernel/settings/read-settings.js')).readSettings;
};

describe('Function: readSettings()', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
    process.env.CONTROL_TABLE = 'control-test';
    delete process.env.SETTINGS_CACHE_SECONDS;
    send.mockReset();
  });

  afterEach(() => {
    vi.useRealTimers();
    process.env = { ...ENV };
  });

  it('reads the current item strongly consistent and merges it over the defaults', async () => {
    // Prepare
    send.mockResolvedValue(storedItem({ conflict_window_seconds: 90 }));
    const readSettings = await freshReadSettings();
    // Act
    const settings = await readSettings();
    // Assess
    expect(settings.conflict_window_seconds).toBe(90);
    expect(settings.error_threshold_per_hour).toBe(5);
    expect(send).toHaveBeenCalledOnce();
    expect(send.mock.calls[0]?.[0].input).toEqual({
      TableName: 'control-test',
      Key: { pk: 'SETTINGS', sk: 'CURRENT' },
      ConsistentRead: true,
    });
  });

  it('gives the defaults while nothing has been stored', async () => {
    // Prepare
    send.mockResolvedValue({});
    const readSettings = await freshReadSettings();
    // Act
    const settings = await readSettings();
    // Assess
    expect(settings.max_sync_lag_minutes).toEqual({ crm: 30, erp: 15 });
    expect(settings.sync_priority_source).toBeNull();
  });

  it('does not read the store again within 30 s, and does after', async () => {
    // Prepare
    send.mockResolvedValueOnce(storedItem({ queue_depth_threshold: 10 }, 1));
    send.mockResolvedValueOnce(storedItem({ queue_depth_threshold: 20 }, 2));
    const readSettings = await freshReadSettings();
    await readSettings();
    // Act
    vi.advanceTimersByTime(29_999);
    const within = await readSettings();
    vi.advanceTimersByTime(1);
    const after = await readSettings();
    // Assess
    expect(within.queue_depth_threshold).toBe(10);
    expect(after.queue_depth_threshold).toBe(20);
    expect(send).toHaveBeenCalledTimes(2);
  });

  it.each([
    ['shortens the cache to SETTINGS_CACHE_SECONDS', '5', 5_000],
    ['reads every time with SETTINGS_CACHE_SECONDS=0', '0', 0],
    ['never keeps values longer than 30 s, whatever SETTINGS_CACHE_SECONDS says', '3600', 30_000],
    ['keeps 30 s when SETTINGS_CACHE_SECONDS is not a number', 'soon', 30_000],
  ])('%s', async (_label, variable, expiresAfterMs) => {
    // Prepare
    process.env.SETTINGS_CACHE_SECONDS = variable;
    send.mockResolvedValue(storedItem({}));
    const readSettings = await freshReadSettings();
    await readSettings();
    // Act
    if (expiresAfterMs > 0) {
      vi.advanceTimersByTime(expiresAfterMs - 1);
      await readSettings();
    }
    const readsBeforeExpiry = send.mock.calls.length;
    vi.advanceTimersByTime(1);
    await readSettings();
    // Assess
    expect(readsBeforeExpiry).toBe(1);
    expect(send).toHaveBeenCalledTimes(2);
  });

  it('shares one read among concurrent callers', async () => {
    // Prepare
    send.mockResolvedValue(storedItem({}));
    const readSettings = await freshReadSettings();
    // Act
    const all = await Promise.all([readSettings(), readSettings(), readSettings()]);
    // Assess
    expect(send).toHaveBeenCalledOnce();
    expect(all[1]).toBe(all[0]);
  });

  it('throws when the store cannot be read and nothing was read before, so the caller is retried', async () => {
    // Prepare
    send.mockRejectedValue(Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' }));
    const readSettings = await freshReadSettings();
    // Act & Assess
    await expect(readSettings()).rejects.toThrow('throttled');
  });

  it('keeps the last values read when the store cannot be read, and tries the store again next time', async () => {
    // Prepare
    send.mockResolvedValueOnce(storedItem({ error_threshold_per_hour: 12 }, 1));
    send.mockRejectedValueOnce(new Error('network down'));
    send.mockResolvedValueOnce(storedItem({ error_threshold_per_hour: 13 }, 2));
    const readSettings = await freshReadSettings();
    await readSettings();
    vi.advanceTimersByTime(30_000);
    // Act
    const duringOutage = await readSettings();
    const afterOutage = await readSettings();
    // Assess
    expect(duringOutage.error_threshold_per_hour).toBe(12);
    expect(afterOutage.error_threshold_per_hour).toBe(13);
    expect(send).toHaveBeenCalledTimes(3);
  });

  it('uses the default for a stored value the schema no longer accepts', async () => {
    // Prepare
    send.mockResolvedValue(storedItem({ pending_conflicts_threshold: -4, queue_depth_threshold: 3 }));
    const readSettings = await freshReadSettings();
    // Act
    const settings = await readSettings();
    // Assess
    expect(settings.pending_conflicts_threshold).toBe(100);
    expect(settings.queue_depth_threshold).toBe(3);
  });

  it('hands out a frozen object, so no caller can change what the others read', async () => {
    // Prepare
    send.mockResolvedValue(storedItem({}));
    const readSettings = await freshReadSettings();
    // The instance read-settings.js loaded, not one from before the module reset.
    const { DEFAULT_SETTINGS } = await import('../../functions/kernel/settings/settings-schema.js');
    // Act
    const settings = await readSettings();
    // Assess
    expect(Object.isFrozen(settings)).toBe(true);
    expect(Object.isFrozen(settings.recipients.ops)).toBe(true);
    expect(Object.isFrozen(DEFAULT_SETTINGS.recipients.ops)).toBe(false);
    expect(() => {
      (settings as { conflict_window_seconds: number }).conflict_window_seconds = 1;
    }).toThrow(TypeError);
  });
});
