import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { OutboundMessageInput } from '../../kernel/outbound/message.js';
import type { DirectoryResource } from './plan-request.js';

/**
 * Which changes of the `users` table go to the downstream directory, as
 * outbound messages:
 *
 * - a user or group item whose version moved (a create, a SCIM or HR write,
 *   a delete): one message for that version, superseded by a newer one;
 * - member items added or removed: one message per group and batch (a
 *   1,000-member PATCH is 1,000 member records), not superseded, since the
 *   group's version may not have moved after its members were written; the
 *   action finds nothing to send when the group's own push already did.
 *
 * What is never pushed: lookups, pending changes, an item rewritten
 * without its version moving (bookkeeping), and the directory links the
 * push itself writes (sk `DIRECTORY`): nothing here echoes a push back.
 */
export const PUSH_ACTION = 'users.pushToDirectory';
const INTEGRATION = 'directory';

interface ResourceImage {
  readonly id?: string;
  readonly version?: number;
}

const imageOf = (image: Record<string, unknown> | undefined): ResourceImage | undefined =>
  image ? (unmarshall(image as Record<string, AttributeValue>) as ResourceImage) : undefined;

const keyText = (record: DynamoDBRecord, name: 'pk' | 'sk'): string => record.dynamodb?.Keys?.[name]?.S ?? '';

/** The FIFO group and the supersede key of one resource's pushes. */
const groupOf = (resource: DirectoryResource, id: string): string => `directory#${resource}#${id}`;

const message = (
  resource: DirectoryResource,
  id: string,
  messageId: string,
  version?: number,
): OutboundMessageInput => {
  const group = groupOf(resource, id);
  return {
    id: messageId,
    group,
    // Rewritten at send time by the action, from the resource as it is then.
    request: { integration: INTEGRATION, method: 'PATCH', path: resource === 'user' ? '/Users' : '/Groups' },
    action: { name: PUSH_ACTION, params: { resource, id } },
    ...(version === undefined ? {} : { supersede: { key: group, version } }),
    context: {
      record_type: resource,
      record_id: id,
      ...(version === undefined ? { trigger: 'members' } : { version }),
    },
  };
};

/** A user or group change worth pushing: its version moved. */
const resourceChange = (record: DynamoDBRecord, resource: DirectoryResource): OutboundMessageInput | undefined => {
  if (record.eventName === 'REMOVE') return undefined;
  const now = imageOf(record.dynamodb?.NewImage);
  if (!now?.id || now.version === undefined) return undefined;
  const before = imageOf(record.dynamodb?.OldImage);
  if (before && (before.version ?? 0) >= now.version) return undefined;
  return message(resource, now.id, `${groupOf(resource, now.id)}#v${now.version}`, now.version);
};

/**
 * The outbound messages for one batch of stream records, at most one per
 * version of a resource and one per group for its member changes.
 *
 * @example
 * await enqueueOutbound(planDirectoryMessages(event.Records));
 */
const planDirectoryMessages = (records: readonly DynamoDBRecord[]): OutboundMessageInput[] => {
  const messages = new Map<string, OutboundMessageInput>();
  const memberChanges = new Map<string, string>();
  for (const record of records) {
    const pk = keyText(record, 'pk');
    const sk = keyText(record, 'sk');
    if (sk === 'USER' || sk === 'GROUP') {
      const change = resourceChange(record, sk === 'USER' ? 'user' : 'group');
      if (change) messages.set(change.id, change);
    } else if (sk.startsWith('member#') && pk.startsWith('group#')) {
      // The last record's event id names the batch's message: a replayed batch queues the same one.
      memberChanges.set(pk.slice('group#'.length), record.eventID ?? '');
    }
  }
  for (const [groupId, eventId] of memberChanges) {
    const change = message('group', groupId, `${groupOf('group', groupId)}#members#${eventId}`);
    messages.set(change.id, change);
  }
  return [...messages.values()];
};

export { groupOf, planDirectoryMessages };
