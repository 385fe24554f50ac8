import * as z from '../validation.js';
import { type CalledIntegration, calledIntegrations } from '../wiring/integrations.js';

/**
 * The one shape of every message on the outbound queue.
 *
 * A producer (a stream consumer, a webhook handler) says *what* to call on
 * which integration; it never holds URLs or keys. The dispatcher resolves the
 * integration's base URL and authentication from its settings at send time,
 * so a rotated key or a moved endpoint applies to messages already queued.
 *
 * - `group` orders messages: the queue is FIFO and messages of one group are
 *   delivered one after the other (use one group per target record).
 * - `supersede` drops a message whose state is older than what the target
 *   already received (inventory levels: only the newest quantity matters).
 * - `action` names a hook registered with the dispatcher that may rewrite the
 *   request just before sending (e.g. POST vs PUT by the record's current
 *   external id) and act on the answer (e.g. write the new id back).
 *
 * @example
 * const message = z.parse(outboundMessage, {
 *   id: 'crm#contact#42#v3', group: 'crm#contact#42',
 *   request: { integration: 'crm', method: 'PUT', path: '/api/contacts/c-9', body: { email } },
 * });
 */
const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));

const httpRequest = () =>
  z.object({
    kind: z._default(z.literal('http'), 'http'),
    integration: z.enum(calledIntegrations as [CalledIntegration, ...CalledIntegration[]]),
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
    /** Joined to the integration's base URL; empty for webhook-style URLs (Slack). */
    path: z.string(),
    body: z.optional(z.unknown()),
    headers: z.optional(z.record(z.string(), z.string())),
  });

const mailRequest = () =>
  z.object({
    kind: z.literal('mail'),
    integration: z._default(z.literal('mail'), 'mail'),
    to: z.array(z.email()).check(z.minLength(1)),
    subject: text(998),
    text: z.string(),
    html: z.optional(z.string()),
  });

// Built on the first parse, not at import: a cold start should not pay for
// schemas its first request may never use (issue 15); z.lazy keeps it one schema.
const outboundMessage = z.lazy(() =>
  z.object({
    /** Unique per intended effect; the FIFO deduplication id derives from it. */
    id: text(512),
    group: text(128),
    request: z.discriminatedUnion('kind', [httpRequest(), mailRequest()]),
    supersede: z.optional(z.object({ key: text(512), version: z.int() })),
    action: z.optional(z.object({ name: text(100), params: z._default(z.record(z.string(), z.unknown()), {}) })),
    /** Searchable context for logs and the delivery log (record_id, sku, ...). */
    context: z._default(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])), {}),
  }),
);

export type OutboundMessage = z.infer<typeof outboundMessage>;
export type OutboundMessageInput = z.input<typeof outboundMessage>;
export type HttpRequestSpec = z.infer<ReturnType<typeof httpRequest>>;
export type MailRequestSpec = z.infer<ReturnType<typeof mailRequest>>;

export { outboundMessage };
