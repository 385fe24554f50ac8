import { vi } from 'vitest';
import type { SQSRecord } from 'aws-lambda';
import type { DeliveryPorts } from '../../functions/platform/dispatcher/deliver.js';
import type { DispatcherPorts } from '../../functions/platform/dispatcher/dispatch-record.js';
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
  now: () => Date.parse('2026-11-24T12:00:00Z'),
  timeoutMs: 50,
  ...overrides,
});

/**
 * Dispatcher ports over {@link fakeDeliveryPorts}: an in-memory failure
 * counter per SQS message id (as the DynamoDB one counts), and spies for
 * the DLQ, the visibility change and the sync log.
 */
export const fakeDispatcherPorts = (overrides: Partial<DispatcherPorts> = {}): DispatcherPorts => {
  const counters = new Map<string, { failures: number; rateLimited: number; rateLimitedSince?: number }>();
  return {
    ...fakeDeliveryPorts(),
    random: () => 0.5,
    backoffBaseSeconds: 5,
    failureBudget: 8,
    countFailure: vi.fn(async (id: string, attempt: { rateLimited: boolean; now: number }) => {
      const current = counters.get(id) ?? { failures: 0, rateLimited: 0 };
      const next = attempt.rateLimited
        ? {
            ...current,
            rateLimited: current.rateLimited + 1,
            rateLimitedSince: current.rateLimitedSince ?? attempt.now,
          }
        : { ...current, failures: current.failures + 1 };
      counters.set(id, next);
      return next;
    }),
    sendToDeadLetter: vi.fn(async () => undefined),
    handBack: vi.fn(async () => undefined),
    appendSyncEvent: vi.fn(async () => undefined),
    ...overrides,
  };
};

/** An SQS record of the outbound queue carrying `body`, as Lambda hands it to the dispatcher. */
export const anOutboundRecord = (
  body: unknown,
  overrides: { messageId?: string; receiveCount?: number; group?: string; sentAt?: number } = {},
): SQSRecord => ({
  messageId: overrides.messageId ?? 'sqs-1',
  receiptHandle: 'receipt-1',
  body: typeof body === 'string' ? body : JSON.stringify(body),
  attributes: {
    ApproximateReceiveCount: String(overrides.receiveCount ?? 1),
    // A minute before the fake ports' clock.
    SentTimestamp: String(overrides.sentAt ?? Date.parse('2026-11-24T11:59:00Z')),
    SenderId: 'test',
    ApproximateFirstReceiveTimestamp: String(overrides.sentAt ?? Date.parse('2026-11-24T11:59:00Z')),
    MessageGroupId: overrides.group ?? 'crm#contact#c-1',
    MessageDeduplicationId: 'dedup-1',
    SequenceNumber: '1',
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:outbound.fifo',
  awsRegion: 'us-east-1',
});
