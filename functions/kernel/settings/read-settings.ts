import { logger } from '../observability.js';
import { effectiveSettings } from './settings-changes.js';
import type { Settings } from './settings-schema.js';
import { getStoredSettings } from './stored-settings.js';

/**
 * How a function reads the run-time settings: defaults merged with what an
 * operator has set, cached in the container for at most 30 s, so a change
 * made through `PUT /admin/settings` applies everywhere within 30 s without
 * a redeploy, and a busy function costs one GetItem per 30 s, not one per
 * event.
 */
const MAX_CACHE_SECONDS = 30;

let cached: { readonly settings: Settings; readonly readAt: number } | undefined;
let reading: Promise<Settings> | undefined;
let warnedAboutCacheVariable = false;

/**
 * `SETTINGS_CACHE_SECONDS` may shorten the cache (0: read every time), never
 * lengthen it: 30 s is the promise made to the operator.
 */
const cacheMilliseconds = (): number => {
  const raw = process.env.SETTINGS_CACHE_SECONDS;
  if (raw === undefined || raw.trim() === '') return MAX_CACHE_SECONDS * 1000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0) {
    if (!warnedAboutCacheVariable) logger.warn('SETTINGS_CACHE_SECONDS is not a number of seconds; using 30', { raw });
    warnedAboutCacheVariable = true;
    return MAX_CACHE_SECONDS * 1000;
  }
  return Math.min(seconds, MAX_CACHE_SECONDS) * 1000;
};

/** Frozen, because every caller in the container shares the one cached object. */
const deepFreeze = <T>(value: T): T => {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
};

const refresh = async (): Promise<Settings> => {
  // The age counts from before the read, so no value is served more than 30 s after it was current.
  const startedAt = Date.now();
  try {
    const stored = await getStoredSettings();
    const { settings, invalidKeys } = effectiveSettings(stored.values);
    if (invalidKeys.length > 0) {
      logger.warn('stored settings the schema refuses are ignored; their defaults apply', {
        keys: invalidKeys,
        version: stored.version,
      });
    }
    cached = { settings: deepFreeze(settings), readAt: startedAt };
    return cached.settings;
  } catch (error) {
    // Last known values beat defaults (which could, say, mail nobody); with none, the caller fails and is retried.
    if (!cached) throw error;
    logger.warn('settings could not be read; using the last values read', {
      error,
      age_seconds: Math.round((Date.now() - cached.readAt) / 1000),
    });
    return cached.settings;
  }
};

/**
 * The settings in force, at most 30 s old (less with
 * `SETTINGS_CACHE_SECONDS`). The object is frozen and shared: read it,
 * never change it. If the store cannot be read, the last values read are
 * used (and the failure logged; the next call tries the store again); if
 * none were read yet, the error is thrown, so the event is retried rather
 * than handled with defaults an operator may have changed.
 *
 * @example
 * const settings = await readSettings();
 * if (pending > settings.pending_conflicts_threshold) await alert(...);
 */
const readSettings = async (): Promise<Settings> => {
  if (cached && Date.now() - cached.readAt < cacheMilliseconds()) return cached.settings;
  // Concurrent callers (a batch handled with Promise.all) share one read.
  reading ??= refresh().finally(() => {
    reading = undefined;
  });
  return reading;
};

export { readSettings };
