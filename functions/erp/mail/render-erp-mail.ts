import type { MailRequestSpec } from '../../kernel/outbound/message.js';
import { trackingUrl } from '../../kernel/settings/setting-lookups.js';
import type { Settings } from '../../kernel/settings/settings-schema.js';
import type { ErpItem } from '../../kernel/erp/erp-items.js';
import type { ErpMailIntent } from './erp-mail-intents.js';
import { escapeHtml } from '../../kernel/outbound/html-escape.js';

/**
 * A mail intent made into a mail, or why it waits or is not sent. Pure:
 * the caller reads the order and the customer (when the intent needs them)
 * and the settings, and acts on the answer.
 *
 * - A mail waits for an order or a customer that is not known yet (a
 *   shipment that arrives before its order), naming the key it waits for;
 *   once the wait is over (`final`), it goes out with what is known, or is
 *   not sent, with the reason.
 * - A role without recipients, or a customer without an email address: not
 *   sent, with the reason.
 * - Every value from the ERP is HTML-escaped in the HTML body.
 */

export type MailDecision =
  | { readonly kind: 'send'; readonly mail: Omit<MailRequestSpec, 'integration'> }
  | { readonly kind: 'wait'; readonly waits_for: string; readonly reason: string }
  | { readonly kind: 'skip'; readonly reason: string };

export interface KnownItems {
  /** The order of a shipment or invoice (for an order's own mails: the order itself). */
  readonly order?: ErpItem;
  readonly customer?: ErpItem;
}

export interface RenderOptions {
  /** The wait is over: send with what is known, or record why not. */
  readonly final: boolean;
}

type MailSettings = Pick<Settings, 'recipients' | 'carrier_tracking_urls'>;

/** A mail's content, rendered once as text and once as HTML. */
interface MailBody {
  readonly greeting?: string;
  readonly intro: string;
  readonly facts: readonly (readonly [string, string | undefined])[];
  readonly link?: { readonly label: string; readonly url: string };
}

const textOf = (body: MailBody): string => {
  const facts = body.facts.filter(([, value]) => value !== undefined).map(([label, value]) => `${label}: ${value}`);
  const link = body.link ? [`${body.link.label}: ${body.link.url}`] : [];
  return [...(body.greeting ? [body.greeting, ''] : []), body.intro, '', ...facts, ...link].join('\n');
};

const htmlOf = (body: MailBody): string => {
  const facts = body.facts
    .filter(([, value]) => value !== undefined)
    .map(([label, value]) => `<li><strong>${escapeHtml(label)}:</strong> ${escapeHtml(value ?? '')}</li>`)
    .join('');
  const link = body.link ? `<p><a href="${escapeHtml(body.link.url)}">${escapeHtml(body.link.label)}</a></p>` : '';
  const greeting = body.greeting ? `<p>${escapeHtml(body.greeting)}</p>` : '';
  return `<html><body>${greeting}<p>${escapeHtml(body.intro)}</p><ul>${facts}</ul>${link}</body></html>`;
};

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined;

const money = (amount: unknown, currency: unknown): string | undefined =>
  typeof amount === 'number' ? `${amount.toFixed(2)}${typeof currency === 'string' ? ` ${currency}` : ''}` : undefined;

const mailOf = (to: readonly string[], subject: string, body: MailBody): MailDecision => ({
  kind: 'send',
  mail: { kind: 'mail', to: [...to], subject, text: textOf(body), html: htmlOf(body) },
});

const orderNumberOf = (intent: ErpMailIntent, known: KnownItems): string | undefined =>
  str(known.order?.data.orderNumber) ?? intent.source.order_id;

const greetingOf = (customer: ErpItem | undefined): string => {
  const name = str(customer?.data.name);
  return name ? `Dear ${name},` : 'Hello,';
};

/** The sales or purchasing mails: to a role of the settings. */
const toRole = (
  role: 'sales' | 'purchasing',
  settings: MailSettings,
  send: (to: readonly string[]) => MailDecision,
) => {
  const to = settings.recipients[role];
  return to.length === 0 ? ({ kind: 'skip', reason: `no ${role} recipient configured` } as const) : send(to);
};

/**
 * The customer of a mail, or why there is none yet: its order first when
 * the mail wants it (the customer of a shipment is its order's), then the
 * customer item for the address.
 */
const toCustomer = (
  intent: ErpMailIntent,
  known: KnownItems,
  options: RenderOptions,
  send: (to: readonly string[]) => MailDecision,
): MailDecision => {
  const { source } = intent;
  const orderId = source.entity === 'salesOrder' ? undefined : source.order_id;
  if (orderId !== undefined && known.order === undefined && !options.final) {
    return { kind: 'wait', waits_for: `salesOrder#${orderId}`, reason: `order ${orderId} not known yet` };
  }
  const customerId = source.customer_id ?? known.order?.customer_id;
  if (customerId === undefined) {
    return {
      kind: 'skip',
      reason:
        orderId !== undefined && known.order === undefined
          ? `order ${orderId} still unknown after waiting, so no customer to mail`
          : 'no customer on the order',
    };
  }
  if (known.customer === undefined) {
    return options.final
      ? { kind: 'skip', reason: `customer ${customerId} still unknown after waiting` }
      : { kind: 'wait', waits_for: `customer#${customerId}`, reason: `customer ${customerId} not known yet` };
  }
  const email = str(known.customer.data.email);
  return email === undefined ? { kind: 'skip', reason: `customer ${customerId} has no email address` } : send([email]);
};

/**
 * The mail of an intent, or why it waits or is not sent.
 *
 * @example
 * renderErpMail(shipmentIntent, { order, customer }, settings, { final: false });
 * // { kind: 'send', mail: { to: ['ann@example.com'], subject: 'Your Order Has Shipped!', ... } }
 * renderErpMail(shipmentIntent, {}, settings, { final: false });
 * // { kind: 'wait', waits_for: 'salesOrder#SO-1', reason: 'order SO-1 not known yet' }
 */
const renderErpMail = (
  intent: ErpMailIntent,
  known: KnownItems,
  settings: MailSettings,
  options: RenderOptions,
): MailDecision => {
  const { data, status } = intent.source;
  switch (intent.kind) {
    case 'order-created': {
      const number = str(data.orderNumber) ?? intent.source.entity_id;
      return toRole('sales', settings, (to) =>
        mailOf(to, `New Order: ${number}`, {
          intro: `A new order ${number} has been placed.`,
          facts: [
            ['Order number', number],
            ['Customer', intent.source.customer_id],
            ['Order date', str(data.orderDate)],
            ['Requested ship date', str(data.requestedShipDate)],
            ['Lines', Array.isArray(data.lineItems) ? String(data.lineItems.length) : undefined],
            ['Total', money(data.total, data.currency)],
          ],
        }),
      );
    }
    case 'order-status': {
      const number = str(data.orderNumber) ?? intent.source.entity_id;
      return toCustomer(intent, known, options, (to) =>
        mailOf(to, `Order Update: ${number}`, {
          greeting: greetingOf(known.customer),
          intro: `Your order ${number} is now ${status}.`,
          facts: [
            ['Order number', number],
            ['Status', status],
            ['Total', money(data.total, data.currency)],
          ],
        }),
      );
    }
    case 'po-status': {
      const number = str(data.poNumber) ?? intent.source.entity_id;
      return toRole('purchasing', settings, (to) =>
        mailOf(to, `Purchase Order Update: ${number}`, {
          intro: `Purchase order ${number} is now ${status}.`,
          facts: [
            ['Purchase order', number],
            ['Vendor', str(data.vendorId)],
            ['Previous status', intent.previous_status],
            ['Status', status],
            ['Expected', str(data.expectedDate)],
            ['Total', money(data.total, data.currency)],
          ],
        }),
      );
    }
    case 'invoice-created': {
      const number = str(data.invoiceNumber) ?? intent.source.entity_id;
      return toCustomer(intent, known, options, (to) =>
        mailOf(to, `Invoice ${number}`, {
          greeting: greetingOf(known.customer),
          intro: `Invoice ${number} has been issued.`,
          facts: [
            ['Invoice number', number],
            ['Order number', orderNumberOf(intent, known)],
            ['Issue date', str(data.issueDate)],
            ['Amount due', money(data.amountDue ?? data.total, data.currency)],
            ['Due date', str(data.dueDate)],
          ],
        }),
      );
    }
    case 'shipment-created': {
      const carrier = str(data.carrier);
      const tracking = str(data.trackingNumber);
      const url = carrier && tracking ? trackingUrl(settings, carrier, tracking) : undefined;
      return toCustomer(intent, known, options, (to) =>
        mailOf(to, 'Your Order Has Shipped!', {
          greeting: greetingOf(known.customer),
          intro: `Your order ${orderNumberOf(intent, known) ?? ''} is on its way.`.replace(' order  is', ' order is'),
          facts: [
            ['Order number', orderNumberOf(intent, known)],
            ['Carrier', carrier],
            ['Tracking number', tracking],
            ['Ship date', str(data.shipDate)],
            ['Estimated delivery', str(data.estimatedDelivery)],
          ],
          ...(url ? { link: { label: 'Track your shipment', url } } : {}),
        }),
      );
    }
  }
};

export { renderErpMail };
