import { lazySchemas } from '../lazy-schemas.js';
import * as z from '../validation.js';

/**
 * The run-time settings (the seed's "bot memory"): one schema, with a
 * default for every key, that an operator edits through `/admin/settings`
 * without a redeploy and every function reads through `read-settings.ts`.
 *
 * Every key is listed here and nowhere else. The objects are strict, so a
 * key that is not a setting is refused: that is also what keeps secrets out
 * (they live in Secrets Manager, offline in the environment).
 */

/**
 * The systems we sync with, as settings name them: the priority source of a
 * conflict, the integrations that have a sync lag. A closed list, so that a
 * typo (`cmr`) is refused rather than silently never read; a new system is
 * added here.
 *
 * @example
 * SYNC_SYSTEMS.includes(source); // whether settings can name it
 */
const SYNC_SYSTEMS = ['crm', 'erp', 'ecommerce', 'pos', 'wms', 'hr', 'idp', 'directory'] as const;

/**
 * The lag any integration without its own entry in `max_sync_lag_minutes`
 * is allowed; read it through `maxSyncLagMinutes()` (setting-lookups.ts).
 *
 * @example
 * lags[integration] ?? DEFAULT_MAX_SYNC_LAG_MINUTES;
 */
const DEFAULT_MAX_SYNC_LAG_MINUTES = 30;

/**
 * The placeholder every carrier tracking template must hold, filled with
 * the shipment's tracking number by `trackingUrl()` (setting-lookups.ts).
 *
 * @example
 * template.replaceAll(TRACKING_NUMBER, encodeURIComponent(number));
 */
const TRACKING_NUMBER = '{tracking_number}';

/** A whole number between `min` and `max`, both included. */
const wholeNumber = (min: number, max: number) => z.int().check(z.gte(min), z.lte(max));

const syncSystem = () => z.enum(SYNC_SYSTEMS);

/** Up to a week: beyond that a lag alert is no longer an alert. */
const lagMinutes = () => wholeNumber(1, 10_080);

const recipientList = () =>
  z.array(z.email()).check(
    z.maxLength(50),
    z.refine((list) => new Set(list).size === list.length, 'lists an address twice'),
  );

/** An https URL once `{tracking_number}` is filled in, and it must be there to be filled in. */
const isTrackingTemplate = (template: string): boolean => {
  if (!template.includes(TRACKING_NUMBER)) return false;
  try {
    const url = new URL(template.replaceAll(TRACKING_NUMBER, '1Z999'));
    return url.protocol === 'https:' && url.hostname !== '';
  } catch {
    return false;
  }
};

const trackingTemplate = () =>
  z
    .string()
    .check(
      z.maxLength(500),
      z.refine(isTrackingTemplate, `must be an https URL template that contains ${TRACKING_NUMBER}`),
    );

const carrierName = () => z.string().check(z.regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'must be a lower-case carrier name'));

const carrierTrackingUrls = () =>
  z
    .record(carrierName(), trackingTemplate())
    .check(z.refine((urls) => Object.keys(urls).length <= 50, 'holds more than 50 carriers'));

/** An https URL with no trailing slash, so paths join to it as `${url}/conflicts/<id>`. */
const isConsoleUrl = (value: string): boolean => {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname !== '' && !value.endsWith('/');
  } catch {
    return false;
  }
};

/**
 * The field groups of a person (user sync), each owned by one source: HR
 * (`hr`) or the identity provider (`idp`). A change from the other source
 * leaves the field as it is and is logged as ignored.
 *
 * @example
 * USER_FIELD_GROUPS.map((group) => [group, owners[group]]);
 */
const USER_FIELD_GROUPS = [
  'name',
  'title',
  'department',
  'manager',
  'location',
  'employee_number',
  'employment_dates',
  'user_name',
  'emails',
  'groups',
  'active',
] as const;

const fieldOwner = () => z.enum(['hr', 'idp']);

/** Every group named every time (like `recipients`), so changing one owner never drops another by omission. */
const userFieldOwners = () => {
  const owner = fieldOwner();
  return z.strictObject(
    Object.fromEntries(USER_FIELD_GROUPS.map((group) => [group, owner])) as Record<
      (typeof USER_FIELD_GROUPS)[number],
      ReturnType<typeof fieldOwner>
    >,
  );
};

const consoleUrl = () =>
  z.string().check(z.maxLength(500), z.refine(isConsoleUrl, 'must be an https URL without a trailing slash'));

/**
 * The value schema of each key, the one place a setting is declared.
 * `max_sync_lag_minutes` holds only the integrations that differ from the
 * fallback; `recipients` names all four roles every time, so that changing
 * one list never empties another by omission.
 *
 * @example
 * z.safeParse(settingValues.conflict_window_seconds, 90).success; // true
 */
const settingValues = lazySchemas({
  /** Minutes an integration may go without a successful sync before the sync monitor alerts. */
  max_sync_lag_minutes: () => z.partialRecord(syncSystem(), lagMinutes()),
  /** The system whose side wins a conflict inside the conflict window; null: no automatic winner. */
  sync_priority_source: () => z.nullable(syncSystem()),
  /** Two changes to one record from two sides within this many seconds are a conflict. */
  conflict_window_seconds: () => wholeNumber(0, 86_400),
  /** The sync monitor alerts when an integration logs more errors than this in an hour. */
  error_threshold_per_hour: () => wholeNumber(0, 100_000),
  /** The sync monitor alerts when more conflicts than this wait for a decision. */
  pending_conflicts_threshold: () => wholeNumber(0, 1_000_000),
  /** The sync monitor alerts when more messages than this wait on a queue. */
  queue_depth_threshold: () => wholeNumber(0, 10_000_000),
  /** The sync monitor pages (PagerDuty) at most once in this many minutes, so a flapping status does not page on every turn. */
  alert_quiet_minutes: () => wholeNumber(0, 1_440),
  /** Who receives which mails. */
  recipients: () => {
    const list = recipientList();
    return z.strictObject({ sales: list, purchasing: list, data_admin: list, ops: list });
  },
  /** Tracking link per carrier, `{tracking_number}` filled in (ERP shipping mails). */
  carrier_tracking_urls: carrierTrackingUrls,
  /** The operators' console, for links in messages (a conflict's page); null: messages name the admin API instead. */
  console_url: () => z.nullable(consoleUrl()),
  /** Who owns each field group of a person in user sync: `hr` or `idp` (an HR termination deactivates whoever owns `active`). */
  user_field_owners: userFieldOwners,
});

/**
 * The name of every setting, in the order they are listed, applied and
 * audited.
 *
 * @example
 * const shown = SETTING_KEYS.map((key) => [key, settings[key]]);
 */
const SETTING_KEYS = Object.keys(settingValues) as SettingKey[];

/** A key of a PUT body: its new value, or `null` for its default. */
const resettable = <S extends z.Schema>(schema: S) => z.optional(z.nullable(schema));

/**
 * A PUT body: the keys to change, each with its new value (it replaces the
 * old one whole) or `null` (back to the default). Unknown keys are refused,
 * naming them and the keys that exist, which is what keeps secrets out.
 *
 * @example
 * const update = parseOr400(settingsUpdateSchema, readJsonBody(event), 'settings');
 */
const settingsUpdateSchema = z.lazy(() =>
  z.strictObject(
    {
      max_sync_lag_minutes: resettable(settingValues.max_sync_lag_minutes),
      sync_priority_source: resettable(settingValues.sync_priority_source),
      conflict_window_seconds: resettable(settingValues.conflict_window_seconds),
      error_threshold_per_hour: resettable(settingValues.error_threshold_per_hour),
      pending_conflicts_threshold: resettable(settingValues.pending_conflicts_threshold),
      queue_depth_threshold: resettable(settingValues.queue_depth_threshold),
      alert_quiet_minutes: resettable(settingValues.alert_quiet_minutes),
      recipients: resettable(settingValues.recipients),
      carrier_tracking_urls: resettable(settingValues.carrier_tracking_urls),
      console_url: resettable(settingValues.console_url),
      user_field_owners: resettable(settingValues.user_field_owners),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `${issue.keys.map((key) => `"${key}"`).join(', ')} ${issue.keys.length === 1 ? 'is not a setting' : 'are not settings'} (settings: ${Object.keys(settingValues).join(', ')})`
          : undefined,
    },
  ),
);

/** The settings every function works with: each key's effective value. */
export type Settings = { [K in SettingKey]: z.output<(typeof settingValues)[K]> };
/** The name of one setting. */
export type SettingKey = keyof typeof settingValues;
/** A validated PUT body. */
export type SettingsUpdate = z.output<typeof settingsUpdateSchema>;
/** A system settings can name. */
export type SyncSystem = (typeof SYNC_SYSTEMS)[number];
/** A field group of a person (user sync). */
export type UserFieldGroup = (typeof USER_FIELD_GROUPS)[number];
/** Who owns each field group. */
export type UserFieldOwners = Settings['user_field_owners'];
/** A role mails go to. */
export type RecipientRole = keyof Settings['recipients'];

/**
 * What every key holds until an operator changes it. `max_sync_lag_minutes`
 * lists only the integrations whose lag differs from
 * {@link DEFAULT_MAX_SYNC_LAG_MINUTES}; stored entries are merged over these.
 *
 * @example
 * DEFAULT_SETTINGS.conflict_window_seconds; // 60
 */
const DEFAULT_SETTINGS: Settings = {
  max_sync_lag_minutes: { crm: 30, erp: 15 },
  sync_priority_source: null,
  conflict_window_seconds: 60,
  error_threshold_per_hour: 5,
  pending_conflicts_threshold: 100,
  queue_depth_threshold: 1000,
  alert_quiet_minutes: 30,
  recipients: { sales: [], purchasing: [], data_admin: [], ops: [] },
  carrier_tracking_urls: {
    ups: 'https://www.ups.com/track?tracknum={tracking_number}',
    fedex: 'https://www.fedex.com/fedextrack/?trknbr={tracking_number}',
    dhl: 'https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id={tracking_number}',
    usps: 'https://tools.usps.com/go/TrackConfirmAction?tLabels={tracking_number}',
  },
  console_url: null,
  user_field_owners: {
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
};

export {
  DEFAULT_MAX_SYNC_LAG_MINUTES,
  DEFAULT_SETTINGS,
  SETTING_KEYS,
  SYNC_SYSTEMS,
  TRACKING_NUMBER,
  USER_FIELD_GROUPS,
  settingValues,
  settingsUpdateSchema,
};
