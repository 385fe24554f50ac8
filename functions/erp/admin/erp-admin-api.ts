import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { parseOr400 } from '../../kernel/http/parse-or-400.js';
import { HttpError, json } from '../../kernel/http/responses.js';
import * as z from '../../kernel/validation.js';
import { ERP_ENTITIES, erpId } from '../../kernel/erp/erp-events.js';
import type { ErpItem, StoredErpEntity } from '../../kernel/erp/erp-items.js';
import { listOrderLinked } from '../store/erp-order-reads.js';
import { getErpItem } from '../../kernel/erp/erp-reads.js';

/**
 * The ERP admin routes, behind the admin authorizer:
 *
 * - `GET /admin/orders/{orderId}`: the sales order with its `lines`, and
 *   the `shipments` and `invoices` naming it; 404 only when nothing at all
 *   is known (a shipment that came before its order is still shown, with
 *   `order: null`).
 * - `GET /admin/erp/{entity}/{id}`: any other stored entity; 400 listing
 *   the entities for an unknown one; `inventory` lives with the stock and
 *   is pointed at `/admin/inventory/{sku}/{warehouse}`.
 *
 * Answers the entity as the ERP describes it plus what we keep about it
 * (status, version, times); never storage internals (keys, carried sync event, fingerprint).
 */

const STORED: readonly StoredErpEntity[] = ERP_ENTITIES.filter((e): e is StoredErpEntity => e !== 'inventory');

// Built on first use (z.lazy), not at import: a cold start pays only for the route it serves (issue 15).
const entityPath = z.lazy(() => z.object({ entity: z.string(), id: erpId }));
const orderPath = z.lazy(() => z.object({ orderId: erpId }));

/** The public view of an item. */
const publicItem = (item: ErpItem): Record<string, unknown> => ({
  entity: item.entity,
  id: item.entity_id,
  ...item.data,
  ...(item.status === undefined ? {} : { status: item.status }),
  version: item.version,
  last_event_type: item.last_event_type,
  created_at: item.created_at,
  updated_at: item.updated_at,
  ...(item.change_time === undefined ? {} : { change_time: new Date(item.change_time).toISOString() }),
  ...(item.deleted_at === undefined ? {} : { deleted_at: item.deleted_at }),
  ...(item.cancelled_at === undefined ? {} : { cancelled_at: item.cancelled_at }),
  ...(item.payment_status === undefined ? {} : { payment_status: item.payment_status }),
  ...(item.paid_at === undefined ? {} : { paid_at: item.paid_at }),
  ...(item.delivered_at === undefined ? {} : { delivered_at: item.delivered_at }),
});

const routes: Record<string, (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>> = {
  'GET /admin/orders/{orderId}': async (event) => {
    const { orderId } = parseOr400(orderPath, event.pathParameters, 'path');
    const [order, linked] = await Promise.all([getErpItem('salesOrder', orderId), listOrderLinked(orderId)]);
    if (!order && linked.length === 0) throw new HttpError(404, `No order ${orderId} is known`);
    const { lineItems, ...orderFields } = order ? publicItem(order) : { lineItems: undefined };
    return json(200, {
      order: order ? orderFields : null,
      lines: Array.isArray(lineItems) ? lineItems : [],
      shipments: linked.filter((item) => item.entity === 'shipment').map(publicItem),
      invoices: linked.filter((item) => item.entity === 'invoice').map(publicItem),
    });
  },
  'GET /admin/erp/{entity}/{id}': async (event) => {
    const { entity, id } = parseOr400(entityPath, event.pathParameters, 'path');
    if (entity === 'inventory') {
      throw new HttpError(400, 'ERP inventory is kept with the stock: GET /admin/inventory/{sku}/{warehouse}');
    }
    if (!(STORED as readonly string[]).includes(entity)) {
      throw new HttpError(400, `Unknown ERP entity ${entity}: must be one of ${STORED.join(', ')}`);
    }
    const item = await getErpItem(entity as StoredErpEntity, id);
    if (!item) throw new HttpError(404, `No ${entity} ${id} is known`);
    return json(200, publicItem(item));
  },
};

/**
 * @example
 * await handleErpAdmin(event); // { statusCode: 200, body: '{"order":{...},"lines":[...],"shipments":[],"invoices":[]}' }
 */
const handleErpAdmin = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const route = routes[event.routeKey];
  if (!route) throw new HttpError(404, `No ERP admin route ${event.routeKey}`);
  return route(event);
};

export { handleErpAdmin, entityPath, orderPath };
