import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { isTransactionConflict, refusalOf } from '../aws/condition-failure.js';
import { dynamo } from '../aws/dynamo-client.js';
import { tableName } from '../aws/resource-names.js';
import { type SettingChange, type SettingsUpdateResult, applySettingsUpdate } from './settings-changes.js';
import { CURRENT_SETTINGS_KEY, SETTINGS_AUDIT_PK } from './settings-keys.js';
import type { Settings, SettingsUpdate } from './settings-schema.js';
import { getStoredSettings } from './stored-settings.js';

/** What a PUT did: the settings now in force, the changes written (none: nothing was written). */
export interface SettingsWriteResult {
  readonly settings: Settings;
  readonly changes: readonly SettingChange[];
  readonly version: number;
  readonly updated_at?: string;
}

/** Who asked for a change, as far as the request tells: kept on each audit entry. */
export interface ChangeOrigin {
  /** API Gateway's request id, to find the call in the access logs. */
  readonly requestId?: string;
}

/**
 * Thrown when other changes won the race for the settings item on every
 * attempt; nothing of this change was written. The admin API answers 409.
 *
 * @example
 * catch (error) { if (error instanceof SettingsBusyError) throw new HttpError(409, error.message); throw error; }
 */
class SettingsBusyError extends Error {
  constructor(attempts: number) {
    super(`The settings were changed by other requests at the same time, ${attempts} times in a row; try again`);
    this.name = 'SettingsBusyError';
  }
}

/** Attempts before giving up: each lost race costs one read and one transaction. */
const MAX_ATTEMPTS = 5;

/**
 * An audit sort key: `<ISO time>#<version, 10 digits>#<key>`. Time first, so
 * the history reads newest first and can be cut by time; the version breaks
 * ties within a millisecond in the order the changes really happened, and
 * with the key makes the sort key unique (one change per version).
 */
const auditSortKey = (at: string, version: number, key: string): string =>
  `${at}#${String(version).padStart(10, '0')}#${key}`;

/**
 * The time of a change: now, but never before the change it follows, so a
 * container whose clock lags a little cannot sort its change before the
 * previous one.
 */
const changeTime = (now: Date, previous: string | undefined): string => {
  const at = now.toISOString();
  return previous !== undefined && previous > at ? previous : at;
};

/**
 * One change as one transaction: the current item, on condition that it
 * still has the version the change was computed from, and one audit entry
 * per changed key. Either all of it lands or none of it. Audit entries
 * carry no `expires_at`: changes are rare and small, and the trail is what
 * tells why a tool behaved as it did months later.
 */
const writeChange = async (
  readVersion: number,
  result: SettingsUpdateResult,
  at: string,
  origin: ChangeOrigin,
): Promise<void> => {
  const table = tableName('control');
  const version = readVersion + 1;
  await dynamo().send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: table,
            Key: CURRENT_SETTINGS_KEY,
            UpdateExpression: 'SET #values = :values, #version = :version, #updated_at = :at',
            // Version 0 is no item at all: the first change creates it, and only one first change can.
            ConditionExpression: readVersion === 0 ? 'attribute_not_exists(pk)' : '#version = :read',
            ExpressionAttributeNames: { '#values': 'values', '#version': 'version', '#updated_at': 'updated_at' },
            ExpressionAttributeValues: {
              ':values': result.values,
              ':version': version,
              ':at': at,
              ...(readVersion === 0 ? {} : { ':read': readVersion }),
            },
          },
        },
        ...result.changes.map((change) => ({
          Put: {
            TableName: table,
            Item: {
              pk: SETTINGS_AUDIT_PK,
              sk: auditSortKey(at, version, change.key),
              key: change.key,
              old_value: change.old_value,
              new_value: change.new_value,
              changed_at: at,
              version,
              ...(origin.requestId ? { request_id: origin.requestId } : {}),
            },
          },
        })),
      ],
    }),
  );
};

/**
 * Whether a transaction failed only because another change got there first:
 * the version condition failed, or DynamoDB cancelled it for a concurrent
 * transaction on the same item.
 */
const lostRace = (error: unknown): boolean =>
  (refusalOf(error)?.failedItems.length ?? 0) > 0 || isTransactionConflict(error);

/**
 * Applies a validated PUT body: reads the current item, computes the
 * changes (`applySettingsUpdate`), and writes them in one transaction on
 * condition of the version read. When another change won in between, it
 * reads again and applies the body to what is there now, so two concurrent
 * PUTs of different keys both land and each audit entry's old value is the
 * one really replaced. Nothing is written when nothing changes.
 *
 * @throws SettingsBusyError when the race is lost {@link MAX_ATTEMPTS} times.
 * @example
 * const { settings, changes } = await updateSettings({ conflict_window_seconds: 90 }, { requestId });
 */
const updateSettings = async (
  update: SettingsUpdate,
  origin: ChangeOrigin = {},
  now: () => Date = () => new Date(),
): Promise<SettingsWriteResult> => {
  for (let attempt = 1; ; attempt++) {
    const stored = await getStoredSettings();
    const result = applySettingsUpdate(stored.values, update);
    if (isDeepStrictEqual(result.values, stored.values)) {
      const { version, updated_at } = stored;
      return { settings: result.settings, changes: [], version, ...(updated_at ? { updated_at } : {}) };
    }
    const at = changeTime(now(), stored.updated_at);
    try {
      await writeChange(stored.version, result, at, origin);
      return { settings: result.settings, changes: result.changes, version: stored.version + 1, updated_at: at };
    } catch (error) {
      if (!lostRace(error)) throw error;
      if (attempt >= MAX_ATTEMPTS) throw new SettingsBusyError(attempt);
      // A short random pause, so that racing writers do not collide again in step.
      await sleep(Math.floor(Math.random() * 25 * attempt));
    }
  }
};

export { SettingsBusyError, updateSettings };
