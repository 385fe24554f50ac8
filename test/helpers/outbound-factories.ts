import { vi } from 'vitest';
import type { DeliveryPorts } from '../../functions/platform/dispatcher/deliver.js';
import {
  type OutboundMessage,
  type OutboundMessageInput,
  outboundMessage,
} from '../../functions/kernel/outbound/message.js';

/** An outbound message with sensible defaults; override any field. */
export const anOutboundMessage = (overrides: Partial<OutboundMessageInput> = {}): OutboundMessage =>
  outboundMessage.parse({
    id: 'crm#contact#c-1#v1',
    group: 'crm#contact#c-1',
    request: { integration: 'crm', method: 'PUT', path: '/api/contacts/ext-1', body: { email: 'ana@example.com' } },
    context: { record_type: 'contact', record_id: 'c-1' },
    ...overrides,
  });

/** Delivery ports where every call is a spy; fetch answers `answer` unless replaced. */
export const fakeDeliveryPorts = (overrides: Partial<DeliveryPorts> = {}): DeliveryPorts => ({
  fetch: vi.fn(async () => new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } })),
  sendMail: vi.fn(async () => undefined),
  settingsOf: vi.fn(async (name: string) => {
    const settings: Record<string, string> =
      name === 'mail'
        ? { from: 'sync@example.com' }
        : { apiUrl: 'http://crm.test/', apiKey: 'k-123', webhookSecret: 'whsec_x' };
    return { ok: true as const, settings };
  }),
  deliveredVersion: vi.fn(async () => undefined),
  markDelivered: vi.fn(async () => undefined),
  actions: {},
  random: () => 0.5,
  now: () => Date.parse('2026-11-24T12:00:00Z'),
  timeoutMs: 50,
  backoffBaseSeconds: 5,
  ...overrides,
});
