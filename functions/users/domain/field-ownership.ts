import type { UserFieldGroup, UserFieldOwners } from '../../kernel/settings/settings-schema.js';
import { ENTERPRISE_USER_SCHEMA } from '../scim/schema.js';

/**
 * Who may change which field of a person. HR and the identity provider
 * both write people; run-time settings (`user_field_owners`) name the
 * owner of each field group, and a change from the other source leaves
 * the field as it was (and is logged as ignored, never refused: the sender
 * did nothing wrong).
 *
 * An owner's authority starts with its first value: a field its owner has
 * never set (a person only the identity provider knows, with no HR record)
 * stays the other source's to keep current, so a directory without an HR
 * feed does not freeze. Once the owner has set it (`field_sources` says
 * so), the other source's changes are ignored.
 *
 * A person here is its SCIM document (`resource`) plus the HR profile kept
 * beside it on the item (`profile`: location, employment dates, status),
 * which has no SCIM attribute and so is never sent to an identity provider.
 */

/** The source of a change. */
export type PersonSource = 'hr' | 'idp';

/** What HR tells us beyond the SCIM document. */
export interface HrProfile {
  readonly location?: string;
  readonly startDate?: string;
  readonly terminationDate?: string;
  readonly status?: string;
}

/** A person as ownership sees it. */
export interface PersonView {
  readonly resource: Readonly<Record<string, unknown>>;
  readonly profile: HrProfile;
  /** Where each group's current value came from (`field_sources`); absent for a person stored before it was kept. */
  readonly sources?: FieldSources;
}

/** Where a field group's current value came from (`field_sources` on the user item). */
export interface FieldSource {
  readonly source: PersonSource;
  readonly at: string;
}

export type FieldSources = Readonly<Partial<Record<UserFieldGroup, FieldSource>>>;

export interface Ownership {
  /** The person to store: the change where its source owns the field, the old value elsewhere. */
  readonly person: PersonView;
  /** Groups the change touched that its source does not own (left as they were). */
  readonly ignored: readonly UserFieldGroup[];
  /** Groups the change set (owned by its source and different from before). */
  readonly changed: readonly UserFieldGroup[];
}

type Doc = Readonly<Record<string, unknown>>;

const enterprise = (doc: Doc): Record<string, unknown> => {
  const value = doc[ENTERPRISE_USER_SCHEMA];
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
};

/** Where each group lives: how to read it and how to put a value back. */
interface Accessor {
  readonly get: (person: PersonView) => unknown;
  readonly set: (person: PersonView, value: unknown) => PersonView;
}

const topLevel = (...attributes: string[]): Accessor => ({
  get: (person) => attributes.map((attribute) => person.resource[attribute]),
  set: (person, value) => {
    const resource: Record<string, unknown> = { ...person.resource };
    attributes.forEach((attribute, index) => {
      const part = (value as unknown[])[index];
      if (part === undefined) delete resource[attribute];
      else resource[attribute] = part;
    });
    return { ...person, resource };
  },
});

const extension = (attribute: string): Accessor => ({
  get: (person) => enterprise(person.resource)[attribute],
  set: (person, value) => {
    const ext: Record<string, unknown> = { ...enterprise(person.resource) };
    if (value === undefined) delete ext[attribute];
    else ext[attribute] = value;
    const resource: Record<string, unknown> = { ...person.resource };
    if (Object.keys(ext).length === 0) delete resource[ENTERPRISE_USER_SCHEMA];
    else resource[ENTERPRISE_USER_SCHEMA] = ext;
    return { ...person, resource };
  },
});

const profile = (...fields: (keyof HrProfile)[]): Accessor => ({
  get: (person) => fields.map((field) => person.profile[field]),
  set: (person, value) => {
    const next: Record<string, unknown> = { ...person.profile };
    fields.forEach((field, index) => {
      const part = (value as unknown[])[index];
      if (part === undefined) delete next[field];
      else next[field] = part;
    });
    return { ...person, profile: next as HrProfile };
  },
});

/** The groups ownership rules over. `groups` (memberships) are their own items, written by SCIM Group routes only. */
const ACCESSORS: Readonly<Partial<Record<UserFieldGroup, Accessor>>> = {
  name: topLevel('name', 'displayName'),
  title: topLevel('title'),
  department: extension('department'),
  manager: extension('manager'),
  location: profile('location'),
  employee_number: extension('employeeNumber'),
  employment_dates: profile('startDate', 'terminationDate', 'status'),
  user_name: topLevel('userName'),
  emails: topLevel('emails'),
  active: topLevel('active'),
};

const GROUPS = Object.keys(ACCESSORS) as UserFieldGroup[];

/** Deep equality of JSON values, key order ignored. */
const same = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Doc)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Doc)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => same((a as Doc)[k], (b as Doc)[k]));
};

/**
 * The change a source may make: each field group it touched that another
 * source owns, and whose current value came from that owner, is put back
 * as it was before. A person that did not exist before is
 * taken whole from whoever creates it (there is nothing to keep).
 *
 * @param before the person as stored, undefined for a create.
 * @param after the person as the source would have it.
 *
 * @example
 * const { person, ignored } = applyOwnership(stored, patched, 'idp', settings.user_field_owners);
 * // ignored: ['title'] when Okta patched the title HR owns
 */
const applyOwnership = (
  before: PersonView | undefined,
  after: PersonView,
  source: PersonSource,
  owners: UserFieldOwners,
): Ownership => {
  if (!before) {
    const changed = GROUPS.filter((group) => !same(ACCESSORS[group]?.get(after), ACCESSORS[group]?.get(EMPTY)));
    return { person: after, ignored: [], changed };
  }
  let person: PersonView = { resource: after.resource, profile: after.profile };
  const ignored: UserFieldGroup[] = [];
  const changed: UserFieldGroup[] = [];
  for (const group of GROUPS) {
    const accessor = ACCESSORS[group] as Accessor;
    const old = accessor.get(before);
    if (same(old, accessor.get(after))) continue;
    const owner = owners[group];
    if (owner === source || before.sources?.[group]?.source !== owner) changed.push(group);
    else {
      ignored.push(group);
      person = accessor.set(person, old);
    }
  }
  return { person, ignored, changed };
};

const EMPTY: PersonView = { resource: {}, profile: {} };

/**
 * `field_sources` after a write: the groups it changed now come from its source.
 *
 * @example
 * fieldSourcesAfter(item.field_sources, ['title'], 'hr', now); // { ..., title: { source: 'hr', at } }
 */
const fieldSourcesAfter = (
  previous: FieldSources | undefined,
  changed: readonly UserFieldGroup[],
  source: PersonSource,
  now: Date,
): FieldSources => {
  const next: Partial<Record<UserFieldGroup, FieldSource>> = { ...previous };
  for (const group of changed) next[group] = { source, at: now.toISOString() };
  return next;
};

export { applyOwnership, fieldSourcesAfter };
