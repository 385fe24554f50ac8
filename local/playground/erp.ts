import { badField, bearerRefusal, noRoute, objectBody, offsetPage, urlOf } from './answers.js';
import type { FakeAnswer, RecordedRequest } from './fake-http-server.js';
import type { PlaygroundContext, PlaygroundSystem } from './playground-system.js';

/**
 * The ERP, as `functions/erp/fetch/` and the inventory connector call it:
 * `GET /api/{entity}/{id}` answers the entity (an id-only webhook such as
 * `npm run send -- erp updated invoice INV-7` is fetched here), and
 * `PUT /api/inventory/{sku}` `{sku, warehouseCode, qtyOnHand}` stores a
 * stock level, which `GET /api/inventory/{sku}` then answers. The bulk
 * lists (`/api/orders`, `/api/customers`, `/api/inventory`) page by offset.
 * Bearer `ERP_API_KEY`.
 *
 * Documents it was never told about are made up from their id (this ERP
 * "has" every order or invoice you name); a stock level it was never sent
 * is 404, so a fetch cannot quietly zero a count.
 */
const DOCUMENT = /^\/api\/([A-Za-z]+)\/([^/]+)$/;
const LISTS = new Set(['/api/orders', '/api/customers', '/api/inventory']);

type Made = (id: string, stamp: string) => Record<string, unknown>;

/** A plausible document for each entity, valid against `erpPayloads` (kernel/erp/erp-events.ts). */
const madeUp: Readonly<Record<string, Made>> = {
  salesOrder: (id, stamp) => ({
    orderNumber: id,
    customerId: 'C-1',
    status: 'open',
    total: 124,
    currency: 'EUR',
    lineItems: [{ sku: 'SKU-1', quantity: 2, unitPrice: 62, lineTotal: 124 }],
    updatedAt: stamp,
  }),
  purchaseOrder: (id, stamp) => ({ poNumber: id, vendorId: 'V-1', status: 'open', currency: 'EUR', updatedAt: stamp }),
  invoice: (id, stamp) => ({
    invoiceNumber: id,
    customerId: 'C-1',
    status: 'open',
    total: 124,
    amountDue: 124,
    currency: 'EUR',
    updatedAt: stamp,
  }),
  shipment: (_id, stamp) => ({ orderId: 'SO-1001', carrier: 'ups', status: 'shipped', updatedAt: stamp }),
  customer: (id, stamp) => ({
    name: `Customer ${id}`,
    email: `customer-${id.toLowerCase().replace(/[^a-z0-9]/g, '')}@example.com`,
    updatedAt: stamp,
  }),
};

const erpResponder = ({ env, now }: PlaygroundContext) => {
  const stock = new Map<string, Record<string, unknown>>();

  const putStock = (request: RecordedRequest, sku: string): FakeAnswer => {
    const body = objectBody(request);
    if (!body) return badField('body', 'must be a JSON object');
    if (body.sku !== undefined && body.sku !== sku) return badField('sku', `must match the path (${sku})`);
    if (typeof body.warehouseCode !== 'string' || body.warehouseCode === '') {
      return badField('warehouseCode', 'is required');
    }
    if (typeof body.qtyOnHand !== 'number' || !Number.isFinite(body.qtyOnHand)) {
      return badField('qtyOnHand', 'must be a number');
    }
    const level = { sku, warehouse: body.warehouseCode, qtyOnHand: body.qtyOnHand, updatedAt: now().toISOString() };
    stock.set(sku, level);
    return { status: 200, body: level };
  };

  return (request: RecordedRequest): FakeAnswer => {
    const refused = bearerRefusal(request, env.ERP_API_KEY);
    if (refused) return refused;
    const url = urlOf(request);
    if (request.method === 'GET' && LISTS.has(url.pathname)) {
      const records = url.pathname === '/api/inventory' ? [...stock.values()] : [];
      return { status: 200, body: offsetPage(records, url, 'modified_since') };
    }
    const match = DOCUMENT.exec(url.pathname);
    const entity = match?.[1];
    if (!match?.[2] || !entity) return noRoute(request);
    const id = decodeURIComponent(match[2]);
    if (entity === 'inventory') {
      if (request.method === 'PUT') return putStock(request, id);
      if (request.method !== 'GET') return noRoute(request);
      const level = stock.get(id);
      return level ? { status: 200, body: level } : { status: 404, body: { error: 'not_found', entity, id } };
    }
    const make = madeUp[entity];
    if (request.method !== 'GET' || !make) return noRoute(request);
    return { status: 200, body: make(id, now().toISOString()) };
  };
};

/**
 * @example
 * const answer = erpPlayground.responder({ env: { ERP_API_KEY: 'k' }, now: () => new Date() })(request);
 */
const erpPlayground: PlaygroundSystem = { name: 'erp', urlSetting: 'ERP_API_URL', responder: erpResponder };

export { erpPlayground };
