import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErpItem } from '../../functions/kernel/erp/erp-items.js';
import { carriedSyncEvent, encodeSyncEvent } from '../../functions/kernel/sync-log/sync-events.js';
import { anErpItem, erpStreamRecord, nextVersion } from '../helpers/erp-items.js';
import { admin, eventually } from '../helpers/http-client.js';
import { TEST_ADMIN_TOKEN } from '../helpers/http-client.js';
import { type TestStack, startTestStack } from '../helpers/test-stack.js';

/**
 * What follows an ERP write, end to end on the offline engines: items put
 * into the `erp` table as the webhook writes them, the table's stream, the
 * follow-up consumer, the outbound queue, the dispatcher and SES local,
 * every mail read back from SES local's store; the sweep run through the
 * runtime's scheduler. The SES store is shared by every test file, so each
 * test mails its own fresh addresses and order numbers.
 */
interface SentMail {
  readonly subject: string;
  readonly destination: { readonly to: readonly string[] };
  readonly body: { readonly text?: string; readonly html?: string };
}

let stack: TestStack;
const SALES = `sales-${randomUUID().slice(0, 6)}@example.com`;
const PURCHASING = `buy-${randomUUID().slice(0, 6)}@example.com`;

const sentMail = async (): Promise<SentMail[]> =>
  ((await (await fetch(`${stack.endpoints.ses}/store`)).json()) as { emails: SentMail[] }).emails;

const mailsTo = async (to: string, subject: string): Promise<SentMail[]> =>
  (await sentMail()).filter((m) => m.destination.to.includes(to) && m.subject === subject);

const theMail = (to: string, subject: string): Promise<SentMail> =>
  eventually(async () => (await mailsTo(to, subject))[0], `"${subject}" to ${to}`);

const erpTable = () => stack.resources.tables.erp?.physicalName as string;

const put = async (item: ErpItem): Promise<ErpItem> => {
  await stack.dynamodb.send(new PutCommand({ TableName: erpTable(), Item: item }));
  return item;
};

const stored = async (pk: string): Promise<ErpItem | undefined> =>
  (await stack.dynamodb.send(new GetCommand({ TableName: erpTable(), Key: { pk, sk: 'ENTITY' } }))).Item as
    | ErpItem
    | undefined;

const eventsOf = async (recordId: string): Promise<Record<string, unknown>[]> =>
  ((
    await stack.dynamodb.send(
      new QueryCommand({
        TableName: stack.resources.tables.syncLog?.physicalName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `EVENTS#${recordId}` },
      }),
    )
  ).Items ?? []) as Record<string, unknown>[];

const mailEvent = (recordId: string, outcome: string) =>
  eventually(
    async () => (await eventsOf(recordId)).find((e) => e.source === 'mail' && e.outcome === outcome),
    `a ${outcome} mail event of ${recordId}`,
  );

const fresh = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

const aCustomer = (email: string | null = `${fresh('ann')}@example.com`) =>
  anErpItem('customer', { entity_id: fresh('C') }, { name: 'Ann <Lee>', ...(email ? { email } : {}) });

const anOrder = (customerId: string, fields: Partial<ErpItem> = {}) => {
  const id = fields.entity_id ?? fresh('SO');
  return anErpItem(
    'salesOrder',
    { entity_id: id, customer_id: customerId, status: 'open', ...fields },
    { orderNumber: `N-${id}`, customerId, total: 124, currency: 'EUR', lineItems: [{ sku: 'SKU-1', quantity: 1 }] },
  );
};

const aShipment = (orderId: string, fields: Partial<ErpItem> = {}) =>
  anErpItem(
    'shipment',
    { entity_id: fresh('SH'), order_id: orderId, status: 'shipped', ...fields },
    { orderId, carrier: 'ups', trackingNumber: fresh('1Z'), estimatedDelivery: '2026-12-08' },
  );

const anInvoice = (orderId: string, customerId: string, fields: Partial<ErpItem> = {}) =>
  anErpItem(
    'invoice',
    { entity_id: fresh('INV'), order_id: orderId, customer_id: customerId, status: 'issued', ...fields },
    { invoiceNumber: fresh('I'), amountDue: 99.5, currency: 'EUR', dueDate: '2027-01-02' },
  );

const settle = () => new Promise((resolve) => setTimeout(resolve, 2_500));

const sweep = async () => {
  const result = await stack.triggerSchedule('erp-mail-sweep');
  if (!result.ok) throw result.error;
  return result.value as { sent: number; skipped: number };
};

beforeAll(async () => {
  stack = await startTestStack({
    env: {
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      MAIL_FROM: 'sync@example.com',
      OUTBOUND_BACKOFF_BASE_SECONDS: '1',
      SETTINGS_CACHE_SECONDS: '0',
      // Every wait is over at once; only the sweep the tests trigger acts on that.
      ERP_MAIL_WAIT_MINUTES: '0',
    },
  });
  const answer = await admin(stack.url, 'PUT', '/admin/settings', {
    recipients: { sales: [SALES], purchasing: [PURCHASING], data_admin: [], ops: [] },
  });
  expect(answer.status).toBe(200);
});

afterAll(async () => {
  await stack?.stop();
});

describe('ERP follow-up: mails', () => {
  it('mails sales a new order with its total, as text and HTML, and logs the write and the mail', async () => {
    // Prepare
    const order = anOrder('C-none');
    const carried = carriedSyncEvent({ direction: 'inbound', source: 'erp', event: 'created', outcome: 'synced' });
    // Act
    await put({ ...order, sync_event: encodeSyncEvent(carried) });
    // Assess
    const mail = await theMail(SALES, `New Order: N-${order.entity_id}`);
    expect(mail.body.text).toContain('Total: 124.00 EUR');
    expect(mail.body.html).toContain('<strong>Total:</strong> 124.00 EUR');
    await mailEvent(order.entity_id, 'queued');
    const events = await eventsOf(order.entity_id);
    expect(events.find((e) => e.source === 'erp')).toMatchObject({ record_type: 'salesOrder', outcome: 'synced' });
  });

  it('mails purchasing when a purchase order changes status', async () => {
    // Prepare
    const po = await put(anErpItem('purchaseOrder', { status: 'open' }, { poNumber: fresh('PO') }));
    // Act
    await put(nextVersion(po, { status: 'received' }));
    // Assess
    const mail = await theMail(PURCHASING, `Purchase Order Update: ${po.data.poNumber}`);
    expect(mail.body.text).toContain('Status: received');
    expect(mail.body.text).toContain('Previous status: open');
  });

  it('sends nothing twice when a stream batch is delivered again', async () => {
    // Prepare
    const order = await put(anOrder('C-none'));
    const subject = `New Order: N-${order.entity_id}`;
    await theMail(SALES, subject);
    // Act
    const batch = { Records: [erpStreamRecord(order), erpStreamRecord(order)] };
    const first = await stack.invoke('erpFollowup', batch);
    const second = await stack.invoke('erpFollowup', batch);
    await settle();
    // Assess
    expect(first.ok && second.ok).toBe(true);
    expect(await mailsTo(SALES, subject)).toHaveLength(1);
    expect((await eventsOf(order.entity_id)).filter((e) => e.outcome === 'queued')).toHaveLength(1);
  });

  it('mails the customer an invoice with the amount due and due date', async () => {
    // Prepare
    const customer = await put(aCustomer());
    const order = await put(anOrder(customer.entity_id));
    // Act
    const invoice = await put(anInvoice(order.entity_id, customer.entity_id));
    // Assess
    const mail = await theMail(customer.data.email as string, `Invoice ${invoice.data.invoiceNumber}`);
    expect(mail.body.text).toContain('Amount due: 99.50 EUR');
    expect(mail.body.text).toContain('Due date: 2027-01-02');
    expect(mail.body.text).toContain(`Order number: N-${order.entity_id}`);
    expect(mail.body.html).toContain('Dear Ann &lt;Lee&gt;,');
  });

  it('holds a shipment that comes before its order and customer, and mails it once both are known', async () => {
    // Prepare
    const customer = aCustomer();
    const order = anOrder(customer.entity_id);
    const shipment = await put(aShipment(order.entity_id));
    const waiting = await mailEvent(shipment.entity_id, 'waiting');
    // Act
    await put(order);
    await eventually(
      async () =>
        (await eventsOf(shipment.entity_id)).filter((e) => e.outcome === 'waiting').length === 1 &&
        (await mailsTo(SALES, `New Order: N-${order.entity_id}`)).length === 1
          ? true
          : undefined,
      'the order written',
    );
    const beforeCustomer = await mailsTo(customer.data.email as string, 'Your Order Has Shipped!');
    await put(customer);
    // Assess
    expect(waiting.detail).toMatchObject({ waits_for: `salesOrder#${order.entity_id}` });
    expect(beforeCustomer).toHaveLength(0);
    const mail = await theMail(customer.data.email as string, 'Your Order Has Shipped!');
    expect(mail.body.text).toContain(`Order number: N-${order.entity_id}`);
    expect(mail.body.text).toContain('Carrier: ups');
    expect(mail.body.text).toContain('Estimated delivery: 2026-12-08');
    expect(mail.body.text).toContain(`https://www.ups.com/track?tracknum=${shipment.data.trackingNumber}`);
    expect(mail.body.html).toContain(`<a href="https://www.ups.com/track?tracknum=${shipment.data.trackingNumber}">`);
    await sweep();
    await settle();
    expect(await mailsTo(customer.data.email as string, 'Your Order Has Shipped!')).toHaveLength(1);
  });

  it('sweeps mails whose wait is over: sends with what is known, or records why not', async () => {
    // Prepare
    const customer = await put(aCustomer());
    const invoice = await put(anInvoice(fresh('SO'), customer.entity_id));
    const orphan = await put(aShipment(fresh('SO')));
    await mailEvent(invoice.entity_id, 'waiting');
    await mailEvent(orphan.entity_id, 'waiting');
    // Act
    const first = await sweep();
    const second = await sweep();
    // Assess
    expect(first.sent).toBeGreaterThanOrEqual(1);
    expect(first.skipped).toBeGreaterThanOrEqual(1);
    expect(second).toEqual({ sent: 0, skipped: 0 });
    const mail = await theMail(customer.data.email as string, `Invoice ${invoice.data.invoiceNumber}`);
    expect(mail.body.text).toContain(`Order number: ${invoice.order_id}`);
    const skipped = await mailEvent(orphan.entity_id, 'skipped');
    expect(skipped.detail).toEqual({
      reason: `order ${orphan.order_id} still unknown after waiting, so no customer to mail`,
    });
  });

  it('does not mail a customer without an email address, and logs why', async () => {
    // Prepare
    const customer = await put(aCustomer(null));
    const order = await put(anOrder(customer.entity_id));
    // Act
    await put(nextVersion(order, { status: 'confirmed' }));
    // Assess
    const skipped = await mailEvent(order.entity_id, 'skipped');
    expect(skipped).toMatchObject({
      event: 'order-status',
      detail: { reason: `customer ${customer.entity_id} has no email address` },
    });
  });
});

describe('ERP follow-up: orders from their invoices and shipments', () => {
  it('marks the order paid when its invoice is paid', async () => {
    // Prepare
    const customer = await put(aCustomer());
    const order = await put(anOrder(customer.entity_id));
    const invoice = await put(anInvoice(order.entity_id, customer.entity_id));
    // Act
    const paid = await put(nextVersion(invoice, { status: 'paid' }));
    // Assess
    const updated = await eventually(async () => {
      const item = await stored(order.pk);
      return item?.payment_status === 'paid' ? item : undefined;
    }, 'the order paid');
    expect(updated).toMatchObject({ paid_at: paid.updated_at, version: 2, status: 'open' });
  });

  it('marks the order delivered when its shipment is delivered, and mails the customer the update', async () => {
    // Prepare
    const customer = await put(aCustomer());
    const order = await put(anOrder(customer.entity_id));
    const shipment = await put(aShipment(order.entity_id));
    await theMail(customer.data.email as string, 'Your Order Has Shipped!');
    // Act
    const delivered = await put(nextVersion(shipment, { status: 'delivered' }));
    // Assess
    const updated = await eventually(async () => {
      const item = await stored(order.pk);
      return item?.status === 'delivered' ? item : undefined;
    }, 'the order delivered');
    expect(updated).toMatchObject({ delivered_at: delivered.updated_at, version: 2 });
    const mail = await theMail(customer.data.email as string, `Order Update: N-${order.entity_id}`);
    expect(mail.body.text).toContain('is now delivered');
  });

  it('applies a payment and a delivery that came before their order when the order arrives', async () => {
    // Prepare
    const customer = await put(aCustomer());
    const order = anOrder(customer.entity_id);
    await put(anInvoice(order.entity_id, customer.entity_id, { status: 'paid' }));
    await put(aShipment(order.entity_id, { status: 'delivered' }));
    await settle();
    // Act
    await put(order);
    // Assess
    const updated = await eventually(async () => {
      const item = await stored(order.pk);
      return item?.status === 'delivered' && item.payment_status === 'paid' ? item : undefined;
    }, 'the order paid and delivered');
    expect(updated.version).toBe(3);
  });
});

describe('Low stock mail', () => {
  const inventoryTable = () => stack.resources.tables.inventory?.physicalName as string;

  /** Writes a stock level version as the stock path leaves it (the fan-out reads only the stream). */
  const putStock = async (sku: string, version: number, quantity: number, available?: number) => {
    await stack.dynamodb.send(
      new PutCommand({
        TableName: inventoryTable(),
        Item: {
          pk: `${sku}#WH-1`,
          sk: 'STOCK',
          sku,
          warehouse: 'WH-1',
          quantity_on_hand: quantity,
          ...(available === undefined ? {} : { quantity_available: available }),
          version,
          created_at: '2026-12-03T10:00:00.000Z',
          updated_at: new Date().toISOString(),
          last_adjustment_type: 'count',
          last_adjustment_source: 'erp',
          last_delivery_id: `d-${version}`,
          last_quantity_before: 0,
        },
      }),
    );
    await settle();
  };

  it('mails purchasing once per crossing of the reorder point, on the available quantity when there is one', async () => {
    // Prepare
    const sku = fresh('SKU');
    const product = await admin(stack.url, 'PUT', `/admin/records/product/${sku}`, {
      name: 'Blue mug',
      reorder_point: 10,
      reorder_quantity: 50,
    });
    expect(product.status).toBeLessThan(300);
    const subject = `Low Stock Alert: ${sku}`;
    // Act: 20 -> 8 crosses, 5 stays below, 15 rises, available 7 of 15 crosses again.
    await putStock(sku, 1, 20);
    await putStock(sku, 2, 8);
    await putStock(sku, 3, 5);
    await putStock(sku, 4, 15);
    await putStock(sku, 5, 15, 7);
    // Assess
    const mails = await eventually(async () => {
      const found = await mailsTo(PURCHASING, subject);
      return found.length >= 2 ? found : undefined;
    }, 'two low stock mails');
    await settle();
    expect(await mailsTo(PURCHASING, subject)).toHaveLength(2);
    const texts = mails.map((m) => m.body.text ?? '');
    for (const line of ['Product: Blue mug', 'Reorder point: 10', 'Reorder quantity: 50'])
      expect(texts[0]).toContain(line);
    expect(texts.some((t) => t.includes('Quantity: 8'))).toBe(true);
    expect(texts.some((t) => t.includes('Quantity: 7'))).toBe(true);
    expect(mails[0]?.body.html).toContain('<strong>Product:</strong> Blue mug');
  });
});
