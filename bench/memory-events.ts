import { randomUUID } from 'node:crypto';
import { outboundMessage } from '../functions/kernel/outbound/message.js';
import { carriedSyncEvent, encodeSyncEvent } from '../functions/kernel/sync-log/sync-events.js';
import type { Topology } from '../lib/topology.js';
import {
  anAuthorizerEvent,
  anHttpApiEvent,
  anSqsEvent,
  anSqsRecord,
  aScheduledEvent,
  aStreamEvent,
  aStreamRecord,
} from '../test/helpers/lambda-events.js';
import { anHrEvent } from '../test/helpers/hr-factories.js';
import { aStoredContact } from '../test/helpers/record-factories.js';
import { aSignedWebhookEvent } from './webhook-events.js';
import { aBenchErpOrder } from './erp-order.js';

/** Credentials the memory bench gives the functions (as variables), and signs or sends its events with. */
const MEMORY_BENCH_SECRETS = {
  ADMIN_TOKEN: 'memory-bench-admin-token-0123456789',
  SCIM_TOKEN: 'memory-bench-scim-token-0123456789',
  ERP_WEBHOOK_KEY: 'memory-bench-erp-key-0123456789',
  CRM_WEBHOOK_SECRET: `whsec_${Buffer.from('memory-bench-crm-secret-32-bytes').toString('base64')}`,
  INVENTORY_WEBHOOK_SECRET: `whsec_${Buffer.from('memory-bench-inv-secret-32-bytes').toString('base64')}`,
  HR_WEBHOOK_SECRET: `whsec_${Buffer.from('memory-bench-hr-secret-32-bytes!').toString('base64')}`,
} as const;

/** A representative event for one invocation, and what it stands for (shown in the bench table). */
interface RepresentativeEvent {
  readonly kind: string;
  readonly make: (index: number) => unknown;
}

const adminAuthorizer = { lambda: { principal: 'admin' } };

const adminGet = (path: string, routeKey: string, pathParameters: Record<string, string> = {}) =>
  anHttpApiEvent({
    method: 'GET',
    path,
    routeKey: `GET ${routeKey}`,
    pathParameters,
    authorizerContext: adminAuthorizer,
  });

/** A 10-line ERP sales order event, as the erp-orders suite sends it. */
const anErpOrder = (id: string) => ({
  eventType: 'created',
  entity: 'salesOrder',
  entityId: id,
  payload: aBenchErpOrder(id),
});

/** Events for the functions whose generic event (by trigger) would stop at validation or authentication. */
const specific: Readonly<Record<string, RepresentativeEvent>> = {
  adminAuthorizer: {
    kind: 'authorizer, valid bearer token',
    make: () =>
      anAuthorizerEvent({
        method: 'GET',
        path: '/admin/records/contact',
        headers: { authorization: `Bearer ${MEMORY_BENCH_SECRETS.ADMIN_TOKEN}` },
      }),
  },
  admin: {
    kind: 'GET /admin/records/contact',
    make: () => adminGet('/admin/records/contact', '/admin/records/{type}', { type: 'contact' }),
  },
  crmInbound: {
    kind: 'signed CRM contact created',
    make: (i) => {
      const id = `mem-${randomUUID().slice(0, 8)}-${i}`;
      return aSignedWebhookEvent({
        path: '/webhooks/crm',
        secret: MEMORY_BENCH_SECRETS.CRM_WEBHOOK_SECRET,
        body: JSON.stringify({
          event: 'created',
          type: 'contact',
          id,
          data: { firstName: 'Ana', lastName: `Lima ${id}`, email: `${id}@example.com`, account: { name: 'Acme' } },
          timestamp: new Date().toISOString(),
        }),
      });
    },
  },
  inventoryWebhook: {
    kind: 'signed stock receipt',
    make: (i) =>
      aSignedWebhookEvent({
        path: '/webhooks/inventory',
        secret: MEMORY_BENCH_SECRETS.INVENTORY_WEBHOOK_SECRET,
        body: JSON.stringify({ source: 'erp', sku: `SKU-${i % 5}`, warehouse: 'WH-1', type: 'receipt', quantity: 1 }),
      }),
  },
  erpWebhook: {
    kind: '10-line sales order',
    make: () => {
      const body = JSON.stringify(anErpOrder(`SO-${randomUUID().slice(0, 8)}`));
      return anHttpApiEvent({
        method: 'POST',
        path: '/webhooks/erp',
        headers: { 'x-api-key': MEMORY_BENCH_SECRETS.ERP_WEBHOOK_KEY },
        body,
      });
    },
  },
  hrWebhook: {
    kind: 'signed HR hire',
    make: () =>
      aSignedWebhookEvent({
        path: '/webhooks/hr',
        secret: MEMORY_BENCH_SECRETS.HR_WEBHOOK_SECRET,
        body: JSON.stringify(anHrEvent('hire')),
      }),
  },
  scimApi: {
    kind: 'POST /scim/v2/Users',
    make: () => {
      const userName = `mem-${randomUUID().slice(0, 8)}@example.com`;
      return anHttpApiEvent({
        method: 'POST',
        path: '/scim/v2/Users',
        routeKey: 'POST /scim/v2/Users',
        headers: {
          authorization: `Bearer ${MEMORY_BENCH_SECRETS.SCIM_TOKEN}`,
          'content-type': 'application/scim+json',
        },
        body: JSON.stringify({
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName,
          externalId: `ext-${userName}`,
          name: { givenName: 'Bench', familyName: 'User' },
          emails: [{ value: userName, type: 'work', primary: true }],
          active: true,
        }),
      });
    },
  },
  bulkAdmin: { kind: 'GET /admin/bulk-jobs', make: () => adminGet('/admin/bulk-jobs', '/admin/bulk-jobs') },
  conflictsAdmin: { kind: 'GET /admin/conflicts', make: () => adminGet('/admin/conflicts', '/admin/conflicts') },
  monitorAdmin: { kind: 'GET /admin/health', make: () => adminGet('/admin/health', '/admin/health') },
};

const fillPath = (path: string): { path: string; pathParameters: Record<string, string> } => {
  const pathParameters: Record<string, string> = {};
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => {
    pathParameters[name] = name === 'type' || name === 'entity' ? 'contact' : `${name}-1`;
    return pathParameters[name] as string;
  });
  return { path: filled, pathParameters };
};

/**
 * The sort key of the items a table's consumers are filtered on (a stock
 * level, an ERP entity, a user), so the batch passes the consumer's filter
 * as it would on Lambda.
 */
const sortKeys: Readonly<Record<string, string>> = { inventory: 'STOCK', erp: 'ENTITY', users: 'USER' };

/** The sync event a tool's write carries, which the sync-log writer and the users follow-up read. */
const aCarriedEvent = (recordType: string, recordId: string): string =>
  encodeSyncEvent(
    carriedSyncEvent({
      direction: 'inbound',
      source: 'erp',
      event: 'updated',
      outcome: 'synced',
      detail: { bench: `${recordType} ${recordId}` },
    }),
  );

/** A stream image for a table: a stored contact for `records`, else the table's keys and a few fields. */
const anImage = (topology: Topology, table: string, i: number, version: number) => {
  if (table === 'records') {
    return {
      ...aStoredContact({
        pk: `contact#mem-${i}`,
        record_id: `mem-${i}`,
        origin: 'erp',
        version,
        synced_version: version - 1,
      }),
      sync_event: aCarriedEvent('contact', `mem-${i}`),
    } as unknown as Record<string, string | number>;
  }
  if (table === 'inventory') {
    // A stock level after a receipt, as the inventory webhook's atomic update leaves it (kernel/stock/stock.ts).
    const sku = `SKU-${i}`;
    const now = new Date().toISOString();
    return {
      pk: `${sku}#WH-1`,
      sk: 'STOCK',
      sku,
      warehouse: 'WH-1',
      quantity_on_hand: 10 + version,
      version,
      created_at: now,
      updated_at: now,
      last_adjustment_type: 'receipt',
      last_adjustment_source: 'erp',
      last_delivery_id: `msg_${i}_${version}`,
      last_quantity_before: 9 + version,
    };
  }
  const spec = topology.tables[table];
  const image: Record<string, string | number> = {
    updated_at: new Date().toISOString(),
    version,
    sync_event: aCarriedEvent(table, `mem-${i}`),
  };
  if (spec) {
    image[spec.partitionKey] = `${table}#mem-${i}`;
    if (spec.sortKey) image[spec.sortKey] = sortKeys[table] ?? `v#${version}`;
  }
  return image;
};

/**
 * A representative event for a function of the topology, by its trigger:
 * the specific ones above, else a stream batch of the size its consumer is
 * configured with, an SQS batch likewise, a scheduled event, or a GET of its
 * first route. `index` makes each invocation's ids new, so webhooks are not
 * answered as redeliveries.
 *
 * @example
 * const { kind, make } = representativeEvent(topology, 'crmOutbound');
 * await handler(make(0), context);
 */
const representativeEvent = (topology: Topology, name: string): RepresentativeEvent => {
  const own = specific[name];
  if (own) return own;
  const stream = topology.streamConsumers.find((consumer) => consumer.function === name);
  if (stream) {
    return {
      kind: `stream batch of ${stream.batchSize} (${stream.table})`,
      make: (index) =>
        aStreamEvent(
          Array.from({ length: stream.batchSize }, (_, i) => {
            const n = index * stream.batchSize + i;
            const spec = topology.tables[stream.table];
            const newImage = anImage(topology, stream.table, n, 3);
            const keys: Record<string, string | number> = {};
            if (spec) {
              keys[spec.partitionKey] = newImage[spec.partitionKey] ?? `k-${n}`;
              if (spec.sortKey) keys[spec.sortKey] = newImage[spec.sortKey] ?? `s-${n}`;
            }
            return aStreamRecord({
              eventName: 'MODIFY',
              keys,
              newImage,
              oldImage: anImage(topology, stream.table, n, 2),
              table: stream.table,
            });
          }),
        ),
    };
  }
  const queue = topology.queueConsumers.find((consumer) => consumer.function === name);
  if (queue) {
    const fifo = topology.queues[queue.queue]?.fifo ?? false;
    return {
      kind: `SQS batch of ${queue.batchSize} (${queue.queue})`,
      make: (index) =>
        anSqsEvent(
          Array.from({ length: queue.batchSize }, (_, i) => {
            const n = index * queue.batchSize + i;
            const body =
              queue.queue === 'outbound'
                ? JSON.stringify(
                    outboundMessage.parse({
                      id: `crm#contact#mem-${n}#v1`,
                      group: `crm#contact#mem-${n}`,
                      request: {
                        integration: 'crm',
                        method: 'PUT',
                        path: `/api/contacts/mem-${n}`,
                        body: { email: `mem-${n}@example.com` },
                      },
                      context: { record_type: 'contact', record_id: `mem-${n}` },
                    }),
                  )
                : queue.queue === 'bulkPages'
                  ? JSON.stringify({ job_id: `job-${n}`, page: 0, cursor: null })
                  : JSON.stringify({ requestContext: { functionArn: 'bench' } });
            return anSqsRecord({ body, queue: queue.queue, ...(fifo ? { group: `g-${n}` } : {}) });
          }),
        ),
    };
  }
  const schedule = topology.schedules.find((entry) => entry.function === name);
  if (schedule) return { kind: `schedule ${schedule.name}`, make: () => aScheduledEvent(schedule.name) };
  const routes = topology.routes.filter((route) => route.function === name);
  const route = routes.find((r) => r.method === 'GET') ?? routes[0];
  if (route) {
    const { path, pathParameters } = fillPath(route.path);
    return {
      kind: `${route.method} ${route.path}`,
      make: () =>
        anHttpApiEvent({
          method: route.method,
          path,
          routeKey: `${route.method} ${route.path}`,
          pathParameters,
          ...(route.auth === 'admin' ? { authorizerContext: adminAuthorizer } : {}),
        }),
    };
  }
  return { kind: 'no trigger: empty event', make: () => ({}) };
};

/** What the suite builds each invocation's event with. */
export type { RepresentativeEvent };
export { representativeEvent, MEMORY_BENCH_SECRETS };
