import { mappings } from '../mappings/crm/index.js';
import type { Origin, RecordData, StoredRecord } from './record.js';

/**
 * Where a record stands with the outside systems:
 * - `synced`: the outside system has this version;
 * - `pending`: a local change it has not acknowledged yet (on its way);
 * - `conflict`: a local and a remote change disagree, until resolved;
 * - `local`: a record of a type no tool pushes, never synced (a product).
 */
export type SyncStatus = 'synced' | 'pending' | 'conflict' | 'local';

/**
 * A record as the admin API answers it: the business record, not its item.
 * The storage internals (`pk`, `remote_ms`, the JSON-in-a-string
 * `sync_event`, `match_key`, `last_delivery_id`, `base_data`, `pushed_data`,
 * `resolved_through`) stay out.
 *
 * `record_id`, `record_type`, `external_id`, `external_source`,
 * `synced_version` and `remote_updated_at` repeat what `id`, `type`,
 * `external_ids` say, or add the stamps callers of the earlier raw answer
 * read: kept for compatibility with those callers.
 */
export interface RecordView {
  readonly id: string;
  readonly type: string;
  readonly data: RecordData;
  /** The record's id in each outside system that knows it: `{ crm: '003A' }`. */
  readonly external_ids: Readonly<Record<string, string>>;
  readonly sync_status: SyncStatus;
  readonly version: number;
  readonly origin: Origin;
  readonly created_at: string;
  readonly updated_at: string;
  readonly deleted_at?: string;
  /** The system whose delete marked the record deleted. */
  readonly deleted_from?: string;
  /** When an outside system last acknowledged or sent the record. */
  readonly synced_at?: string;
  /** Present (true) while a conflict is open; `conflict_id` names it for `/admin/conflicts/{id}`. */
  readonly has_conflict?: true;
  readonly conflict_id?: string;
  /** Kept for compatibility: same as `id`. */
  readonly record_id: string;
  /** Kept for compatibility: same as `type`. */
  readonly record_type: string;
  /** Kept for compatibility: the one entry of `external_ids`. */
  readonly external_id?: string;
  /** Kept for compatibility: the system of `external_id`. */
  readonly external_source?: string;
  /** Kept for compatibility: the version the outside system last acknowledged. */
  readonly synced_version?: number;
  /** Kept for compatibility: the outside system's change time of the last inbound write. */
  readonly remote_updated_at?: string;
}

/** Types some tool pushes to an outside system: a never-synced record of these is `pending`, of others `local`. */
const pushedTypes: ReadonlySet<string> = new Set(mappings.filter((m) => m.outbound).map((m) => m.recordType));

/** The sync status a record's versions and its stored status imply (see {@link SyncStatus}). */
const syncStatusOf = (record: StoredRecord): SyncStatus => {
  if (record.sync_status === 'conflict') return 'conflict';
  if (record.synced_version !== undefined && record.version <= record.synced_version) return 'synced';
  if (record.synced_version === undefined && !pushedTypes.has(record.record_type)) return 'local';
  return 'pending';
};

/** `{ key: value }` for each defined value, so an answer holds no `undefined` keys. */
const defined = <T extends Record<string, unknown>>(fields: T): Partial<T> =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;

/**
 * The domain shape of a stored record, for every admin answer that shows
 * one: what an operator or a script reads, with nothing of how the item is
 * keyed, indexed or carried through the stream. Pure: no I/O.
 *
 * @example
 * const view = recordView(await getRecord('contact', 'c-1'));
 * view.external_ids; // { crm: '003A' }
 * 'pk' in view;      // false
 */
const recordView = (record: StoredRecord): RecordView => {
  const status = syncStatusOf(record);
  const externalIds =
    record.external_source !== undefined && record.external_id !== undefined
      ? { [record.external_source]: record.external_id }
      : {};
  return {
    id: record.record_id,
    type: record.record_type,
    data: record.data,
    external_ids: externalIds,
    sync_status: status,
    version: record.version,
    origin: record.origin,
    created_at: record.created_at,
    updated_at: record.updated_at,
    ...defined({
      deleted_at: record.deleted_at,
      deleted_from: record.deleted_from,
      synced_at: record.synced_at,
    }),
    ...(status === 'conflict' ? { has_conflict: true as const, ...defined({ conflict_id: record.conflict_id }) } : {}),
    record_id: record.record_id,
    record_type: record.record_type,
    ...defined({
      external_id: record.external_id,
      external_source: record.external_source,
      synced_version: record.synced_version,
      remote_updated_at: record.remote_updated_at,
    }),
  };
};

export { recordView };
