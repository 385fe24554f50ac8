import type { Conflict } from '../../kernel/conflicts/conflict-store.js';
import type { StoredRecord } from '../../kernel/records/record.js';
import { type FieldView, classifyFields, remoteView } from '../domain/field-changes.js';
import type { ConflictCase } from '../domain/resolution-rules.js';

/**
 * The open conflicts of one record, read together: each remote change made
 * while a local change was pending stored one, and they are decided as one
 * (the remote's view is the base with all of them laid over, oldest first).
 */
export interface RecordConflicts {
  readonly recordType: string;
  readonly recordId: string;
  /** Oldest first. */
  readonly conflicts: readonly Conflict[];
}

const isOpen = (conflict: Conflict): boolean => conflict.status === 'pending' || conflict.status === 'escalated';

/**
 * Groups conflicts by record, records in the order of their oldest conflict,
 * each record's conflicts oldest first.
 *
 * @example
 * groupByRecord(page.items); // [{ recordType: 'contact', recordId: 'c-1', conflicts: [...] }]
 */
const groupByRecord = (conflicts: readonly Conflict[]): RecordConflicts[] => {
  const groups = new Map<string, Conflict[]>();
  for (const conflict of conflicts) {
    const key = `${conflict.record_type}#${conflict.record_id}`;
    const list = groups.get(key) ?? [];
    if (!list.some((c) => c.conflict_id === conflict.conflict_id)) list.push(conflict);
    groups.set(key, list);
  }
  return [...groups.values()]
    .map((list) => list.sort(byAge))
    .sort((a, b) => byAge(a[0] as Conflict, b[0] as Conflict))
    .map((list) => ({
      recordType: (list[0] as Conflict).record_type,
      recordId: (list[0] as Conflict).record_id,
      conflicts: list,
    }));
};

const byAge = (a: Conflict, b: Conflict): number =>
  a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.conflict_id.localeCompare(b.conflict_id);

/**
 * Which of a record's conflicts are still live on the record as read: those
 * after its last resolution (`resolved_through`), while it has a conflict
 * open. The others were folded into a resolution already (a crash between
 * the record's write and the conflicts' can leave them pending).
 *
 * @example
 * const { live, folded } = liveConflicts(record, group.conflicts);
 */
const liveConflicts = (
  record: StoredRecord | undefined,
  conflicts: readonly Conflict[],
): { live: Conflict[]; folded: Conflict[] } => {
  if (!record?.conflict_id) return { live: [], folded: [...conflicts] };
  const through = (record as { resolved_through?: string }).resolved_through;
  const live = conflicts.filter((c) => isOpen(c) && (through === undefined || c.created_at > through));
  const folded = conflicts.filter((c) => !live.includes(c));
  return { live, folded };
};

/** The three sides of a record's conflicts, for the rules and the admin API. */
export interface ConflictSides {
  readonly case: ConflictCase;
  readonly fields: FieldView[];
}

/**
 * The base, local and remote sides of a record's live conflicts.
 *
 * @example
 * const sides = sidesOf(record, live);
 * decideConflict(sides.case, settings);
 */
const sidesOf = (record: StoredRecord, live: readonly Conflict[]): ConflictSides => {
  const base = record.base_data ?? {};
  const remote = remoteView(
    base,
    live.map((c) => c.remote_data),
  );
  const newest = live[live.length - 1];
  const conflictCase: ConflictCase = {
    base,
    local: record.data,
    remote,
    localChangedAt: record.updated_at,
    remoteChangedAt: newest?.remote_timestamp ?? record.remote_updated_at ?? record.updated_at,
    remoteDeleted: live.some((c) => c.remote_event === 'deleted'),
    source: newest?.source ?? record.external_source ?? 'unknown',
  };
  return { case: conflictCase, fields: classifyFields(base, record.data, remote) };
};

export { groupByRecord, isOpen, liveConflicts, sidesOf };
