import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { ErpItem, StoredErpEntity } from '../../functions/kernel/erp/erp-items.js';
import type { JsonAnswer } from './http-client.js';
import type { TestStack } from './test-stack.js';

/** The ERP webhook key the fake systems set (`fake-systems.ts`). */
export const TEST_ERP_WEBHOOK_KEY = 'erp-webhook-key-0123456789';

/** Posts an ERP webhook body with the key (or the given headers instead). */
export const postErpWebhook = async <T = Record<string, unknown>>(
  stack: TestStack,
  body: unknown,
  options: { key?: string | null; headers?: Record<string, string>; raw?: string; query?: string } = {},
): Promise<JsonAnswer<T>> => {
  const key = options.key === undefined ? TEST_ERP_WEBHOOK_KEY : options.key;
  const response = await stack.fetch(`/webhooks/erp${options.query ?? ''}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key === null ? {} : { 'x-api-key': key }),
      ...options.headers,
    },
    body: options.raw ?? JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // Plain text (a validation token): kept as is.
  }
  return { status: response.status, body: parsed as T };
};

/** The stored item of an ERP entity, read straight from the table. */
export const erpItemOf = async (
  stack: TestStack,
  entity: StoredErpEntity,
  id: string,
): Promise<ErpItem | undefined> => {
  const out = await stack.dynamodb.send(
    new GetCommand({
      TableName: stack.resources.tables.erp?.physicalName,
      Key: { pk: `${entity}#${id}`, sk: 'ENTITY' },
      ConsistentRead: true,
    }),
  );
  return out.Item as ErpItem | undefined;
};
