import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ScimError } from '../scim/scim-error.js';
import { getGroup, groupMemberIds } from '../store/group-reads.js';
import { changeMembers, deleteGroup, writeGroup } from '../store/group-writes.js';
import type { GroupItem } from '../store/items.js';
import { countListed, listedPage } from '../store/listing.js';
import { getUsers } from '../store/user-reads.js';
import { findGroups } from './find-resources.js';
import { listResponse, membersWanted, readListQuery } from './list-query.js';
import { patchDocument } from './patch-resources.js';
import { projectResource } from '../scim/projection.js';
import { groupDocument } from './resource-bodies.js';
import { groupResource } from './resource-views.js';
import { retryMoved } from './retry-moved.js';
import { scimBaseUrl, scimJson } from './scim-answers.js';
import { idpEvent, readScimBody } from './scim-request.js';

/**
 * /scim/v2/Groups. A group's own item and its members are written apart
 * (members are items of their own, see `store/group-writes.ts`): the group
 * first, conditional on its version, then the member changes, each
 * idempotent. Members must be users of this directory (nested groups are
 * not supported); `excludedAttributes=members` reads the group item alone.
 */

type Answer = Promise<APIGatewayProxyStructuredResultV2>;

const idOf = (event: APIGatewayProxyEventV2): string => event.pathParameters?.id ?? '';

const existing = async (id: string): Promise<GroupItem> => {
  const group = await getGroup(id);
  if (!group) throw new ScimError(404, undefined, `Group ${id} not found`);
  return group;
};

/** Refuses members that are no (listed) user, before anything is written. */
const checkMembers = async (memberIds: readonly string[]): Promise<void> => {
  if (memberIds.length === 0) return;
  const found = new Set((await getUsers(memberIds)).map((user) => user.id));
  const unknown = memberIds.filter((id) => !found.has(id));
  if (unknown.length > 0) {
    throw new ScimError(400, 'invalidValue', `members: no user with id ${unknown.slice(0, 5).join(', ')}`);
  }
};

const difference = (a: readonly string[], b: readonly string[]): string[] => {
  const other = new Set(b);
  return a.filter((id) => !other.has(id));
};

const present = (event: APIGatewayProxyEventV2, group: GroupItem, memberIds: readonly string[] | undefined) => {
  const query = event.queryStringParameters ?? {};
  return projectResource(
    groupResource(group, memberIds, scimBaseUrl(event)),
    'Group',
    query.attributes,
    query.excludedAttributes,
  );
};

/** GET /Groups: a page of groups, or those a filter matches; members read only when wanted. */
const listGroups = async (event: APIGatewayProxyEventV2): Answer => {
  const query = readListQuery(event.queryStringParameters);
  let page: GroupItem[];
  let total: number;
  if (query.filter === undefined) {
    [total, page] = await Promise.all([countListed('Group'), listedPage('Group', query.startIndex, query.count)]);
  } else {
    const found = await findGroups(query.filter, scimBaseUrl(event));
    total = found.length;
    page = found.slice(query.startIndex - 1, query.startIndex - 1 + query.count);
  }
  const wanted = membersWanted(query);
  const resources = await Promise.all(
    page.map(async (group) => present(event, group, wanted ? await groupMemberIds(group.id) : undefined)),
  );
  return scimJson(200, listResponse(resources, total, query.startIndex));
};

/** POST /Groups: 201 with Location; the members given must be users here. */
const createGroup = async (event: APIGatewayProxyEventV2): Answer => {
  const { resource, memberIds } = groupDocument(readScimBody(event));
  await checkMembers(memberIds);
  const now = new Date();
  const group = await writeGroup({ id: randomUUID(), resource, event: idpEvent('created', now), now });
  await changeMembers(group.id, memberIds, [], now);
  return scimJson(201, present(event, group, memberIds), {
    location: `${scimBaseUrl(event)}/Groups/${group.id}`,
  });
};

/** GET /Groups/{id}. */
const readGroup = async (event: APIGatewayProxyEventV2): Answer => {
  const group = await existing(idOf(event));
  const memberIds = membersWanted(event.queryStringParameters ?? {}) ? await groupMemberIds(group.id) : undefined;
  return scimJson(200, present(event, group, memberIds));
};

/** Stores a new group document and member list over the old ones. */
const storeGroup = async (
  previous: GroupItem,
  before: readonly string[],
  next: { resource: Record<string, unknown>; memberIds: string[] },
  action: string,
): Promise<GroupItem> => {
  const added = difference(next.memberIds, before);
  const removed = difference(before, next.memberIds);
  await checkMembers(added);
  const now = new Date();
  const group = await writeGroup({
    id: previous.id,
    resource: next.resource,
    previous,
    event: idpEvent(action, now, { members_added: added.length, members_removed: removed.length }),
    now,
  });
  await changeMembers(previous.id, added, removed, now);
  return group;
};

/** PUT /Groups/{id}: document and member list replaced. */
const replaceGroup = async (event: APIGatewayProxyEventV2): Answer => {
  const next = groupDocument(readScimBody(event));
  const id = idOf(event);
  const group = await retryMoved(async () => {
    const previous = await existing(id);
    return storeGroup(previous, await groupMemberIds(id), next, 'replaced');
  });
  return scimJson(200, present(event, group, next.memberIds));
};

/**
 * PATCH /Groups/{id}: operations applied by the SCIM core to the group with
 * its members, the member difference written. Answers 204 (RFC 7644
 * §3.5.2 allows it, Entra ID expects it): a group of thousands is not sent
 * back for each member added.
 */
const patchGroup = async (event: APIGatewayProxyEventV2): Answer => {
  const body = readScimBody(event);
  const id = idOf(event);
  await retryMoved(async () => {
    const previous = await existing(id);
    const before = await groupMemberIds(id);
    const patched = patchDocument(groupResource(previous, before, scimBaseUrl(event)), body, 'Group');
    if (patched === undefined) return previous;
    return storeGroup(previous, before, groupDocument(patched), 'patched');
  });
  return { statusCode: 204, headers: {}, body: '' };
};

/** DELETE /Groups/{id}: 204; the group leaves every read, its members are removed. */
const removeGroup = async (event: APIGatewayProxyEventV2): Answer => {
  const id = idOf(event);
  await retryMoved(async () => {
    const now = new Date();
    const previous = await existing(id);
    await deleteGroup(previous, await groupMemberIds(id), idpEvent('deleted', now), now);
  });
  return { statusCode: 204, headers: {}, body: '' };
};

export { listGroups, createGroup, readGroup, replaceGroup, patchGroup, removeGroup };
