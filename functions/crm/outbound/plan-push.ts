import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { mappingFor } from '../../kernel/mappings/crm/index.js';
import type { OutboundMessageInput } from '../../kernel/outbound/message.js';
import type { StoredRecord } from '../../kernel/records/record.js';

/**
 * Which local changes go to the CRM: a data change (the version grew) of a
 * type with an outbound mapping, not deleted, and not made by the CRM itself
 * or by our own write-back. The stream filter criteria already drop most of
 * what does not qualify; this is the same rule in code, because a filter is
 * configuration and the rule must hold even if it drifts.
 */
const SYSTEM = 'crm';
export const PUSH_ACTION = 'crm.pushRecord';
const NOT_PUSHED_ORIGINS = new Set([SYSTEM, 'sync']);

const imageOf = (image: Record<string, unknown> | undefined): StoredRecord | undefined =>
  image ? (unmarshall(image as Record<string, AttributeValue>) as StoredRecord) : undefined;

/**
 * @returns the message that pushes the record, or why it is not pushed.
 *
 * @example
 * const plan = planCrmPush(streamRecord);
 * if ('message' in plan) await enqueueOutbound([plan.message]);
 */
const planCrmPush = (record: DynamoDBRecord): { message: OutboundMessageInput } | { skip: string } => {
  if (record.eventName === 'REMOVE') return { skip: 'removed items are not pushed' };
  const now = imageOf(record.dynamodb?.NewImage);
  if (!now) return { skip: 'no new image' };
  if (NOT_PUSHED_ORIGINS.has(now.origin)) return { skip: `change made by ${now.origin}` };
  const mapping = mappingFor(SYSTEM, now.record_type);
  if (!mapping?.outbound) return { skip: `no outbound mapping for ${now.record_type}` };
  const before = imageOf(record.dynamodb?.OldImage);
  if (now.version <= (before?.version ?? 0)) return { skip: 'bookkeeping only, data unchanged' };
  if (now.deleted_at) return { skip: 'record is deleted' };
  const group = `${SYSTEM}#${now.record_type}#${now.record_id}`;
  return {
    message: {
      id: `${group}#v${now.version}`,
      group,
      // Rewritten at send time by the action, from the record as it is then.
      request: { integration: SYSTEM, method: 'PUT', path: mapping.outbound.updatePath },
      action: { name: PUSH_ACTION, params: { record_type: now.record_type, record_id: now.record_id } },
      context: { record_type: now.record_type, record_id: now.record_id, version: now.version },
    },
  };
};

export { planCrmPush };
