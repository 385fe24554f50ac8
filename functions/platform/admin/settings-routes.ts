import { parseOr400 } from '../../kernel/http/parse-or-400.js';
import { opaqueCursor, pageLimit } from '../../kernel/http/paging.js';
import { HttpError, json } from '../../kernel/http/responses.js';
import { storableOr400 } from '../../kernel/http/storable.js';
import { logger } from '../../kernel/observability.js';
import { effectiveSettings } from '../../kernel/settings/settings-changes.js';
import { listSettingsHistory } from '../../kernel/settings/settings-history.js';
import { DEFAULT_SETTINGS, SETTING_KEYS, settingsUpdateSchema } from '../../kernel/settings/settings-schema.js';
import { SettingsBusyError, updateSettings } from '../../kernel/settings/settings-store.js';
import { getStoredSettings } from '../../kernel/settings/stored-settings.js';
import * as z from '../../kernel/validation.js';
import { readJsonBody } from '../../kernel/http/json-body.js';
import type { AdminRoutes } from './admin-route.js';

/**
 * The run-time settings, read and changed by an operator: the settings in
 * force with their defaults, a change of some keys, and the audit of every
 * change. Reads here bypass the functions' 30 s cache: the operator sees
 * what is stored the moment it is written.
 */
const DEFAULT_HISTORY_LIMIT = 100;
const MAX_HISTORY_LIMIT = 1000;

// Built on first use, not at import: a cold start should not pay for schemas
// its first request may never use (issue 15); z.lazy keeps each one schema.
const historyQuery = z.lazy(() =>
  z.object({
    key: z.optional(z.enum(SETTING_KEYS)),
    limit: pageLimit(DEFAULT_HISTORY_LIMIT, MAX_HISTORY_LIMIT),
    cursor: z.optional(z.string().check(z.maxLength(300))),
  }),
);

/** An audit sort key: `<ISO time>#<version, 10 digits>#<setting>`. */
const AUDIT_SORT_KEY = /^\d{4}-\d\d-\d\dT[\d:.]+Z#\d{10}#[a-z_]+$/;

/** The cursor is the sort key of the last entry served. */
const historyCursor = opaqueCursor(
  'after',
  (after): after is string => typeof after === 'string' && AUDIT_SORT_KEY.test(after),
);

/**
 * `GET /admin/settings`, `PUT /admin/settings` and
 * `GET /admin/settings/history`, merged into the admin API's routes.
 *
 * @example
 * const routes: AdminRoutes = { ...recordRoutes, ...settingsRoutes, ...scheduleRoutes };
 */
const settingsRoutes: AdminRoutes = {
  'GET /admin/settings': async () => {
    const stored = await getStoredSettings();
    const { settings, invalidKeys } = effectiveSettings(stored.values);
    if (invalidKeys.length > 0) logger.warn('stored settings the schema refuses are ignored', { keys: invalidKeys });
    return json(200, {
      settings,
      defaults: DEFAULT_SETTINGS,
      version: stored.version,
      updated_at: stored.updated_at ?? null,
    });
  },
  'PUT /admin/settings': async (event) => {
    const update = storableOr400(parseOr400(settingsUpdateSchema, readJsonBody(event), 'settings'), {
      what: 'settings',
    });
    if (Object.keys(update).length === 0) {
      throw new HttpError(400, `Invalid settings: name at least one setting to change (${SETTING_KEYS.join(', ')})`);
    }
    try {
      const result = await updateSettings(update, { requestId: event.requestContext?.requestId });
      const changed = result.changes.map((change) => change.key);
      if (changed.length > 0) logger.info('settings changed', { keys: changed, version: result.version });
      return json(200, {
        settings: result.settings,
        changed,
        version: result.version,
        updated_at: result.updated_at ?? null,
      });
    } catch (error) {
      if (error instanceof SettingsBusyError) throw new HttpError(409, error.message);
      throw error;
    }
  },
  'GET /admin/settings/history': async (event) => {
    const { key, limit, cursor } = parseOr400(historyQuery, event.queryStringParameters ?? {}, 'query');
    const page = await listSettingsHistory({
      limit,
      ...(key ? { key } : {}),
      ...(cursor === undefined ? {} : { after: historyCursor.decode(cursor) }),
    });
    return json(200, {
      items: page.items,
      ...(page.nextAfter === undefined ? {} : { cursor: historyCursor.encode(page.nextAfter) }),
    });
  },
};

export { settingsRoutes, historyQuery as settingsHistoryQuery };
