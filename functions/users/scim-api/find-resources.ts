import { type Lookup, prepareFilter } from '../scim/filter-plan.js';
import { findGroupsByDisplayName, findGroupsByExternalId, groupMemberIds } from '../store/group-reads.js';
import type { GroupItem, UserItem } from '../store/items.js';
import { listAll } from '../store/listing.js';
import { findUserByUserName, findUsersByExternalId } from '../store/user-reads.js';
import { groupResource, userResource } from './resource-views.js';

/**
 * A filtered SCIM list: the filter is parsed, checked and planned by the
 * SCIM core (`filter-plan.ts`); `userName eq`, `externalId eq` and a
 * group's `displayName eq` read their lookup items (strongly consistent,
 * cost independent of the directory's size), anything else reads every
 * listed resource; either way each candidate must pass the whole filter.
 */

const uniqueById = <T extends { readonly id: string }>(items: readonly T[]): T[] => [
  ...new Map(items.map((item) => [item.id, item])).values(),
];

const userCandidates = async (lookup: Lookup): Promise<UserItem[]> => {
  if (lookup.index === 'userName') {
    const user = await findUserByUserName(lookup.key);
    return user ? [user] : [];
  }
  return lookup.index === 'externalId' ? findUsersByExternalId(lookup.key) : [];
};

const groupCandidates = async (lookup: Lookup): Promise<GroupItem[]> => {
  if (lookup.index === 'displayName') return findGroupsByDisplayName(lookup.key);
  return lookup.index === 'externalId' ? findGroupsByExternalId(lookup.key) : [];
};

/**
 * The users a filter matches, oldest first.
 *
 * @throws ScimError 400 `invalidFilter` for a filter that does not parse or names an unknown attribute.
 *
 * @example
 * const users = await findUsers('userName eq "ana@example.com"', baseUrl);
 */
const findUsers = async (filter: string, baseUrl: string): Promise<UserItem[]> => {
  const prepared = prepareFilter(filter, 'User');
  if (!prepared.ok) throw prepared.error;
  const { plan, matches } = prepared.value;
  const candidates =
    plan.kind === 'lookup'
      ? uniqueById((await Promise.all(plan.lookups.map(userCandidates))).flat())
      : await listAll('User');
  return candidates
    .filter((user) => matches(userResource(user, baseUrl)))
    .sort((a, b) => (a.listed_at ?? '').localeCompare(b.listed_at ?? ''));
};

/**
 * The groups a filter matches, oldest first. Members are read only for a
 * filter that names them.
 *
 * @throws ScimError 400 `invalidFilter` for a filter that does not parse or names an unknown attribute.
 *
 * @example
 * const groups = await findGroups('displayName eq "Engineering"', baseUrl);
 */
const findGroups = async (filter: string, baseUrl: string): Promise<GroupItem[]> => {
  const prepared = prepareFilter(filter, 'Group');
  if (!prepared.ok) throw prepared.error;
  const { plan, matches, filter: checked } = prepared.value;
  const candidates =
    plan.kind === 'lookup'
      ? uniqueById((await Promise.all(plan.lookups.map(groupCandidates))).flat())
      : await listAll('Group');
  const needsMembers = JSON.stringify(checked).includes('"members"');
  const kept: GroupItem[] = [];
  for (const group of candidates) {
    const memberIds = needsMembers ? await groupMemberIds(group.id) : undefined;
    if (matches(groupResource(group, memberIds, baseUrl))) kept.push(group);
  }
  return kept.sort((a, b) => (a.listed_at ?? '').localeCompare(b.listed_at ?? ''));
};

export { findUsers, findGroups };
