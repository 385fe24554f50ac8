import { logger } from '../../kernel/observability.js';
import type { OutboundMessageInput } from '../../kernel/outbound/message.js';
import { enqueueOutbound } from '../../kernel/outbound/outbound-queue.js';
import { readSettings } from '../../kernel/settings/read-settings.js';
import type { ErpItem } from '../../kernel/erp/erp-items.js';
import { getErpItem } from './erp-item-reads.js';
import type { ErpMailIntent } from './erp-mail-intents.js';
import { logMailEvent } from './mail-sync-events.js';
import { type KnownItems, type MailDecision, renderErpMail } from './render-erp-mail.js';

/**
 * Takes a mail intent as far as it can go now: reads the order and the
 * customer it needs, renders it, and queues it (outbound queue, SES via the
 * dispatcher) or reports that it waits or is not sent. Logs `queued` and
 * `skipped` here; `waiting` is logged by the caller that parks it.
 *
 * Sent at most once: the outbound message's id is the mail's id, and
 * `supersede` keyed on it makes the dispatcher drop a copy of a mail it
 * already delivered, however often the intent is handled again.
 */

export interface HandleOptions {
  /** The wait is over (the sweep): send with what is known or give up. */
  readonly final: boolean;
  /** The time of the log item: the triggering write's time on the stream path, so a redelivery logs the same item. */
  readonly at: string;
}

const readKnown = async (intent: ErpMailIntent): Promise<KnownItems> => {
  const { source } = intent;
  const order: ErpItem | undefined =
    source.entity === 'shipment' || source.entity === 'invoice'
      ? source.order_id === undefined
        ? undefined
        : await getErpItem('salesOrder', source.order_id)
      : undefined;
  const customerId = source.customer_id ?? order?.customer_id;
  const wantsCustomer = intent.kind !== 'order-created' && intent.kind !== 'po-status';
  const customer = wantsCustomer && customerId !== undefined ? await getErpItem('customer', customerId) : undefined;
  return { ...(order ? { order } : {}), ...(customer ? { customer } : {}) };
};

const messageOf = (
  intent: ErpMailIntent,
  mail: Extract<MailDecision, { kind: 'send' }>['mail'],
): OutboundMessageInput => ({
  id: intent.id,
  group: `erp-mail#${intent.source.entity}#${intent.source.entity_id}`,
  request: mail,
  supersede: { key: intent.id, version: 1 },
  context: { record_type: intent.source.entity, record_id: intent.source.entity_id, mail: intent.kind },
});

/**
 * @returns the decision taken: `send` (queued), `wait` (the caller parks it) or `skip` (logged).
 *
 * @example
 * const decision = await handleMailIntent(intent, { final: false, at: item.updated_at });
 */
const handleMailIntent = async (intent: ErpMailIntent, options: HandleOptions): Promise<MailDecision> => {
  const [known, settings] = await Promise.all([readKnown(intent), readSettings()]);
  const decision = renderErpMail(intent, known, settings, { final: options.final });
  if (decision.kind === 'send') {
    await enqueueOutbound([messageOf(intent, decision.mail)]);
    await logMailEvent(
      intent,
      'queued',
      { to: decision.mail.to.join(', '), subject: decision.mail.subject },
      options.at,
    );
    logger.info('ERP mail queued', { mail_id: intent.id, kind: intent.kind });
  } else if (decision.kind === 'skip') {
    await logMailEvent(intent, 'skipped', { reason: decision.reason }, options.at);
    logger.warn('ERP mail not sent', { mail_id: intent.id, kind: intent.kind, reason: decision.reason });
  }
  return decision;
};

export { handleMailIntent };
