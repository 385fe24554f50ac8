import { randomUUID } from 'node:crypto';
import type { ErpEntity, ErpEventType } from '../../functions/kernel/erp/erp-events.js';

/**
 * ERP webhook bodies for tests: an envelope per entity with a valid payload,
 * each part overridable. Ids are fresh per call so tests never share items.
 *
 * @example
 * const event = erpEvent('salesOrder', { payload: salesOrderPayload({ status: 'confirmed' }) });
 * const idOnly = erpEvent('invoice', { payload: undefined });
 */

const newErpId = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

/** A 10-line-capable sales order; `lines` sets how many lines it carries. */
const salesOrderPayload = (overrides: Record<string, unknown> = {}, lines = 2): Record<string, unknown> => ({
  orderNumber: newErpId('SO'),
  customerId: 'CUST-1',
  orderDate: '2026-12-01',
  requestedShipDate: '2026-12-05',
  status: 'open',
  subtotal: 100,
  taxAmount: 19,
  shippingAmount: 5,
  total: 124,
  currency: 'EUR',
  lineItems: Array.from({ length: lines }, (_, index) => ({
    sku: `SKU-${index + 1}`,
    description: `Item ${index + 1}`,
    quantity: index + 1,
    unitPrice: 10,
    discount: 0,
    lineTotal: 10 * (index + 1),
  })),
  ...overrides,
});

const purchaseOrderPayload = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  poNumber: newErpId('PO'),
  vendorId: 'VEND-1',
  orderDate: '2026-12-01',
  expectedDate: '2026-12-10',
  status: 'open',
  total: 500,
  currency: 'EUR',
  lineItems: [{ sku: 'SKU-1', quantity: 50, unitCost: 10 }],
  ...overrides,
});

const invoicePayload = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  invoiceNumber: newErpId('INV'),
  orderId: 'SO-1',
  customerId: 'CUST-1',
  issueDate: '2026-12-02',
  dueDate: '2027-01-01',
  status: 'issued',
  total: 124,
  amountDue: 124,
  currency: 'EUR',
  ...overrides,
});

const inventoryPayload = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  warehouse: 'WH-1',
  qtyOnHand: 40,
  qtyAvailable: 35,
  qtyReserved: 5,
  qtyOnOrder: 20,
  binLocation: 'A-01-03',
  lastCountDate: '2026-12-01',
  ...overrides,
});

const shipmentPayload = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  orderId: 'SO-1',
  carrier: 'DHL',
  trackingNumber: '00340434161094042557',
  shipDate: '2026-12-03',
  estimatedDelivery: '2026-12-05',
  status: 'shipped',
  ...overrides,
});

const customerPayload = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  phone: '+44 20 7946 0000',
  ...overrides,
});

const payloadFactories: Readonly<Record<ErpEntity, (overrides?: Record<string, unknown>) => Record<string, unknown>>> =
  {
    salesOrder: salesOrderPayload,
    purchaseOrder: purchaseOrderPayload,
    invoice: invoicePayload,
    inventory: inventoryPayload,
    shipment: shipmentPayload,
    customer: customerPayload,
  };

const idPrefixes: Readonly<Record<ErpEntity, string>> = {
  salesOrder: 'SO',
  purchaseOrder: 'PO',
  invoice: 'INV',
  inventory: 'SKU',
  shipment: 'SHP',
  customer: 'CUST',
};

export interface ErpEventBody {
  eventType: ErpEventType;
  entity: ErpEntity;
  entityId: string;
  eventId?: string;
  payload?: Record<string, unknown>;
}

/**
 * An ERP webhook body for `entity`: `created`, a fresh id, the entity's
 * default payload. Pass `payload: undefined` for an id-only notification.
 */
const erpEvent = (entity: ErpEntity, overrides: Partial<ErpEventBody> = {}): ErpEventBody => {
  const body: ErpEventBody = {
    eventType: 'created',
    entity,
    entityId: newErpId(idPrefixes[entity]),
    payload: payloadFactories[entity](),
    ...overrides,
  };
  if ('payload' in overrides && overrides.payload === undefined) delete body.payload;
  return body;
};

export {
  erpEvent,
  newErpId,
  salesOrderPayload,
  purchaseOrderPayload,
  invoicePayload,
  inventoryPayload,
  shipmentPayload,
  customerPayload,
};
