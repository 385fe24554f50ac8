import type { FieldView } from './field-changes.js';
import { mergedValues, type Resolution } from './resolution-rules.js';

/**
 * A person's decision on a conflict: one side whole (`{winner}`), or field
 * by field (`{fields: {name: 'local' | 'remote' | {value}}}`). Field by
 * field, the fields not named keep what the merge rule would keep (each
 * side's own changes); every overlapping field must be named.
 */
export type FieldChoice = 'local' | 'remote' | { readonly value: unknown };
export type ManualChoice =
  | { readonly winner: 'local' | 'remote' }
  | { readonly fields: Readonly<Record<string, FieldChoice>> };

/** A choice that does not fit the conflict: the message names the field. */
class ChoiceError extends Error {
  override readonly name = 'ChoiceError';
}

/**
 * The resolution a person chose, over the conflict's fields as classified.
 *
 * @throws ChoiceError for a field the record does not hold, or an overlapping field left unchosen.
 *
 * @example
 * manualResolution(fields, { fields: { email: 'remote', phone: { value: '+1 555' } } });
 */
const manualResolution = (
  fields: readonly FieldView[],
  choice: ManualChoice,
  local: Readonly<Record<string, unknown>>,
  remote: Readonly<Record<string, unknown>>,
): Resolution => {
  if ('winner' in choice) {
    const values = Object.fromEntries(
      Object.entries(choice.winner === 'local' ? local : remote).filter(([, v]) => v !== undefined),
    );
    return { kind: 'resolve', rule: 'manual', winner: choice.winner, values, details: { choice: choice.winner } };
  }
  const known = new Set(fields.map((view) => view.field));
  const unknown = Object.keys(choice.fields).filter((field) => !known.has(field));
  if (unknown.length > 0) throw new ChoiceError(`Unknown field(s): ${unknown.join(', ')}`);
  const unchosen = fields.filter((view) => view.change === 'overlap' && !(view.field in choice.fields));
  if (unchosen.length > 0) {
    throw new ChoiceError(`Both sides changed ${unchosen.map((v) => v.field).join(', ')}: choose a side for each`);
  }
  const values = mergedValues(fields, undefined);
  for (const view of fields) {
    const picked = choice.fields[view.field];
    if (picked === undefined) continue;
    const value = picked === 'local' ? view.local : picked === 'remote' ? view.remote : picked.value;
    if (value === undefined) delete values[view.field];
    else values[view.field] = value;
  }
  const sides = Object.values(choice.fields);
  const winner = sides.every((s) => s === 'local') ? 'local' : sides.every((s) => s === 'remote') ? 'remote' : 'merge';
  return { kind: 'resolve', rule: 'manual', winner, values, details: { choice: choice.fields } };
};

export { ChoiceError, manualResolution };
