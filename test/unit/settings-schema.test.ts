import { describe, expect, it } from 'vitest';
import { parseOr400 } from '../../functions/kernel/http/parse-or-400.js';
import { HttpError } from '../../functions/kernel/http/responses.js';
import { effectiveSettings } from '../../functions/kernel/settings/settings-changes.js';
import {
  DEFAULT_SETTINGS,
  SETTING_KEYS,
  type SettingKey,
  settingValues,
  settingsUpdateSchema,
} from '../../functions/kernel/settings/settings-schema.js';
import * as z from '../../functions/kernel/validation.js';

/**
 * The one settings schema, key by key: the default, a value it takes and
 * one it refuses, with a 400 that names the key (and the part of it) that is
 * wrong, as `PUT /admin/settings` answers it.
 */
const refusalOf = (body: unknown): HttpError => {
  try {
    parseOr400(settingsUpdateSchema, body, 'settings');
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(body)} to be refused`);
};

const everyone = { sales: [], purchasing: [], data_admin: [], ops: [] };

interface KeyCase {
  readonly key: SettingKey;
  readonly fallback: unknown;
  readonly good: unknown;
  readonly bad: unknown;
  /** The start of the message's field path: the key, and where in its value it is wrong. */
  readonly named: string;
}

const cases: KeyCase[] = [
  {
    key: 'max_sync_lag_minutes',
    fallback: { crm: 30, erp: 15 },
    good: { pos: 60 },
    bad: { crm: 0 },
    named: 'max_sync_lag_minutes.crm',
  },
  { key: 'sync_priority_source', fallback: null, good: 'erp', bad: 'salesforce', named: 'sync_priority_source' },
  { key: 'conflict_window_seconds', fallback: 60, good: 120, bad: 1.5, named: 'conflict_window_seconds' },
  { key: 'error_threshold_per_hour', fallback: 5, good: 0, bad: -1, named: 'error_threshold_per_hour' },
  { key: 'pending_conflicts_threshold', fallback: 100, good: 250, bad: '100', named: 'pending_conflicts_threshold' },
  { key: 'queue_depth_threshold', fallback: 1000, good: 5000, bad: 10_000_001, named: 'queue_depth_threshold' },
  { key: 'alert_quiet_minutes', fallback: 30, good: 0, bad: 1441, named: 'alert_quiet_minutes' },
  {
    key: 'recipients',
    fallback: everyone,
    good: { ...everyone, ops: ['ops@example.com', 'oncall@example.com'] },
    bad: { ...everyone, sales: ['not-an-address'] },
    named: 'recipients.sales.0',
  },
  {
    key: 'carrier_tracking_urls',
    fallback: {
      ups: 'https://www.ups.com/track?tracknum={tracking_number}',
      fedex: 'https://www.fedex.com/fedextrack/?trknbr={tracking_number}',
      dhl: 'https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id={tracking_number}',
      usps: 'https://tools.usps.com/go/TrackConfirmAction?tLabels={tracking_number}',
    },
    good: { ups: 'https://track.example.com/ups/{tracking_number}' },
    bad: { ups: 'https://track.example.com/ups' },
    named: 'carrier_tracking_urls.ups',
  },
  {
    key: 'console_url',
    fallback: null,
    good: 'https://console.example.com',
    bad: 'http://console.example.com',
    named: 'console_url',
  },
  {
    key: 'user_field_owners',
    fallback: {
      name: 'hr',
      title: 'hr',
      department: 'hr',
      manager: 'hr',
      location: 'hr',
      employee_number: 'hr',
      employment_dates: 'hr',
      user_name: 'idp',
      emails: 'idp',
      groups: 'idp',
      active: 'idp',
    },
    good: {
      name: 'idp',
      title: 'hr',
      department: 'hr',
      manager: 'hr',
      location: 'hr',
      employee_number: 'hr',
      employment_dates: 'hr',
      user_name: 'idp',
      emails: 'idp',
      groups: 'idp',
      active: 'idp',
    },
    bad: {
      name: 'crm',
      title: 'hr',
      department: 'hr',
      manager: 'hr',
      location: 'hr',
      employee_number: 'hr',
      employment_dates: 'hr',
      user_name: 'idp',
      emails: 'idp',
      groups: 'idp',
      active: 'idp',
    },
    named: 'user_field_owners.name',
  },
];

describe('Settings schema', () => {
  it('has a case below for every key, so none goes untested', () => {
    // Assess
    expect(cases.map((c) => c.key)).toEqual(SETTING_KEYS);
  });

  describe.each(cases)('$key', ({ key, fallback, good, bad, named }) => {
    it('defaults to the documented value, which its own schema accepts', () => {
      // Act
      const { settings } = effectiveSettings({});
      // Assess
      expect(DEFAULT_SETTINGS[key]).toEqual(fallback);
      expect(settings[key]).toEqual(fallback);
      expect(z.safeParse(settingValues[key], fallback).success).toBe(true);
    });

    it('accepts a good value', () => {
      // Act
      const parsed = parseOr400(settingsUpdateSchema, { [key]: good }, 'settings');
      // Assess
      expect(parsed).toEqual({ [key]: good });
    });

    it('refuses a bad value with a 400 naming the key', () => {
      // Act
      const refusal = refusalOf({ [key]: bad });
      // Assess
      expect(refusal.statusCode).toBe(400);
      expect(refusal.message).toMatch(new RegExp(`^Invalid settings: ${named.replaceAll('.', '\\.')}: `));
    });

    it('takes null as "back to the default"', () => {
      // Act
      const parsed = parseOr400(settingsUpdateSchema, { [key]: null }, 'settings');
      // Assess
      expect(parsed).toEqual({ [key]: null });
    });
  });

  it('refuses a key that is not a setting, naming it and the keys that are', () => {
    // Act
    const refusal = refusalOf({ conflict_window_seconds: 90, crm_api_key: 'sk_live_123' });
    // Assess
    expect(refusal.statusCode).toBe(400);
    expect(refusal.message).toContain('"crm_api_key" is not a setting');
    expect(refusal.message).toContain('conflict_window_seconds');
  });

  it('refuses an integration that is not a system we sync with in max_sync_lag_minutes', () => {
    // Act
    const refusal = refusalOf({ max_sync_lag_minutes: { cmr: 20 } });
    // Assess
    expect(refusal.message).toContain('max_sync_lag_minutes');
    expect(refusal.message).toContain('cmr');
  });

  it('refuses recipients that leave a role out, so one list is never emptied by omission', () => {
    // Act
    const refusal = refusalOf({ recipients: { ops: ['ops@example.com'] } });
    // Assess
    expect(refusal.message).toContain('recipients.sales');
  });

  it('refuses an address listed twice for one role', () => {
    // Act
    const refusal = refusalOf({ recipients: { ...everyone, ops: ['a@example.com', 'a@example.com'] } });
    // Assess
    expect(refusal.message).toContain('recipients.ops: lists an address twice');
  });

  it.each([
    ['plain http', 'http://track.example.com/{tracking_number}'],
    ['no URL at all', 'call us about {tracking_number}'],
    ['a script URL', 'javascript:alert("{tracking_number}")'],
  ])('refuses a tracking template with %s', (_label, template) => {
    // Act
    const refusal = refusalOf({ carrier_tracking_urls: { ups: template } });
    // Assess
    expect(refusal.message).toContain('carrier_tracking_urls.ups: must be an https URL template');
  });

  it.each([
    ['plain http', 'http://console.example.com'],
    ['a trailing slash', 'https://console.example.com/'],
    ['no URL at all', 'the console'],
  ])('refuses a console URL with %s', (_label, url) => {
    // Act
    const refusal = refusalOf({ console_url: url });
    // Assess
    expect(refusal.message).toContain('console_url: must be an https URL without a trailing slash');
  });

  it('reports every bad key of one body, not only the first', () => {
    // Act
    const refusal = refusalOf({ conflict_window_seconds: -1, queue_depth_threshold: 'many' });
    // Assess
    expect(refusal.message).toContain('conflict_window_seconds');
    expect(refusal.message).toContain('queue_depth_threshold');
  });
});
