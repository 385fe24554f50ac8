import { describe, expect, it } from 'vitest';
import { maxSyncLagMinutes, trackingUrl } from '../../functions/kernel/settings/setting-lookups.js';
import { applySettingsUpdate, effectiveSettings } from '../../functions/kernel/settings/settings-changes.js';
import { DEFAULT_SETTINGS } from '../../functions/kernel/settings/settings-schema.js';

/**
 * The pure part of settings: what is in force for what is stored, and what
 * a PUT body changes (and so what the audit records).
 */
const everyone = { sales: [], purchasing: [], data_admin: [], ops: [] };

describe('Function: effectiveSettings()', () => {
  it('gives the defaults when nothing is stored', () => {
    // Act
    const { settings, invalidKeys } = effectiveSettings(undefined);
    // Assess
    expect(settings).toEqual(DEFAULT_SETTINGS);
    expect(invalidKeys).toEqual([]);
  });

  it('merges stored sync lags over the default ones, entry by entry', () => {
    // Act
    const { settings } = effectiveSettings({ max_sync_lag_minutes: { erp: 45, pos: 10 } });
    // Assess
    expect(settings.max_sync_lag_minutes).toEqual({ crm: 30, erp: 45, pos: 10 });
  });

  it('replaces the default carriers whole, so an operator can drop one', () => {
    // Act
    const { settings } = effectiveSettings({
      carrier_tracking_urls: { dpd: 'https://dpd.example.com/{tracking_number}' },
    });
    // Assess
    expect(settings.carrier_tracking_urls).toEqual({ dpd: 'https://dpd.example.com/{tracking_number}' });
  });

  it('falls back to the default for a stored value the schema refuses, and says which key', () => {
    // Act
    const { settings, invalidKeys } = effectiveSettings({
      conflict_window_seconds: 10_000_000,
      queue_depth_threshold: 7,
    });
    // Assess
    expect(settings.conflict_window_seconds).toBe(60);
    expect(settings.queue_depth_threshold).toBe(7);
    expect(invalidKeys).toEqual(['conflict_window_seconds']);
  });

  it('ignores a stored key that is no longer a setting', () => {
    // Act
    const { settings } = effectiveSettings({ retired_setting: true });
    // Assess
    expect(settings).toEqual(DEFAULT_SETTINGS);
    expect(settings).not.toHaveProperty('retired_setting');
  });
});

describe('Function: applySettingsUpdate()', () => {
  it('records a change with the effective values before and after', () => {
    // Act
    const result = applySettingsUpdate({}, { conflict_window_seconds: 90 });
    // Assess
    expect(result.changes).toEqual([{ key: 'conflict_window_seconds', old_value: 60, new_value: 90 }]);
    expect(result.values).toEqual({ conflict_window_seconds: 90 });
    expect(result.settings.conflict_window_seconds).toBe(90);
  });

  it('leaves keys that are not given as they are', () => {
    // Act
    const result = applySettingsUpdate({ queue_depth_threshold: 50 }, { error_threshold_per_hour: 9 });
    // Assess
    expect(result.values).toEqual({ queue_depth_threshold: 50, error_threshold_per_hour: 9 });
    expect(result.changes.map((change) => change.key)).toEqual(['error_threshold_per_hour']);
  });

  it('resets a key to its default on null, dropping what was stored', () => {
    // Act
    const result = applySettingsUpdate(
      { conflict_window_seconds: 90, queue_depth_threshold: 50 },
      { conflict_window_seconds: null },
    );
    // Assess
    expect(result.values).toEqual({ queue_depth_threshold: 50 });
    expect(result.changes).toEqual([{ key: 'conflict_window_seconds', old_value: 90, new_value: 60 }]);
  });

  it('counts a key set to its current value as no change, and stores nothing for it', () => {
    // Act
    const same = applySettingsUpdate({ queue_depth_threshold: 50 }, { queue_depth_threshold: 50 });
    const asDefault = applySettingsUpdate({}, { conflict_window_seconds: 60, sync_priority_source: null });
    // Assess
    expect(same).toMatchObject({ changes: [], values: { queue_depth_threshold: 50 } });
    expect(asDefault).toMatchObject({ changes: [], values: {} });
  });

  it('counts a record as unchanged when only the order of its entries differs', () => {
    // Act
    const result = applySettingsUpdate(
      { max_sync_lag_minutes: { pos: 5, wms: 6 } },
      { max_sync_lag_minutes: { wms: 6, pos: 5 } },
    );
    // Assess
    expect(result.changes).toEqual([]);
  });

  it('replaces a stored sync-lag record whole: an entry left out goes back to its default', () => {
    // Act
    const result = applySettingsUpdate(
      { max_sync_lag_minutes: { crm: 5, pos: 20 } },
      { max_sync_lag_minutes: { pos: 20 } },
    );
    // Assess
    expect(result.changes).toEqual([
      {
        key: 'max_sync_lag_minutes',
        old_value: { crm: 5, erp: 15, pos: 20 },
        new_value: { crm: 30, erp: 15, pos: 20 },
      },
    ]);
  });

  it('sees no change in a sync lag set to what the default already gives', () => {
    // Act
    const result = applySettingsUpdate({}, { max_sync_lag_minutes: { erp: 15 } });
    // Assess
    expect(result.changes).toEqual([]);
  });

  it('changes one recipient list and records the whole recipients value before and after', () => {
    // Act
    const result = applySettingsUpdate({}, { recipients: { ...everyone, ops: ['ops@example.com'] } });
    // Assess
    expect(result.changes).toEqual([
      { key: 'recipients', old_value: everyone, new_value: { ...everyone, ops: ['ops@example.com'] } },
    ]);
  });

  it('lists the changes of several keys in the order of the schema', () => {
    // Act
    const result = applySettingsUpdate(
      {},
      { queue_depth_threshold: 1, sync_priority_source: 'crm', conflict_window_seconds: 5 },
    );
    // Assess
    expect(result.changes.map((change) => change.key)).toEqual([
      'sync_priority_source',
      'conflict_window_seconds',
      'queue_depth_threshold',
    ]);
  });

  it('overwrites a stored value the schema refuses, without an audit entry when the effective value stays', () => {
    // Act
    const result = applySettingsUpdate({ conflict_window_seconds: -3 }, { conflict_window_seconds: null });
    // Assess
    expect(result.changes).toEqual([]);
    expect(result.values).toEqual({});
  });

  it('does not change the stored values it was given', () => {
    // Prepare
    const stored = Object.freeze({ conflict_window_seconds: 90 });
    // Act
    applySettingsUpdate(stored, { conflict_window_seconds: null, queue_depth_threshold: 3 });
    // Assess
    expect(stored).toEqual({ conflict_window_seconds: 90 });
  });
});

describe('Function: maxSyncLagMinutes()', () => {
  it.each([
    ['crm', 30],
    ['erp', 15],
    ['wms', 30],
    ['a-system-settings-do-not-know', 30],
  ])('allows %s %i minutes by default', (integration, minutes) => {
    // Act & Assess
    expect(maxSyncLagMinutes(DEFAULT_SETTINGS, integration)).toBe(minutes);
  });

  it('takes an integration its own lag when one is set', () => {
    // Prepare
    const { settings } = effectiveSettings({ max_sync_lag_minutes: { wms: 90 } });
    // Act & Assess
    expect(maxSyncLagMinutes(settings, 'wms')).toBe(90);
    expect(maxSyncLagMinutes(settings, 'erp')).toBe(15);
  });
});

describe('Function: trackingUrl()', () => {
  it('fills the tracking number, URL-encoded, into the carrier template', () => {
    // Act
    const url = trackingUrl(DEFAULT_SETTINGS, 'UPS', '1Z 999&x');
    // Assess
    expect(url).toBe('https://www.ups.com/track?tracknum=1Z%20999%26x');
  });

  it('gives nothing for a carrier without a template', () => {
    // Act & Assess
    expect(trackingUrl(DEFAULT_SETTINGS, 'pigeon', '1')).toBeUndefined();
  });
});
