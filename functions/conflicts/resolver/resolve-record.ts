import type { Conflict } from '../../kernel/conflicts/conflict-store.js';
import { logger } from '../../kernel/observability.js';
import type { StoredRecord } from '../../kernel/records/record.js';
import { getRecord } from '../../kernel/records/record-reads.js';
import { sameValues } from '../domain/field-changes.js';
import type { Escalation, Resolution } from '../domain/resolution-rules.js';
import { type ApplyOutcome, applyResolution, closeSettled } from '../store/apply-resolution.js';
import { getConflict } from '../store/conflict-reads.js';
import { markResolved } from '../store/conflict-writes.js';
import { type ConflictSides, type RecordConflicts, isOpen, liveConflicts, sidesOf } from './record-conflicts.js';

/**
 * Resolves the open conflicts of one record: read the record, decide on it
 * (`decide`: the rule chain for the job, a person's choice for the admin
 * API), write the resolution on condition that the record is still as read,
 * then mark the conflicts resolved.
 *
 * The record is written first, the conflicts second. A crash in between
 * leaves conflicts pending on a record that has none open any more (or
 * whose `resolved_through` is past them): the next attempt finds them so
 * and only marks them resolved, folded into that resolution. The other
 * order could leave a record holding its push forever with no open
 * conflict to resolve.
 */
export type Decide = (
  sides: ConflictSides,
  record: StoredRecord,
  live: readonly Conflict[],
) => Resolution | Escalation | Promise<Resolution | Escalation>;

export type RecordOutcome =
  | {
      readonly kind: 'resolved';
      readonly resolution: Resolution;
      readonly conflicts: readonly Conflict[];
      readonly pushed: boolean;
    }
  | { readonly kind: 'settled' | 'folded'; readonly conflicts: readonly Conflict[] }
  | {
      readonly kind: 'escalate';
      readonly escalation: Escalation;
      readonly record: StoredRecord;
      readonly live: readonly Conflict[];
    }
  | { readonly kind: 'moved'; readonly record: StoredRecord | undefined; readonly read: StoredRecord };

const MAX_ROUNDS = 3;

/** Whether the remote already holds these values: its view, or ours when it acknowledged our last push during the conflict. */
const remoteHolds = (record: StoredRecord, sides: ConflictSides): Readonly<Record<string, unknown>> =>
  (record.synced_version ?? 0) >= record.version ? record.data : sides.case.remote;

const closeAll = async (
  conflicts: readonly Conflict[],
  resolution: Pick<Resolution, 'winner' | 'details'>,
  type: 'automatic' | 'manual',
  now: string,
  resolvedBy?: string,
): Promise<void> => {
  const newest = conflicts[conflicts.length - 1];
  for (const conflict of conflicts) {
    const folded = conflict !== newest && newest ? { folded_into: newest.conflict_id } : {};
    await markResolved(conflict.conflict_id, {
      resolutionType: type,
      winner: resolution.winner,
      details: { ...resolution.details, ...folded },
      resolvedAt: now,
      ...(resolvedBy ? { resolvedBy } : {}),
    });
  }
};

/** The record's newest conflict joins the group when the group was read before it was stored. */
const withNewest = async (record: StoredRecord, conflicts: readonly Conflict[]): Promise<Conflict[]> => {
  const all = [...conflicts];
  if (record.conflict_id && !all.some((c) => c.conflict_id === record.conflict_id)) {
    const newest = await getConflict(record.conflict_id);
    if (newest && isOpen(newest)) all.push(newest);
  }
  return all;
};

/**
 * @param options.onMoved `recompute` (the job: decide again on the record as it is now, up to 3 times)
 *   or `report` (the admin API: answer what moved).
 *
 * @example
 * const outcome = await resolveRecord(group, (sides) => decideConflict(sides.case, rules), { type: 'automatic' });
 */
const resolveRecord = async (
  group: RecordConflicts,
  decide: Decide,
  options: {
    readonly type: 'automatic' | 'manual';
    readonly onMoved: 'recompute' | 'report';
    readonly resolvedBy?: string;
    readonly expectVersion?: number;
    readonly now?: () => string;
  },
): Promise<RecordOutcome> => {
  const now = options.now ?? (() => new Date().toISOString());
  let record = await getRecord(group.recordType, group.recordId);
  for (let round = 1; ; round++) {
    const conflicts = record ? await withNewest(record, group.conflicts) : [...group.conflicts];
    const { live, folded } = liveConflicts(record, conflicts);
    if (!record || live.length === 0) {
      await closeAll(
        folded,
        { winner: 'merge', details: { folded: 'the record was resolved already, or is gone' } },
        options.type,
        now(),
        options.resolvedBy,
      );
      return { kind: 'folded', conflicts: folded };
    }
    const through = (live[live.length - 1] as Conflict).created_at;
    let outcome: ApplyOutcome;
    let done: RecordOutcome;
    if (options.expectVersion !== undefined && round === 1 && record.version !== options.expectVersion) {
      return { kind: 'moved', record, read: { ...record, version: options.expectVersion } };
    }
    if (record.sync_status !== 'conflict') {
      // The remote came to agree with us (its echo acknowledged our values) or its newer change was applied:
      // nothing is left to decide, only the open conflict to close.
      outcome = await closeSettled(record, through);
      done = { kind: 'settled', conflicts };
      if (outcome.applied) {
        await closeAll(
          conflicts,
          { winner: 'merge', details: { settled: `the record was synced since (${record.sync_status})` } },
          options.type,
          now(),
          options.resolvedBy,
        );
      }
    } else {
      const sides = sidesOf(record, live);
      const decision = await decide(sides, record, live);
      if (decision.kind === 'escalate') return { kind: 'escalate', escalation: decision, record, live };
      const push = !sameValues(decision.values, remoteHolds(record, sides));
      outcome = await applyResolution({
        record,
        values: decision.values,
        push,
        source: sides.case.source,
        resolvedThrough: through,
        now: now(),
      });
      done = { kind: 'resolved', resolution: decision, conflicts, pushed: push };
      if (outcome.applied) {
        const details = {
          rule: decision.rule,
          ...decision.details,
          values: decision.values,
          pushed: push,
          record_version: outcome.version,
        };
        await closeAll(conflicts, { winner: decision.winner, details }, options.type, now(), options.resolvedBy);
      }
    }
    if (outcome.applied) return done;
    const read = record;
    record = outcome.current;
    if (options.onMoved === 'report' || round >= MAX_ROUNDS) return { kind: 'moved', record, read };
    logger.info('the record moved while resolving its conflict; deciding again', {
      record_type: group.recordType,
      record_id: group.recordId,
      round,
    });
  }
};

export { resolveRecord };
