import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ScimError } from '../scim/scim-error.js';
import { changeMembers } from '../store/group-writes.js';
import { groupIdsOfUser } from '../store/group-reads.js';
import type { UserItem } from '../store/items.js';
import { countListed, listedPage } from '../store/listing.js';
import { getUser } from '../store/user-reads.js';
import { deleteUser } from '../store/user-writes.js';
// Field ownership (HR owns name, title, ...): every SCIM user write goes through it.
import { writeOwnedUser as writeUser } from './owned-write.js';
import { findUsers } from './find-resources.js';
import { listResponse, readListQuery } from './list-query.js';
import { patchDocument } from './patch-resources.js';
import { projectResource } from '../scim/projection.js';
import type { ScimDocument } from '../store/items.js';
import { userDocument } from './resource-bodies.js';
import { userResource } from './resource-views.js';
import { retryMoved } from './retry-moved.js';
import { scimBaseUrl, scimJson } from './scim-answers.js';
import { idpEvent, readScimBody } from './scim-request.js';

/**
 * /scim/v2/Users: list (with filter and paging), create, read, replace,
 * patch and delete. Each write is the store's one transaction, carrying a
 * sync event from the identity provider; a write that finds the user
 * changed since it was read reads again and decides again.
 */

type Answer = Promise<APIGatewayProxyStructuredResultV2>;

const idOf = (event: APIGatewayProxyEventV2): string => event.pathParameters?.id ?? '';

const existing = async (id: string): Promise<UserItem> => {
  const user = await getUser(id);
  if (!user) throw new ScimError(404, undefined, `User ${id} not found`);
  return user;
};

const answerUser = (
  event: APIGatewayProxyEventV2,
  status: number,
  user: UserItem,
  headers: Record<string, string> = {},
) => {
  const resource = userResource(user, scimBaseUrl(event));
  const query = event.queryStringParameters ?? {};
  // No ETag header: ServiceProviderConfig says etag is not supported, as If-Match is not enforced.
  return scimJson(status, projectResource(resource, 'User', query.attributes, query.excludedAttributes), headers);
};

/** GET /Users: a page of users, or those a filter matches; always a ListResponse. */
const listUsers = async (event: APIGatewayProxyEventV2): Answer => {
  const query = readListQuery(event.queryStringParameters);
  const baseUrl = scimBaseUrl(event);
  let page: UserItem[];
  let total: number;
  if (query.filter === undefined) {
    [total, page] = await Promise.all([countListed('User'), listedPage('User', query.startIndex, query.count)]);
  } else {
    const found = await findUsers(query.filter, baseUrl);
    total = found.length;
    page = found.slice(query.startIndex - 1, query.startIndex - 1 + query.count);
  }
  const resources = page.map((user) =>
    projectResource(userResource(user, baseUrl), 'User', query.attributes, query.excludedAttributes),
  );
  return scimJson(200, listResponse(resources, total, query.startIndex));
};

/** POST /Users: 201 with Location; 409 `uniqueness` when the userName is taken in any case. */
const createUser = async (event: APIGatewayProxyEventV2): Answer => {
  const resource = userDocument(readScimBody(event));
  const now = new Date();
  const user = await writeUser({ id: randomUUID(), resource, event: idpEvent('created', now), now });
  return answerUser(event, 201, user, { location: `${scimBaseUrl(event)}/Users/${user.id}` });
};

/** GET /Users/{id}: 404 for an unknown or deleted user; inactive users are found. */
const readUser = async (event: APIGatewayProxyEventV2): Answer => answerUser(event, 200, await existing(idOf(event)));

/** PUT /Users/{id}: the whole document replaced (what a client leaves out is gone). */
const replaceUser = async (event: APIGatewayProxyEventV2): Answer => {
  const resource = userDocument(readScimBody(event));
  const id = idOf(event);
  const user = await retryMoved(async () => {
    const previous = await existing(id);
    const now = new Date();
    return writeUser({ id, resource, previous, event: idpEvent('replaced', now), now });
  });
  return answerUser(event, 200, user);
};

/** PATCH /Users/{id}: RFC 7644 §3.5.2 operations applied by the SCIM core, then stored like a PUT. */
const patchUser = async (event: APIGatewayProxyEventV2): Answer => {
  const body = readScimBody(event);
  const id = idOf(event);
  const user = await retryMoved(async () => {
    const previous = await existing(id);
    const current: ScimDocument = userResource(previous, scimBaseUrl(event));
    const patched = patchDocument(current, body, 'User');
    if (patched === undefined) return previous;
    const resource = userDocument(patched);
    const now = new Date();
    return writeUser({ id, resource, previous, event: idpEvent('patched', now), now });
  });
  return answerUser(event, 200, user);
};

/** DELETE /Users/{id}: 204; the user leaves every read and its groups, its userName is free again. */
const removeUser = async (event: APIGatewayProxyEventV2): Answer => {
  const id = idOf(event);
  await retryMoved(async () => {
    const now = new Date();
    await deleteUser(await existing(id), idpEvent('deleted', now), now);
  });
  // After the user is gone: its memberships, one idempotent delete each.
  const groupIds = await groupIdsOfUser(id);
  await Promise.all(groupIds.map((groupId) => changeMembers(groupId, [], [id])));
  return { statusCode: 204, headers: {}, body: '' };
};

export { listUsers, createUser, readUser, replaceUser, patchUser, removeUser };
