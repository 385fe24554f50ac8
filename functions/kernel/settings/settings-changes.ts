import { isDeepStrictEqual } from 'node:util';
import * as z from '../validation.js';
import {
  DEFAULT_SETTINGS,
  SETTING_KEYS,
  type SettingKey,
  type Settings,
  type SettingsUpdate,
  settingValues,
} from './settings-schema.js';

/**
 * The pure part of settings: effective values from what is stored, and what
 * a PUT changes. The store keeps only the keys an operator has set (each as
 * given); everything else follows the defaults, so a default changed in a
 * later release reaches every key nobody has set.
 */

/** The stored values: the keys an operator has set, each as given (validated when written). */
export type StoredSettingValues = Readonly<Record<string, unknown>>;

/** One key's change, as the audit keeps it: effective values before and after. */
export interface SettingChange {
  readonly key: SettingKey;
  readonly old_value: unknown;
  readonly new_value: unknown;
}

/** What a PUT leads to: the values to store, the changes to audit, and the settings that result. */
export interface SettingsUpdateResult {
  readonly values: StoredSettingValues;
  readonly changes: readonly SettingChange[];
  readonly settings: Settings;
}

/**
 * A key's effective value for what is stored under it (undefined: nothing).
 * `max_sync_lag_minutes` is the one key merged over its default, since each
 * entry is a fallback-able number per integration; every other key is
 * replaced whole (an operator can, for one, drop a default carrier).
 */
const effectiveValue = <K extends SettingKey>(key: K, stored: Settings[K] | undefined): Settings[K] => {
  // A copy: callers may freeze what they get (read-settings does), and the defaults must stay as they are.
  if (stored === undefined) return structuredClone(DEFAULT_SETTINGS[key]);
  if (key === 'max_sync_lag_minutes') {
    const lags = stored as Settings['max_sync_lag_minutes'];
    return { ...DEFAULT_SETTINGS.max_sync_lag_minutes, ...lags } as Settings[K];
  }
  return stored;
};

/**
 * The effective settings for stored values. A stored value that no longer
 * passes the schema (a bound tightened in a later release) is not used: its
 * key falls back to the default and is reported in `invalidKeys`, so the
 * caller can log it; a stored key that is no longer a setting is ignored.
 *
 * @example
 * const { settings } = effectiveSettings({ conflict_window_seconds: 90 });
 * settings.conflict_window_seconds; // 90
 * settings.error_threshold_per_hour; // 5, the default
 */
const effectiveSettings = (
  stored: StoredSettingValues | undefined,
): { readonly settings: Settings; readonly invalidKeys: readonly SettingKey[] } => {
  const settings: Record<string, unknown> = {};
  const invalidKeys: SettingKey[] = [];
  for (const key of SETTING_KEYS) {
    const raw = stored?.[key];
    if (raw === undefined) {
      settings[key] = effectiveValue(key, undefined);
      continue;
    }
    const parsed = z.safeParse(settingValues[key], raw);
    if (!parsed.success) invalidKeys.push(key);
    settings[key] = effectiveValue(key, parsed.success ? (parsed.data as Settings[typeof key]) : undefined);
  }
  return { settings: settings as Settings, invalidKeys };
};

/**
 * Applies a validated PUT body to stored values: each key given replaces
 * that key's stored value, `null` removes it (back to the default), keys
 * not given stay. A key whose effective value does not change is no change:
 * nothing is stored for it and nothing audited, so setting a key to what it
 * already is leaves no trace. (One exception: a stored value the schema no
 * longer accepts is overwritten, without an audit entry when the effective
 * value stays; compare `values` with what was stored to know whether to
 * write.)
 *
 * @example
 * const { changes } = applySettingsUpdate({}, { conflict_window_seconds: 90 });
 * // [{ key: 'conflict_window_seconds', old_value: 60, new_value: 90 }]
 */
const applySettingsUpdate = (stored: StoredSettingValues | undefined, update: SettingsUpdate): SettingsUpdateResult => {
  const { settings: current, invalidKeys } = effectiveSettings(stored);
  const values: Record<string, unknown> = { ...stored };
  const changes: SettingChange[] = [];
  for (const key of SETTING_KEYS) {
    const given = update[key];
    if (given === undefined) continue;
    const replacement = given === null ? undefined : given;
    const next = effectiveValue(key, replacement);
    const changed = !isDeepStrictEqual(next, current[key]);
    if (changed) changes.push({ key, old_value: current[key], new_value: next });
    // A stored value the schema no longer accepts is replaced even when the effective value stays.
    if (!changed && !invalidKeys.includes(key)) continue;
    if (replacement === undefined) delete values[key];
    else values[key] = replacement;
  }
  return { values, changes, settings: effectiveSettings(values).settings };
};

export { applySettingsUpdate, effectiveSettings };
