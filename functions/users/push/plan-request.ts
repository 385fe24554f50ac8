import type { ScimDocument } from '../store/items.js';

/**
 * What to send the downstream SCIM directory for one user or group, decided
 * from the resource as it is now and what the directory was last sent (the
 * directory link). Pure: the push action reads both and calls this.
 *
 * | resource here                     | link                    | request                                |
 * |-----------------------------------|-------------------------|----------------------------------------|
 * | absent                            | any                     | skip                                   |
 * | deleted                           | linked, not deleted     | DELETE /Users/{directoryId}            |
 * | deleted                           | none, or deleted        | skip (nothing there to delete)         |
 * | present                           | none                    | POST /Users (or PATCH of an adopted id)|
 * | present                           | linked                  | PATCH of the attributes that differ    |
 * | present, nothing differs          | linked                  | skip                                   |
 *
 * `externalId` downstream is our own id: RFC 7643 makes externalId the
 * provisioning client's identifier, and here we are that client.
 */

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
/** Extension attributes are patched one sub-attribute at a time (`<urn>:department`). */
const EXTENSION_PREFIX = 'urn:';

export type DirectoryResource = 'user' | 'group';

/** What the directory holds of one resource: its id there and the document last sent. */
export interface DirectoryLink {
  readonly directory_id: string;
  /** The document as last sent (without `schemas`): the PATCH diff is taken against it. */
  readonly pushed: ScimDocument;
  readonly pushed_version: number;
  /** Set once the directory confirmed a DELETE. */
  readonly deleted_at?: string;
}

export interface PatchOperation {
  readonly op: 'add' | 'replace' | 'remove';
  readonly path: string;
  readonly value?: unknown;
}

/** The request to send, with the document it leaves the directory holding. */
export interface PushRequest {
  readonly kind: 'create' | 'update' | 'delete';
  readonly method: 'POST' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly body?: unknown;
  /** What the directory holds once this is accepted (the next diff's base). */
  readonly pushed: ScimDocument;
}

export type PushPlan = PushRequest | { readonly skip: string };

/** The current state of a resource here, as the push needs it. */
export interface CurrentResource {
  readonly id: string;
  readonly deleted: boolean;
  /** The document the directory should hold (`desiredUser` / `desiredGroup`). */
  readonly desired: ScimDocument;
  readonly schemas: readonly string[];
}

/** JSON with sorted keys: two documents are equal when this is. */
const canonical = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Attributes only the directory or SCIM itself sets: never sent. */
const NOT_SENT = new Set(['id', 'meta', 'schemas', 'groups', 'password']);

/**
 * The document a user should have downstream: its SCIM document, our id as
 * externalId, without what the directory sets itself (id, meta, groups).
 *
 * @example
 * desiredUser('u-1', item.resource); // { userName, name, emails, active, externalId: 'u-1', ... }
 */
const desiredUser = (id: string, resource: ScimDocument): ScimDocument => ({
  ...Object.fromEntries(Object.entries(resource).filter(([key]) => !NOT_SENT.has(key))),
  externalId: id,
});

/**
 * The document a group should have downstream; `memberDirectoryIds` are its
 * members' ids in the directory, sorted so the order never reads as a change.
 *
 * @example
 * desiredGroup('g-1', { displayName: 'Sales' }, ['d-7', 'd-3']);
 */
const desiredGroup = (id: string, resource: ScimDocument, memberDirectoryIds: readonly string[]): ScimDocument => ({
  displayName: resource.displayName,
  externalId: id,
  members: [...new Set(memberDirectoryIds)].sort().map((value) => ({ value })),
});

const memberValues = (doc: ScimDocument): string[] =>
  Array.isArray(doc.members) ? doc.members.map((m) => String((m as { value?: unknown }).value)) : [];

/** One operation per attribute that differs; extension attributes one sub-attribute each. */
const attributeOps = (before: ScimDocument, after: ScimDocument, skip: ReadonlySet<string>): PatchOperation[] => {
  const ops: PatchOperation[] = [];
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((n) => !skip.has(n)).sort();
  for (const name of names) {
    const was = before[name];
    const now = after[name];
    if (canonical(was) === canonical(now)) continue;
    if (name.startsWith(EXTENSION_PREFIX) && (isObject(was) || was === undefined) && isObject(now)) {
      const sub = attributeOps(isObject(was) ? was : {}, now, new Set());
      ops.push(...sub.map((op) => ({ ...op, path: `${name}:${op.path}` })));
      continue;
    }
    ops.push(
      now === undefined || now === null ? { op: 'remove', path: name } : { op: 'replace', path: name, value: now },
    );
  }
  return ops;
};

/**
 * The PATCH operations that take the directory from `before` to `after`:
 * a replace per changed attribute, a remove per dropped one; for a group's
 * members an add of the new ones and a remove per member gone (RFC 7644
 * section 3.5.2, the form both Okta and Entra ID accept).
 *
 * @example
 * patchOperations({ active: true }, { active: false }); // [{ op: 'replace', path: 'active', value: false }]
 */
const patchOperations = (before: ScimDocument, after: ScimDocument, group = false): PatchOperation[] => {
  if (!group) return attributeOps(before, after, new Set());
  const ops = attributeOps(before, after, new Set(['members']));
  const had = new Set(memberValues(before));
  const has = new Set(memberValues(after));
  const added = [...has].filter((v) => !had.has(v));
  const removed = [...had].filter((v) => !has.has(v));
  if (added.length > 0) ops.push({ op: 'add', path: 'members', value: added.map((value) => ({ value })) });
  for (const value of removed) ops.push({ op: 'remove', path: `members[value eq "${value}"]` });
  return ops;
};

const collection = (resource: DirectoryResource): string => (resource === 'user' ? '/Users' : '/Groups');

/**
 * What to send for one resource (see the table above). `adoptedId` is the
 * id of a resource the directory already holds under the same userName,
 * found before a create: it is patched into shape instead of created twice.
 *
 * @example
 * const plan = planPush('user', current, link);
 * if ('skip' in plan) return { skip: plan.skip };
 */
const planPush = (
  resource: DirectoryResource,
  current: CurrentResource | undefined,
  link: DirectoryLink | undefined,
  adoptedId?: string,
): PushPlan => {
  if (!current) return { skip: `${resource} does not exist` };
  const base = collection(resource);
  if (current.deleted) {
    if (!link || link.deleted_at) return { skip: `${resource} deleted and not in the directory` };
    return {
      kind: 'delete',
      method: 'DELETE',
      path: `${base}/${encodeURIComponent(link.directory_id)}`,
      pushed: {},
    };
  }
  if (link?.deleted_at) return { skip: `${resource} was deleted in the directory` };
  const directoryId = link?.directory_id ?? adoptedId;
  if (directoryId === undefined) {
    return {
      kind: 'create',
      method: 'POST',
      path: base,
      body: { schemas: current.schemas, ...current.desired },
      pushed: current.desired,
    };
  }
  // An adopted resource's state there is unknown: every attribute is sent.
  const operations = patchOperations(link?.pushed ?? {}, current.desired, resource === 'group');
  if (operations.length === 0) return { skip: 'the directory already holds this state' };
  return {
    kind: 'update',
    method: 'PATCH',
    path: `${base}/${encodeURIComponent(directoryId)}`,
    body: { schemas: [PATCH_OP_SCHEMA], Operations: operations },
    pushed: current.desired,
  };
};

export { canonical, desiredGroup, desiredUser, patchOperations, planPush };
