import type { OutboundAction } from '../../kernel/outbound/action.js';
import { logger } from '../../kernel/observability.js';
import {
  getDirectoryLink,
  getResourceForPush,
  getUserDirectoryLinks,
  writeDirectoryLink,
} from '../store/directory-links.js';
import { groupMemberIds } from '../store/group-reads.js';
import type { GroupItem, ScimDocument, UserItem } from '../store/items.js';
import { getUsers } from '../store/user-reads.js';
import { findDirectoryUserId } from './directory-lookup.js';
import {
  type CurrentResource,
  type DirectoryResource,
  GROUP_SCHEMA,
  type PushRequest,
  USER_SCHEMA,
  desiredGroup,
  desiredUser,
  planPush,
} from './plan-request.js';

/**
 * Pushes one user or group to the downstream SCIM directory, built at send
 * time from the resource as it is then (so of several queued changes the
 * first one sent carries the newest state and the others find nothing left
 * to send) and from the directory link (its id there, what it was last
 * sent). `afterSuccess` records the new link: a write beside the resource
 * that no stream consumer pushes, so nothing echoes.
 */
interface PushState {
  readonly resource: DirectoryResource;
  readonly id: string;
  readonly version: number;
  readonly kind: PushRequest['kind'];
  readonly pushed: ScimDocument;
  /** Known before the call for an update or a delete (or an adopted user); a create's comes in the answer. */
  readonly directoryId?: string;
}

/** A group member the directory does not hold yet: the group waits (retried with backoff) until it does. */
class MemberNotPushedError extends Error {
  constructor(
    readonly groupId: string,
    readonly userIds: readonly string[],
  ) {
    super(
      `group ${groupId} waits for ${userIds.length} member(s) not yet in the directory: ${userIds.slice(0, 5).join(', ')}`,
    );
    this.name = 'MemberNotPushedError';
  }
}

const schemasOf = (resource: ScimDocument, fallback: string): string[] =>
  Array.isArray(resource.schemas) && resource.schemas.length > 0 ? resource.schemas.map(String) : [fallback];

/** The group's members as directory ids; throws while a living member has none yet. */
const memberDirectoryIds = async (groupId: string): Promise<string[]> => {
  const memberIds = await groupMemberIds(groupId);
  const links = await getUserDirectoryLinks(memberIds);
  const unlinked = memberIds.filter((id) => !links.has(id));
  // A member deleted here (or never stored) is left out; a living one must be pushed first.
  const waiting = (await getUsers(unlinked)).map((user) => user.id);
  if (waiting.length > 0) throw new MemberNotPushedError(groupId, waiting);
  return memberIds.flatMap((id) => {
    const link = links.get(id);
    return link && !link.deleted_at ? [link.directory_id] : [];
  });
};

const currentOf = async (resource: DirectoryResource, item: UserItem | GroupItem): Promise<CurrentResource> => {
  const deleted = item.deleted_at !== undefined;
  if (resource === 'user') {
    return {
      id: item.id,
      deleted,
      desired: desiredUser(item.id, item.resource),
      schemas: schemasOf(item.resource, USER_SCHEMA),
    };
  }
  const members = deleted ? [] : await memberDirectoryIds(item.id);
  return {
    id: item.id,
    deleted,
    desired: desiredGroup(item.id, item.resource, members),
    schemas: [GROUP_SCHEMA],
  };
};

const paramsOf = (params: Record<string, unknown> | undefined): { resource: DirectoryResource; id: string } => ({
  resource: params?.resource === 'group' ? 'group' : 'user',
  id: String(params?.id ?? ''),
});

const directoryPushAction: OutboundAction = {
  async prepare(message) {
    const { resource, id } = paramsOf(message.action?.params);
    const [item, link] = await Promise.all([getResourceForPush(resource, id), getDirectoryLink(resource, id)]);
    if (!item) return { skip: `${resource} ${id} does not exist` };
    const current = await currentOf(resource, item);
    const needsCreate = !current.deleted && !link;
    const userName = typeof item.resource.userName === 'string' ? item.resource.userName : undefined;
    const adoptedId = needsCreate && resource === 'user' && userName ? await findDirectoryUserId(userName) : undefined;
    if (adoptedId)
      logger.info('directory already holds the user; adopting its id', { user_id: id, directory_id: adoptedId });
    const plan = planPush(resource, current, link, adoptedId);
    if ('skip' in plan) return { skip: plan.skip };
    const directoryId = link?.directory_id ?? adoptedId;
    const state: PushState = {
      resource,
      id,
      version: item.version,
      kind: plan.kind,
      pushed: plan.pushed,
      ...(directoryId === undefined ? {} : { directoryId }),
    };
    return {
      request: {
        kind: 'http',
        integration: 'directory',
        method: plan.method,
        path: plan.path,
        ...(plan.body === undefined ? {} : { body: plan.body }),
        headers: { 'content-type': 'application/scim+json', accept: 'application/scim+json' },
      },
      state,
    };
  },

  async afterSuccess(_message, answer, state) {
    const { resource, id, version, kind, pushed } = state as PushState;
    const created = (answer.body as { id?: unknown } | undefined)?.id;
    const directoryId =
      (state as PushState).directoryId ?? (typeof created === 'string' && created !== '' ? created : undefined);
    if (!directoryId) {
      // Retrying would create it twice; the next push looks the user up by userName and adopts it.
      logger.error('directory accepted a create but returned no id; the resource stays unlinked', {
        resource,
        id,
        status: answer.status,
      });
      return;
    }
    const recorded = await writeDirectoryLink({
      resource,
      id,
      directoryId,
      pushed,
      version,
      now: new Date(),
      deleted: kind === 'delete',
    });
    logger.info('directory push acknowledged', { resource, id, version, kind, directory_id: directoryId, recorded });
  },
};

export { MemberNotPushedError, directoryPushAction };
