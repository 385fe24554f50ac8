import type { GroupItem, ScimDocument, UserItem } from '../store/items.js';

/**
 * Stored items as SCIM resources: the document with `id` and `meta`
 * (resourceType, created, lastModified, location, version) derived from
 * the item, never stored in it, so a renamed host or stage changes no data.
 */

const metaOf = (item: UserItem | GroupItem, resourceType: 'User' | 'Group', location: string) => ({
  resourceType,
  created: item.created_at,
  lastModified: item.updated_at,
  location,
  version: `W/"${item.version}"`,
});

/**
 * A user as SCIM answers it.
 *
 * @example
 * scimJson(200, userResource(user, scimBaseUrl(event)));
 */
const userResource = (item: UserItem, baseUrl: string): ScimDocument => ({
  ...item.resource,
  id: item.id,
  meta: metaOf(item, 'User', `${baseUrl}/Users/${item.id}`),
});

/**
 * A group as SCIM answers it; `members` only when they were read (left
 * out for `excludedAttributes=members`, which reads the group item alone).
 *
 * @example
 * groupResource(group, await groupMemberIds(group.id), baseUrl);
 */
const groupResource = (item: GroupItem, memberIds: readonly string[] | undefined, baseUrl: string): ScimDocument => ({
  ...item.resource,
  id: item.id,
  ...(memberIds === undefined
    ? {}
    : { members: memberIds.map((value) => ({ value, $ref: `${baseUrl}/Users/${value}`, type: 'User' })) }),
  meta: metaOf(item, 'Group', `${baseUrl}/Groups/${item.id}`),
});

export { userResource, groupResource };
