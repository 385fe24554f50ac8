import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamo-client.js';
import { tableName } from '../aws/resource-names.js';
import type { StoredSettingValues } from './settings-changes.js';
import { CURRENT_SETTINGS_KEY } from './settings-keys.js';

/** The current settings item: the keys an operator has set, and the version every change bumps. */
export interface StoredSettings {
  readonly values: StoredSettingValues;
  /** 0 while nothing has ever been set (there is no item yet). */
  readonly version: number;
  /** When the last change was written; absent while nothing has been set. */
  readonly updated_at?: string;
}

/**
 * Reads the current settings item, strongly consistent: the admin API shows
 * what was just written, the cache in `read-settings.ts` counts its 30 s
 * from a read that saw every earlier write, and a PUT conditions its write
 * on the version read here. Only reads, so a function that reads settings
 * is granted GetItem on `control` and nothing more.
 *
 * @example
 * const { values, version } = await getStoredSettings();
 */
const getStoredSettings = async (): Promise<StoredSettings> => {
  const out = await dynamo().send(
    new GetCommand({ TableName: tableName('control'), Key: CURRENT_SETTINGS_KEY, ConsistentRead: true }),
  );
  const item = out.Item;
  if (!item) return { values: {}, version: 0 };
  return {
    values: (item.values ?? {}) as StoredSettingValues,
    version: Number(item.version ?? 0),
    ...(typeof item.updated_at === 'string' ? { updated_at: item.updated_at } : {}),
  };
};

export { getStoredSettings };
