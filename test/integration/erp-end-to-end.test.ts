import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { erpItemOf, postErpWebhook } from '../helpers/erp-client.js';
import {
  customerPayload,
  erpEvent,
  invoicePayload,
  salesOrderPayload,
  shipmentPayload,
} from '../helpers/erp-factories.js';
import { admin, eventually } from '../helpers/http-client.js';
import { type InventoryStack, startInventoryStack } from '../helpers/inventory-stack.js';
import type { TestStack } from '../helpers/test-stack.js';

/**
 * ERP sync from the webhook to the customer's inbox, on the offline
 * engines: every step is a real `POST /webhooks/erp`, and every mail is
 * read back from SES local. The shipment arrives before its order and its
 * customer, as ERPs that publish entities from separate queues do.
 */
interface SentMail {
  readonly subject: string;
  readonly destination: { readonly to: readonly string[] };
  readonly body: { readonly text?: string; readonly html?: string };
}

let inventory: InventoryStack;
let stack: TestStack;
const SALES = `sales-${randomUUID().slice(0, 6)}@example.com`;

const mailsTo = async (to: string): Promise<SentMail[]> =>
  ((await (await fetch(`${stack.endpoints.ses}/store`)).json()) as { emails: SentMail[] }).emails.filter((mail) =>
    mail.destination.to.includes(to),
  );

const theMail = (to: string, subject: string): Promise<SentMail> =>
  eventually(async () => (await mailsTo(to)).find((mail) => mail.subject === subject), `"${subject}" to ${to}`);

const send = async (body: unknown): Promise<void> => {
  const answer = await postErpWebhook(stack, body);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
};

beforeAll(async () => {
  process.env.MAIL_FROM = 'sync@example.com';
  process.env.SETTINGS_CACHE_SECONDS = '0';
  inventory = await startInventoryStack();
  ({ stack } = inventory);
  const answer = await admin(stack.url, 'PUT', '/admin/settings', {
    recipients: { sales: [SALES], purchasing: [], data_admin: [], ops: [] },
  });
  expect(answer.status).toBe(200);
});

afterAll(async () => {
  await inventory?.stop();
  delete process.env.MAIL_FROM;
  delete process.env.SETTINGS_CACHE_SECONDS;
});

describe('ERP sync end to end', () => {
  it('mails the sales team, then the customer once per event, from webhooks that arrive out of order', async () => {
    // Prepare
    const suffix = randomUUID().slice(0, 8);
    const customerId = `CUST-${suffix}`;
    const orderId = `SO-${suffix}`;
    const email = `ada-${suffix}@example.com`;
    const trackingNumber = `1Z${suffix}`;
    const order = salesOrderPayload({ orderNumber: orderId, customerId, total: 1234.5, currency: 'EUR' }, 10);
    const shipment = shipmentPayload({ orderId, carrier: 'ups', trackingNumber, estimatedDelivery: '2026-12-08' });
    const shipmentEvent = erpEvent('shipment', { entityId: `SHP-${suffix}`, payload: shipment });

    // Act: the shipment first (its mail waits), then the order, then the customer, then a redelivery.
    await send(shipmentEvent);
    await send(erpEvent('salesOrder', { entityId: orderId, payload: order }));
    await send(erpEvent('customer', { entityId: customerId, payload: customerPayload({ email }) }));
    await send(shipmentEvent);

    // Assess: the new order went to sales with its total, the shipped mail to the customer with its link.
    const newOrder = await theMail(SALES, `New Order: ${orderId}`);
    expect(newOrder.body.text).toContain('1234.5');
    expect(newOrder.body.text).toContain('EUR');
    const shipped = await theMail(email, 'Your Order Has Shipped!');
    expect(shipped.body.text).toContain(orderId);
    expect(shipped.body.text).toContain(trackingNumber);
    expect(shipped.body.html).toContain(`https://www.ups.com/track?tracknum=${trackingNumber}`);

    // Act: delivered, then an invoice issued and paid.
    await send(
      erpEvent('shipment', {
        eventType: 'updated',
        entityId: `SHP-${suffix}`,
        payload: { ...shipment, status: 'delivered' },
      }),
    );
    const invoice = invoicePayload({ orderId, customerId, amountDue: 1234.5, dueDate: '2027-01-02' });
    await send(erpEvent('invoice', { entityId: `INV-${suffix}`, payload: invoice }));
    await send(
      erpEvent('invoice', {
        eventType: 'updated',
        entityId: `INV-${suffix}`,
        payload: { ...invoice, status: 'paid', amountDue: 0 },
      }),
    );

    // Assess: the order is delivered and paid, the customer told of each, and nothing was sent twice.
    const update = await theMail(email, `Order Update: ${orderId}`);
    expect(update.body.text).toContain('delivered');
    const invoiceMail = await eventually(
      async () => (await mailsTo(email)).find((mail) => mail.subject.includes(invoice.invoiceNumber as string)),
      'the invoice mail',
    );
    expect(invoiceMail.body.text).toContain('2027-01-02');
    const stored = await eventually(async () => {
      const item = await erpItemOf(stack, 'salesOrder', orderId);
      return item?.payment_status === 'paid' && item.delivered_at ? item : undefined;
    }, 'the order delivered and paid');
    expect(stored.status).toBe('delivered');
    const view = await admin(stack.url, 'GET', `/admin/orders/${orderId}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      order: { status: 'delivered', payment_status: 'paid' },
      lines: expect.arrayContaining([expect.objectContaining({ sku: 'SKU-10' })]),
      shipments: [expect.objectContaining({ status: 'delivered' })],
      invoices: [expect.objectContaining({ status: 'paid' })],
    });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const subjects = (await mailsTo(email)).map((mail) => mail.subject);
    expect(subjects).toHaveLength(3);
    expect(subjects).toEqual(
      expect.arrayContaining([
        `Order Update: ${orderId}`,
        'Your Order Has Shipped!',
        expect.stringContaining(invoice.invoiceNumber as string),
      ]),
    );
    expect(await mailsTo(SALES)).toHaveLength(1);
  });
});
