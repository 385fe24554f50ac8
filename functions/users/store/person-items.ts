import type { FieldSources, HrProfile } from '../domain/field-ownership.js';

/**
 * What user sync's HR half keeps on a user item beside H4's SCIM fields,
 * and the keys of its own items in the `users` table:
 *
 * - employee id lookup: pk `employeeid#<lower id>`, sk `user#<userId>`
 *   (written in the user's own transaction, moved when the value moves);
 * - the work email is no item: the user's `work_email_key`, indexed by the
 *   sparse `byWorkEmail` index;
 * - a person waiting for their manager: pk `awaitmanager#<lower manager id>`,
 *   sk `user#<userId>`, so the manager's hire resolves them with one Query;
 * - a future-dated HR change: pk `user#<userId>` (or `employee#<lower id>`
 *   for a hire of someone not known yet), sk `pending#<effective ISO>#<delivery id>`,
 *   with `due` (constant `hr`) and `due_at` for the sparse `pendingByDue` index.
 */
export interface PersonAttributes {
  readonly employee_id?: string;
  readonly work_email_key?: string;
  readonly field_sources?: FieldSources;
  readonly hr_profile?: HrProfile;
  /** The manager's employee id while no user holds it yet. */
  readonly manager_employee_id?: string;
}

/** Carried from the previous item by every user write, SCIM ones included, so an IdP write never drops them. */
const PERSON_ATTRIBUTES = [
  'employee_id',
  'work_email_key',
  'field_sources',
  'hr_profile',
  'manager_employee_id',
] as const satisfies readonly (keyof PersonAttributes)[];

/**
 * The person attributes of an item (absent ones left out).
 *
 * @example
 * const item = { ...base, ...personAttributesOf(previous) };
 */
const personAttributesOf = (item: object | undefined): PersonAttributes => {
  const out: Record<string, unknown> = {};
  for (const name of PERSON_ATTRIBUTES) {
    const value = (item as Record<string, unknown> | undefined)?.[name];
    if (value !== undefined) out[name] = value;
  }
  return out as PersonAttributes;
};

/** The `due` partition of every pending change in `pendingByDue`. */
const DUE_PARTITION = 'hr';

/**
 * Key builders of the HR half's items.
 *
 * @example
 * personKeys.employee('E-1', userId); // { pk: 'employeeid#e-1', sk: 'user#...' }
 */
const personKeys = {
  employeePartition: (employeeId: string) => `employeeid#${employeeId.toLowerCase()}`,
  employee: (employeeId: string, userId: string) => ({
    pk: `employeeid#${employeeId.toLowerCase()}`,
    sk: `user#${userId}`,
  }),
  awaitManagerPartition: (managerEmployeeId: string) => `awaitmanager#${managerEmployeeId.toLowerCase()}`,
  awaitManager: (managerEmployeeId: string, userId: string) => ({
    pk: `awaitmanager#${managerEmployeeId.toLowerCase()}`,
    sk: `user#${userId}`,
  }),
  /** Where a person's pending changes live: under the user, or under the employee id before there is one. */
  pendingPartition: (owner: { userId: string } | { employeeId: string }) =>
    'userId' in owner ? `user#${owner.userId}` : `employee#${owner.employeeId.toLowerCase()}`,
  pending: (partition: string, effectiveAt: string, deliveryId: string) => ({
    pk: partition,
    sk: `pending#${effectiveAt}#${deliveryId}`,
  }),
} as const;

export { DUE_PARTITION, PERSON_ATTRIBUTES, personAttributesOf, personKeys };
