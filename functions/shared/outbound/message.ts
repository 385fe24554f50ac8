import { z } from 'zod';
import { integrationNames } from '../../../lib/topology.js';

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
 * const message = outboundMessage.parse({
 *   id: 'crm#contact#42#v3', group: 'crm#contact#42',
 *   request: { integration: 'crm', method: 'PUT', path: '/api/contacts/c-9', body: { email } },
 * });
 */
const httpRequest = z.object({
  kind: z.literal('http').default('http'),
  integration: z.enum(integrationNames).exclude(['admin', 'inventory', 'mail']),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
  /** Joined to the integration's base URL; empty for webhook-style URLs (Slack). */
  path: z.string(),
  body: z.unknown().optional(),
  headers: z.record(z.string(), z.string()).optional(),
});

const mailRequest = z.object({
  kind: z.literal('mail'),
  integration: z.literal('mail').default('mail'),
  to: z.array(z.email()).min(1),
  subject: z.string().min(1),
  text: z.string(),
  html: z.string().optional(),
});

const outboundMessage = z.object({
  /** Unique per intended effect; the FIFO deduplication id derives from it. */
  id: z.string().min(1).max(512),
  group: z.string().min(1).max(128),
  request: z.discriminatedUnion('kind', [httpRequest, mailRequest]),
  supersede: z.object({ key: z.string().min(1), version: z.number().int() }).optional(),
  action: z.object({ name: z.string().min(1), params: z.record(z.string(), z.unknown()).default({}) }).optional(),
  /** Searchable context for logs and the delivery log (record_id, sku, ...). */
  context: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
});

export type OutboundMessage = z.infer<typeof outboundMessage>;
export type OutboundMessageInput = z.input<typeof outboundMessage>;
export type HttpRequestSpec = z.infer<typeof httpRequest>;
export type MailRequestSpec = z.infer<typeof mailRequest>;

export { outboundMessage };
