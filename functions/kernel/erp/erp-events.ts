import { lazySchemas } from '../lazy-schemas.js';
import * as z from '../validation.js';

/**
 * What `POST /webhooks/erp` accepts: the envelope `{eventType, entity,
 * entityId, payload?, eventId?}` and one payload schema per entity. Pure
 * data and zod; the webhook, the id-only fetch and the tests parse with the
 * same schemas, so a fetched entity is held to what a pushed one is.
 *
 * A payload is the ERP's whole view of the entity (a fetch answers the
 * same); unknown fields are ignored. A field the ERP leaves out is left as
 * it was, except `lineItems`, which replaces the lines as a whole when it is
 * there.
 */

const ERP_EVENT_TYPES = ['created', 'updated', 'deleted'] as const;
const ERP_ENTITIES = ['salesOrder', 'purchaseOrder', 'invoice', 'inventory', 'shipment', 'customer'] as const;

export type ErpEventType = (typeof ERP_EVENT_TYPES)[number];
export type ErpEntity = (typeof ERP_ENTITIES)[number];

// Built on first use, not at import: a cold start should not pay for schemas
// its first request may never use (issue 15); z.lazy keeps each one schema.
/**
 * Ids become DynamoDB keys, URL path segments and parts of FIFO message
 * groups (128 characters): letters, digits and `. _ : @ + -`, 1 to 64.
 */
const erpId = z.lazy(() =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
    .check(
      z.minLength(1, { error: 'is required', abort: true }),
      z.maxLength(64, 'must be at most 64 characters'),
      z.regex(/^[A-Za-z0-9._:@+-]+$/, 'may hold letters, digits and . _ : @ + - only'),
    ),
);

const text = (max: number) => z.string().check(z.maxLength(max, `must be at most ${max} characters`));

/** A money amount or a quantity as the ERP sends it: a finite number, at most 10^15 in size. */
const amount = z.lazy(() =>
  z
    .number({ error: 'must be a number' })
    .check(
      z.refine(
        (value) => Number.isFinite(value) && Math.abs(value) <= 1e15,
        'must be a finite number of at most 10^15',
      ),
    ),
);
const nonNegative = z.lazy(() => amount.check(z.gte(0, 'must be at least 0')));
const wholeCount = z.lazy(() =>
  z
    .int({ error: 'must be a whole number' })
    .check(z.gte(0, 'must be at least 0'), z.lte(1e12, 'must be at most 10^12')),
);

/** ISO 4217 code, upper case. */
const currency = z.lazy(() =>
  z.string().check(z.regex(/^[A-Z]{3}$/, 'must be a three-letter ISO 4217 code such as EUR')),
);

/** `2026-12-03` or an ISO 8601 date-time with its offset. */
const isoDate = z.lazy(() =>
  z.string().check(
    z.regex(
      /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/,
      'must be an ISO 8601 date (2026-12-03) or date-time with an offset',
    ),
    z.refine((value) => !Number.isNaN(Date.parse(value)), 'is not a real date'),
  ),
);

/** The change time an ERP payload may carry; orders stale events (see `changeTimeOf`). */
const changeStamps = () => ({
  lastModified: z.optional(isoDate),
  updatedAt: z.optional(isoDate),
});

const status = z.lazy(() => text(40).check(z.minLength(1, 'is required')));

const salesOrderLine = () =>
  z.object({
    sku: erpId,
    description: z.optional(text(500)),
    quantity: nonNegative,
    unitPrice: z.optional(amount),
    discount: z.optional(amount),
    lineTotal: z.optional(amount),
  });

const salesOrder = () =>
  z.object({
    orderNumber: text(64).check(z.minLength(1, 'is required')),
    customerId: z.optional(erpId),
    orderDate: z.optional(isoDate),
    requestedShipDate: z.optional(isoDate),
    status: z.optional(status),
    subtotal: z.optional(amount),
    taxAmount: z.optional(amount),
    shippingAmount: z.optional(amount),
    total: z.optional(amount),
    currency: z.optional(currency),
    lineItems: z.optional(z.array(salesOrderLine()).check(z.maxLength(1000, 'must hold at most 1000 lines'))),
    ...changeStamps(),
  });

const purchaseOrderLine = () => z.object({ sku: erpId, quantity: nonNegative, unitCost: z.optional(amount) });

const purchaseOrder = () =>
  z.object({
    poNumber: text(64).check(z.minLength(1, 'is required')),
    vendorId: z.optional(erpId),
    orderDate: z.optional(isoDate),
    expectedDate: z.optional(isoDate),
    status: z.optional(status),
    total: z.optional(amount),
    currency: z.optional(currency),
    lineItems: z.optional(z.array(purchaseOrderLine()).check(z.maxLength(1000, 'must hold at most 1000 lines'))),
    ...changeStamps(),
  });

const invoice = () =>
  z.object({
    invoiceNumber: text(64).check(z.minLength(1, 'is required')),
    orderId: z.optional(erpId),
    customerId: z.optional(erpId),
    issueDate: z.optional(isoDate),
    dueDate: z.optional(isoDate),
    status: z.optional(status),
    total: z.optional(amount),
    amountDue: z.optional(amount),
    currency: z.optional(currency),
    ...changeStamps(),
  });

/** `entityId` is the sku; the count is applied through the stock path as an absolute count from `erp`. */
const inventory = () =>
  z.object({
    warehouse: erpId.check(z.maxLength(32, 'must be at most 32 characters')),
    qtyOnHand: wholeCount,
    qtyAvailable: z.optional(wholeCount),
    qtyReserved: z.optional(wholeCount),
    qtyOnOrder: z.optional(wholeCount),
    binLocation: z.optional(text(64)),
    lastCountDate: z.optional(isoDate),
    ...changeStamps(),
  });

const shipment = () =>
  z.object({
    orderId: erpId,
    carrier: z.optional(text(64)),
    trackingNumber: z.optional(text(100)),
    shipDate: z.optional(isoDate),
    estimatedDelivery: z.optional(isoDate),
    status: z.optional(status),
    ...changeStamps(),
  });

const customer = () =>
  z.object({
    name: z.optional(text(200)),
    email: z.optional(z.email('must be an email address')),
    phone: z.optional(text(40)),
    ...changeStamps(),
  });

/**
 * The payload schema of each entity, built on first use and kept
 * (lazySchemas): a webhook parses one entity at a time, so a cold start
 * should not build all six (issue 15).
 */
const erpPayloads = lazySchemas({ salesOrder, purchaseOrder, invoice, inventory, shipment, customer });

export type ErpPayloads = { readonly [E in ErpEntity]: z.output<(typeof erpPayloads)[E]> };

const listed = (values: readonly string[]) => values.join(', ');

/**
 * The envelope. `payload` may be absent (an id-only notification: the
 * entity is fetched from the ERP); it is checked against its entity's
 * schema by {@link parseErpPayload}, so that the 400 names `payload.<path>`.
 */
const erpEnvelope = z.lazy(() =>
  z.object({
    eventType: z.enum(ERP_EVENT_TYPES, { error: `must be one of ${listed(ERP_EVENT_TYPES)}` }),
    entity: z.enum(ERP_ENTITIES, { error: `must be one of ${listed(ERP_ENTITIES)}` }),
    entityId: erpId,
    eventId: z.optional(text(256).check(z.minLength(1, 'must not be empty'))),
    payload: z.optional(z.unknown()),
  }),
);

export type ErpEnvelope = z.output<typeof erpEnvelope>;

/** A fully described ERP event: the envelope with its parsed payload (absent for a `deleted` that sent none). */
export type ErpEvent = {
  readonly [E in ErpEntity]: {
    readonly eventType: ErpEventType;
    readonly entity: E;
    readonly entityId: string;
    readonly eventId?: string;
    readonly payload?: ErpPayloads[E];
  };
}[ErpEntity];

/**
 * The change time a payload carries (`lastModified`, else `updatedAt`), as
 * epoch milliseconds; undefined when it carries none.
 *
 * @example
 * changeTimeOf({ lastModified: '2026-12-03T10:00:00Z' }); // 1796292000000
 */
const changeTimeOf = (payload: { readonly lastModified?: string; readonly updatedAt?: string }): number | undefined => {
  const stamp = payload.lastModified ?? payload.updatedAt;
  return stamp === undefined ? undefined : Date.parse(stamp);
};

export { ERP_EVENT_TYPES, ERP_ENTITIES, erpEnvelope, erpPayloads, erpId, changeTimeOf };
