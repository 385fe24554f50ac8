import { isDeepStrictEqual } from 'node:util';

/**
 * Field-level view of a conflict: for each field, the value both sides last
 * agreed on (base), ours (local) and the remote system's, and who changed
 * it since the base. The resolver's rules and the admin API's conflict page
 * both read this, so a person sees exactly what the rules saw.
 *
 * Knows nothing of any system: field names come from the records.
 */
export type FieldData = Readonly<Record<string, unknown>>;

/**
 * Who changed a field since the base: `none`, only `local`, only `remote`,
 * both to the same value (`both-same`, no overlap), or both to different
 * values (`overlap`, the only case a rule has to decide).
 */
export type FieldChange = 'none' | 'local' | 'remote' | 'both-same' | 'overlap';

/** One field of a conflict, as the rules and the admin API see it. */
export interface FieldView {
  readonly field: string;
  readonly base: unknown;
  readonly local: unknown;
  readonly remote: unknown;
  readonly change: FieldChange;
}

/** A missing field and a null one are the same value: neither side holds anything there. */
const same = (a: unknown, b: unknown): boolean => isDeepStrictEqual(a ?? null, b ?? null);

const changeOf = (base: unknown, local: unknown, remote: unknown): FieldChange => {
  const byLocal = !same(base, local);
  const byRemote = !same(base, remote);
  if (byLocal && byRemote) return same(local, remote) ? 'both-same' : 'overlap';
  if (byLocal) return 'local';
  return byRemote ? 'remote' : 'none';
};

/**
 * Classifies every field any of the three holds, in name order.
 *
 * @example
 * classifyFields({ a: 1, b: 1 }, { a: 2, b: 1 }, { a: 1, b: 3 });
 * // [{ field: 'a', change: 'local', ... }, { field: 'b', change: 'remote', ... }]
 */
const classifyFields = (base: FieldData, local: FieldData, remote: FieldData): FieldView[] => {
  const fields = [...new Set([...Object.keys(base), ...Object.keys(local), ...Object.keys(remote)])].sort();
  return fields.map((field) => ({
    field,
    base: base[field],
    local: local[field],
    remote: remote[field],
    change: changeOf(base[field], local[field], remote[field]),
  }));
};

/**
 * The remote system's view of the record: the base with each remote change
 * laid over it, oldest first. A remote change carries only the fields it
 * changed (or that its payload held), so the fields it leaves out keep their
 * base value.
 *
 * @example
 * remoteView({ a: 1, b: 1 }, [{ a: 2 }, { b: 3 }]); // { a: 2, b: 3 }
 */
const remoteView = (base: FieldData, deltas: readonly FieldData[]): Record<string, unknown> =>
  Object.assign(
    {},
    base,
    ...deltas.map((delta) => Object.fromEntries(Object.entries(delta).filter(([, v]) => v !== undefined))),
  );

/** Whether two views hold the same values (a missing field equals null). */
const sameValues = (a: FieldData, b: FieldData): boolean =>
  [...new Set([...Object.keys(a), ...Object.keys(b)])].every((field) => same(a[field], b[field]));

export { classifyFields, remoteView, sameValues };
