/**
 * The items of the `users` table and their keys, in one place so every
 * store module spells a key the same way.
 *
 * - a user: pk `user#<id>`, sk `USER`; its SCIM document (`resource`,
 *   without `id` and `meta`), a `version` every write is conditional on,
 *   and `resource_type`/`listed_at` for the sparse `byType` index (removed
 *   on DELETE, so a deleted user leaves every list and filter at once);
 * - the userName lock: pk `username#<lower-cased userName>`, sk `LOCK`,
 *   `user_id`, `locked_at` (when a create took it on its own, see
 *   `user-name-locks.ts`): userName is unique case-insensitively
 *   (RFC 7643), and `userName eq` is one GetItem on it;
 * - a user's externalId is its own `external_id`, in the sparse
 *   `byExternalId` index (not unique: RFC 7643 leaves that to the client);
 * - a group's externalId lookup: pk `externalid#<externalId>`, sk
 *   `group#<id>`, one Query;
 * - a group: pk `group#<id>`, sk `GROUP`; each member its own item (sk
 *   `member#<userId>`, so a large group never meets the 400 KB item limit
 *   and `excludedAttributes=members` reads one item), indexed `byMember`
 *   to find a user's groups;
 * - a group name lookup: pk `groupname#<lower displayName>`, sk
 *   `group#<id>`: not unique (Entra ID allows two groups of one name), one
 *   Query.
 */

/** The `resource_type` of the `byType` index; SCIM's own resource type names. */
export type ResourceType = 'User' | 'Group';

/** A SCIM resource document as stored: any JSON object. */
export type ScimDocument = Record<string, unknown>;

/** What both users and groups carry. */
interface ResourceItemBase {
  readonly pk: string;
  readonly sk: string;
  readonly id: string;
  /** The SCIM document without `id` and `meta` (those are derived from the item). */
  readonly resource: ScimDocument;
  /** Starts at 1; every write is conditional on it and adds 1. */
  readonly version: number;
  readonly created_at: string;
  readonly updated_at: string;
  /** Set by a SCIM DELETE: the item stays for its history, hidden from every SCIM read. */
  readonly deleted_at?: string;
  /** Present while the resource is listed (absent once deleted): the `byType` index partition. */
  readonly resource_type?: ResourceType;
  /** `created_at#id`: the `byType` sort key, so lists come oldest first and pages are stable. */
  readonly listed_at?: string;
  readonly external_id?: string;
  /** The sync event of the last write (`encodeSyncEvent`), logged by `usersFollowup`. */
  readonly sync_event?: string;
}

export interface UserItem extends ResourceItemBase {
  /** The lower-cased userName the lock item holds. */
  readonly user_name_key: string;
  readonly active: boolean;
}

export interface GroupItem extends ResourceItemBase {
  /** The lower-cased displayName the lookup item holds. */
  readonly display_name_key: string;
}

export interface MemberItem {
  readonly pk: string;
  readonly sk: string;
  readonly group_id: string;
  /** The `byMember` index partition: the groups of a user are one Query. */
  readonly member_user_id: string;
  readonly added_at: string;
}

/** A write refused because another user holds the userName (SCIM 409 `uniqueness`). */
class UserNameTakenError extends Error {
  constructor(readonly userName: string) {
    super(`userName ${userName} is already taken`);
    this.name = 'UserNameTakenError';
  }
}

/** A write refused because the item changed since it was read (or was deleted): read again and retry. */
class VersionMovedError extends Error {
  constructor(readonly id: string) {
    super(`${id} changed while it was being written`);
    this.name = 'VersionMovedError';
  }
}

/**
 * Key builders. Every key of the table is made here.
 *
 * @example
 * await dynamo().send(new GetCommand({ TableName: tableName('users'), Key: keys.user(id) }));
 */
const keys = {
  user: (id: string) => ({ pk: `user#${id}`, sk: 'USER' }),
  userNameLock: (userName: string) => ({ pk: `username#${userName.toLowerCase()}`, sk: 'LOCK' }),
  groupExternalId: (externalId: string, groupId: string) => ({
    pk: `externalid#${externalId}`,
    sk: `group#${groupId}`,
  }),
  externalIdPartition: (externalId: string) => `externalid#${externalId}`,
  group: (id: string) => ({ pk: `group#${id}`, sk: 'GROUP' }),
  groupPartition: (id: string) => `group#${id}`,
  member: (groupId: string, userId: string) => ({ pk: `group#${groupId}`, sk: `member#${userId}` }),
  groupName: (displayName: string, groupId: string) => ({
    pk: `groupname#${displayName.toLowerCase()}`,
    sk: `group#${groupId}`,
  }),
  groupNamePartition: (displayName: string) => `groupname#${displayName.toLowerCase()}`,
  /** What the downstream directory holds of a user or group (`push/`): beside the item, so no SCIM write clobbers it. */
  directoryLink: (resource: 'user' | 'group', id: string) => ({ pk: `${resource}#${id}`, sk: 'DIRECTORY' }),
} as const;

export { keys, UserNameTakenError, VersionMovedError };
