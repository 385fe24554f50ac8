import { describe, expect, it } from 'vitest';
import { erpMailId, erpMailIntents } from '../../functions/erp/mail/erp-mail-intents.js';
import { renderErpMail } from '../../functions/erp/mail/render-erp-mail.js';
import { escapeHtml } from '../../functions/kernel/outbound/html-escape.js';
import { orderUpdateOf, pendingOrderUpdates } from '../../functions/erp/domain/order-derivations.js';
import { DEFAULT_SETTINGS } from '../../functions/kernel/settings/settings-schema.js';
import { anErpItem, nextVersion } from '../helpers/erp-items.js';

const SETTINGS = {
  ...DEFAULT_SETTINGS,
  recipients: { sales: ['sales@example.com'], purchasing: ['buy@example.com'], data_admin: [], ops: [] },
};

const anOrder = (data: Record<string, unknown> = {}, customer = 'C-1') =>
  anErpItem(
    'salesOrder',
    { entity_id: 'SO-1', status: 'open', customer_id: customer },
    { orderNumber: 'SO-1001', total: 124, currency: 'EUR', lineItems: [{ sku: 'A' }], ...data },
  );
const aCustomer = (data: Record<string, unknown> = { name: 'Ann', email: 'ann@example.com' }) =>
  anErpItem('customer', { entity_id: 'C-1' }, data);
const aShipment = (data: Record<string, unknown> = {}) =>
  anErpItem(
    'shipment',
    { entity_id: 'SH-1', order_id: 'SO-1', status: 'shipped' },
    { orderId: 'SO-1', carrier: 'UPS', trackingNumber: '1Z 99', estimatedDelivery: '2026-12-06', ...data },
  );

const intentOf = (old: Parameters<typeof erpMailIntents>[0], now: Parameters<typeof erpMailIntents>[1]) => {
  const [intent] = erpMailIntents(old, now);
  if (!intent) throw new Error('expected a mail intent');
  return intent;
};

describe('Function: erpMailIntents()', () => {
  it.each([
    ['a new sales order', undefined, anOrder(), ['order-created']],
    ['a new invoice', undefined, anErpItem('invoice', { order_id: 'SO-1' }), ['invoice-created']],
    ['a new shipment', undefined, aShipment(), ['shipment-created']],
    ['a new customer', undefined, aCustomer(), []],
    ['a new purchase order', undefined, anErpItem('purchaseOrder', { status: 'open' }), []],
    ['an order arriving already deleted', undefined, anOrder({}), []],
  ])('plans the mails of %s', (what, old, now, kinds) => {
    // Prepare
    const item = what.includes('deleted') ? { ...now, last_event_type: 'deleted' as const, deleted_at: 'x' } : now;
    // Act
    const intents = erpMailIntents(old, item);
    // Assess
    expect(intents.map((i) => i.kind)).toEqual(kinds);
  });

  it('mails the customer when an order changes status, cancelled and delivered included, not when deleted', () => {
    // Prepare
    const order = anOrder();
    // Act
    const kinds = ['shipped', 'cancelled', 'delivered', 'deleted', 'open'].map((status) =>
      erpMailIntents(order, nextVersion(order, { status })).map((i) => i.kind),
    );
    // Assess
    expect(kinds).toEqual([['order-status'], ['order-status'], ['order-status'], [], []]);
  });

  it('mails purchasing when a purchase order changes status, with the status before', () => {
    // Prepare
    const po = anErpItem('purchaseOrder', { status: 'open' }, { poNumber: 'PO-7' });
    // Act
    const intents = erpMailIntents(po, nextVersion(po, { status: 'received' }));
    // Assess
    expect(intents).toMatchObject([{ kind: 'po-status', previous_status: 'open' }]);
  });

  it('plans nothing for an update that leaves the status as it was, or an invoice or shipment update', () => {
    // Prepare
    const order = anOrder();
    const shipment = aShipment();
    // Assess
    expect(erpMailIntents(order, nextVersion(order, {}, { total: 5 }))).toEqual([]);
    expect(erpMailIntents(shipment, nextVersion(shipment, { status: 'delivered' }))).toEqual([]);
  });

  it('gives a redelivered change the same mail id, and the next version another', () => {
    // Prepare
    const order = anOrder();
    // Act
    const first = intentOf(undefined, order).id;
    const again = intentOf(undefined, order).id;
    const later = intentOf(order, nextVersion(order, { status: 'shipped' })).id;
    // Assess
    expect(first).toBe('erp-mail#salesOrder#SO-1#v1#order-created');
    expect(again).toBe(first);
    expect(later).toBe(erpMailId({ pk: order.pk, version: 2 }, 'order-status'));
  });
});

describe('Function: renderErpMail()', () => {
  it('mails sales a new order with its number, total and currency, as text and HTML', () => {
    // Act
    const decision = renderErpMail(intentOf(undefined, anOrder()), {}, SETTINGS, { final: false });
    // Assess
    expect(decision).toMatchObject({
      kind: 'send',
      mail: { to: ['sales@example.com'], subject: 'New Order: SO-1001' },
    });
    if (decision.kind !== 'send') throw new Error('not sent');
    expect(decision.mail.text).toContain('Total: 124.00 EUR');
    expect(decision.mail.html).toContain('<strong>Total:</strong> 124.00 EUR');
  });

  it('does not send a role mail when the role has no recipient, and says why', () => {
    // Act
    const decision = renderErpMail(intentOf(undefined, anOrder()), {}, DEFAULT_SETTINGS, { final: false });
    // Assess
    expect(decision).toEqual({ kind: 'skip', reason: 'no sales recipient configured' });
  });

  it('escapes the ERP values in the HTML body, not in the text', () => {
    // Prepare
    const order = anOrder({ orderNumber: '<script>x</script>' });
    const changed = nextVersion(order, { status: 'shipped & "packed"' });
    // Act
    const decision = renderErpMail(
      intentOf(order, changed),
      { customer: aCustomer({ name: 'A<b>', email: 'a@example.com' }) },
      SETTINGS,
      {
        final: false,
      },
    );
    // Assess
    if (decision.kind !== 'send') throw new Error('not sent');
    expect(decision.mail.subject).toBe('Order Update: <script>x</script>');
    expect(decision.mail.html).not.toContain('<script>');
    expect(decision.mail.html).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(decision.mail.html).toContain('shipped &amp; &quot;packed&quot;');
    expect(decision.mail.html).toContain('Dear A&lt;b&gt;,');
    expect(decision.mail.text).toContain('Your order <script>x</script> is now shipped & "packed".');
  });

  it('links the shipment to the carrier tracking page, tracking number URL-encoded', () => {
    // Act
    const decision = renderErpMail(
      intentOf(undefined, aShipment()),
      { order: anOrder(), customer: aCustomer() },
      SETTINGS,
      {
        final: false,
      },
    );
    // Assess
    expect(decision).toMatchObject({
      kind: 'send',
      mail: { to: ['ann@example.com'], subject: 'Your Order Has Shipped!' },
    });
    if (decision.kind !== 'send') throw new Error('not sent');
    expect(decision.mail.text).toContain('Order number: SO-1001');
    expect(decision.mail.text).toContain('Carrier: UPS');
    expect(decision.mail.text).toContain('Tracking number: 1Z 99');
    expect(decision.mail.text).toContain('Estimated delivery: 2026-12-06');
    expect(decision.mail.text).toContain('https://www.ups.com/track?tracknum=1Z%2099');
    expect(decision.mail.html).toContain('<a href="https://www.ups.com/track?tracknum=1Z%2099">');
  });

  it('sends a shipment of a carrier without a template without a link', () => {
    // Act
    const decision = renderErpMail(
      intentOf(undefined, aShipment({ carrier: 'Pigeon Post' })),
      { order: anOrder(), customer: aCustomer() },
      SETTINGS,
      { final: false },
    );
    // Assess
    if (decision.kind !== 'send') throw new Error('not sent');
    expect(decision.mail.text).toContain('Carrier: Pigeon Post');
    expect(decision.mail.text).not.toContain('http');
    expect(decision.mail.html).not.toContain('<a ');
  });

  it('waits for an unknown order, then for an unknown customer', () => {
    // Prepare
    const intent = intentOf(undefined, aShipment());
    // Act
    const noOrder = renderErpMail(intent, {}, SETTINGS, { final: false });
    const noCustomer = renderErpMail(intent, { order: anOrder() }, SETTINGS, { final: false });
    // Assess
    expect(noOrder).toEqual({ kind: 'wait', waits_for: 'salesOrder#SO-1', reason: 'order SO-1 not known yet' });
    expect(noCustomer).toEqual({ kind: 'wait', waits_for: 'customer#C-1', reason: 'customer C-1 not known yet' });
  });

  it('after the wait sends an invoice with what is known, and gives up a shipment with no one to mail', () => {
    // Prepare
    const invoice = anErpItem(
      'invoice',
      { order_id: 'SO-9', customer_id: 'C-1' },
      { invoiceNumber: 'INV-5', amountDue: 80.5, currency: 'USD', dueDate: '2027-01-01' },
    );
    // Act
    const sent = renderErpMail(intentOf(undefined, invoice), { customer: aCustomer() }, SETTINGS, { final: true });
    const given = renderErpMail(intentOf(undefined, aShipment()), {}, SETTINGS, { final: true });
    // Assess
    expect(sent).toMatchObject({ kind: 'send', mail: { subject: 'Invoice INV-5', to: ['ann@example.com'] } });
    if (sent.kind !== 'send') throw new Error('not sent');
    expect(sent.mail.text).toContain('Amount due: 80.50 USD');
    expect(sent.mail.text).toContain('Due date: 2027-01-01');
    expect(sent.mail.text).toContain('Order number: SO-9');
    expect(given).toEqual({ kind: 'skip', reason: 'order SO-1 still unknown after waiting, so no customer to mail' });
  });

  it('does not send to a customer without an email address, and says why', () => {
    // Act
    const decision = renderErpMail(
      intentOf(undefined, aShipment()),
      { order: anOrder(), customer: aCustomer({ name: 'Ann' }) },
      SETTINGS,
      { final: false },
    );
    // Assess
    expect(decision).toEqual({ kind: 'skip', reason: 'customer C-1 has no email address' });
  });
});

describe('Function: escapeHtml()', () => {
  it('escapes the five characters that matter in content and quoted attributes', () => {
    // Assess
    expect(escapeHtml(`<a href="x">Tom & 'Jerry'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;',
    );
  });
});

describe('Function: orderUpdateOf()', () => {
  it('marks the order paid when its invoice becomes paid, once', () => {
    // Prepare
    const invoice = anErpItem('invoice', { order_id: 'SO-1', status: 'issued' });
    const paid = nextVersion(invoice, { status: 'paid' });
    // Act / Assess
    expect(orderUpdateOf(invoice, paid)).toEqual({
      order_id: 'SO-1',
      change: 'paid',
      at: paid.updated_at,
      from: invoice.pk,
    });
    expect(orderUpdateOf(paid, nextVersion(paid, {}, { total: 1 }))).toBeUndefined();
  });

  it('marks the order delivered when its shipment becomes delivered, also when it arrives delivered', () => {
    // Prepare
    const shipment = aShipment();
    // Assess
    expect(orderUpdateOf(shipment, nextVersion(shipment, { status: 'delivered' }))).toMatchObject({
      change: 'delivered',
    });
    expect(orderUpdateOf(undefined, { ...shipment, status: 'delivered' })).toMatchObject({ change: 'delivered' });
    expect(orderUpdateOf(undefined, shipment)).toBeUndefined();
  });

  it('owes a newly known order the updates of its paid invoices and delivered shipments only', () => {
    // Prepare
    const related = [
      anErpItem('invoice', { order_id: 'SO-1', status: 'paid' }),
      anErpItem('invoice', { order_id: 'SO-1', status: 'issued' }),
      { ...aShipment(), status: 'delivered' },
    ];
    // Act
    const owed = pendingOrderUpdates('SO-1', related);
    // Assess
    expect(owed.map((u) => u.change)).toEqual(['paid', 'delivered']);
  });
});
