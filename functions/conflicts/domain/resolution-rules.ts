import { type FieldData, type FieldView, classifyFields, sameValues } from './field-changes.js';

/**
 * The rules that settle a conflict without a person, in order:
 *
 * 0. a remote delete is never settled by a rule: escalate;
 * 1. newest wins past the window: the two change times differ by more than
 *    `windowSeconds` -> the newer side wins, all its values;
 * 2. three-way merge: the fields local changed and those remote changed do
 *    not overlap (a field both changed to the same value is no overlap) ->
 *    both sides' changes are kept;
 * 3. source priority: the conflict's source is the priority source -> its
 *    values win the overlapping fields, every other change still merges;
 * 4. otherwise escalate, naming the overlapping fields.
 *
 * Pure and system-agnostic: fields and the source come from the conflict.
 */
export interface ConflictCase {
  readonly base: FieldData;
  readonly local: FieldData;
  /** The remote's view: the base with its changes laid over (see `remoteView`). */
  readonly remote: FieldData;
  /** When the local side last changed (ISO 8601, our clock). */
  readonly localChangedAt: string;
  /** When the remote side last changed (ISO 8601, its clock). */
  readonly remoteChangedAt: string;
  readonly remoteDeleted: boolean;
  /** The outside system of the conflict (`crm`). */
  readonly source: string;
}

/** The settings the rules read. */
export interface RuleSettings {
  readonly windowSeconds: number;
  readonly prioritySource: string | null;
}

export type ResolutionRule = 'newest-wins' | 'merge' | 'source-priority' | 'manual';
export type Winner = 'local' | 'remote' | 'merge';

/** A resolution: the values the record takes, and why. */
export interface Resolution {
  readonly kind: 'resolve';
  readonly rule: ResolutionRule;
  readonly winner: Winner;
  readonly values: Record<string, unknown>;
  readonly details: Record<string, unknown>;
}

/** No rule applies: a person decides. */
export interface Escalation {
  readonly kind: 'escalate';
  readonly reason: string;
  readonly overlapping: readonly FieldView[];
}

export type ConflictDecision = Resolution | Escalation;

/** Each field's value once the side named for the overlapping ones wins and every other change is kept. */
const mergedValues = (
  fields: readonly FieldView[],
  overlapSide: 'local' | 'remote' | undefined,
): Record<string, unknown> => {
  const values: Record<string, unknown> = {};
  for (const view of fields) {
    const value =
      view.change === 'remote' || (view.change === 'overlap' && overlapSide === 'remote') ? view.remote : view.local;
    if (value !== undefined) values[view.field] = value;
  }
  return values;
};

const defined = (data: FieldData): Record<string, unknown> =>
  Object.fromEntries(Object.entries(data).filter(([, value]) => value !== undefined));

/**
 * The decision for one conflict.
 *
 * @example
 * decideConflict({ base, local, remote, localChangedAt, remoteChangedAt, remoteDeleted: false, source: 'crm' },
 *   { windowSeconds: 60, prioritySource: null }); // { kind: 'resolve', rule: 'merge', ... }
 */
const decideConflict = (conflict: ConflictCase, settings: RuleSettings): ConflictDecision => {
  const fields = classifyFields(conflict.base, conflict.local, conflict.remote);
  const overlapping = fields.filter((view) => view.change === 'overlap');
  if (conflict.remoteDeleted) return { kind: 'escalate', reason: 'the remote side deleted the record', overlapping };

  const localMs = Date.parse(conflict.localChangedAt);
  const remoteMs = Date.parse(conflict.remoteChangedAt);
  const apartMs = Math.abs(localMs - remoteMs);
  if (Number.isFinite(apartMs) && apartMs > settings.windowSeconds * 1000) {
    const winner = localMs > remoteMs ? 'local' : 'remote';
    return {
      kind: 'resolve',
      rule: 'newest-wins',
      winner,
      values: defined(winner === 'local' ? conflict.local : conflict.remote),
      details: {
        local_changed_at: conflict.localChangedAt,
        remote_changed_at: conflict.remoteChangedAt,
        apart_seconds: apartMs / 1000,
        window_seconds: settings.windowSeconds,
      },
    };
  }

  const changed = (side: 'local' | 'remote') =>
    fields.filter((v) => v.change === side || v.change === 'both-same' || v.change === 'overlap').map((v) => v.field);
  if (overlapping.length === 0) {
    return {
      kind: 'resolve',
      rule: 'merge',
      winner: 'merge',
      values: mergedValues(fields, undefined),
      details: { local_fields: changed('local'), remote_fields: changed('remote') },
    };
  }

  if (settings.prioritySource !== null && settings.prioritySource === conflict.source) {
    const values = mergedValues(fields, 'remote');
    return {
      kind: 'resolve',
      rule: 'source-priority',
      // The remote side took every overlapping field; if local changed nothing else, that is the remote's view whole.
      winner: sameValues(values, conflict.remote) ? 'remote' : 'merge',
      values,
      details: {
        priority_source: settings.prioritySource,
        overlapping_fields: overlapping.map((v) => v.field),
        local_fields: changed('local'),
        remote_fields: changed('remote'),
      },
    };
  }

  return {
    kind: 'escalate',
    reason: `both sides changed ${overlapping.map((v) => v.field).join(', ')} within ${settings.windowSeconds} s and no priority source decides`,
    overlapping,
  };
};

export { decideConflict, mergedValues };
