import { describe, expect, it, vi } from 'vitest';
import { dispatchRecord } from '../../functions/platform/dispatcher/dispatch-record.js';
import { anOutboundMessage, anOutboundRecord, fakeDispatcherPorts } from '../helpers/outbound-factories.js';

const answering = (status: number, headers: Record<string, string> = {}, body = '{}') =>
  vi.fn(async () => new Response(body, { status, headers }));

const NOW_ISO = '2026-11-24T12:00:00.000Z';

describe('Function: dispatchRecord()', () => {
  it.each([401, 403, 404, 409, 422])(
    'puts a message the vendor refuses with HTTP %i in the DLQ with its cause, and finishes it',
    async (status) => {
      // Prepare
      const ports = fakeDispatcherPorts({ fetch: answering(status, {}, '{"error":"no"}') });
      const record = anOutboundRecord(anOutboundMessage(), { messageId: 'sqs-7' });
      // Act
      await dispatchRecord(record, ports);
      // Assess
      expect(ports.sendToDeadLetter).toHaveBeenCalledWith(
        { body: record.body, groupId: 'crm#contact#c-1', sqsMessageId: 'sqs-7' },
        {
          kind: 'rejected',
          status: String(status),
          reason: `HTTP ${status}: {"error":"no"}`,
          attempts: 1,
          at: NOW_ISO,
          integration: 'crm',
          originalMessageId: 'sqs-7',
          request: 'PUT /api/contacts/ext-1',
        },
      );
      expect(ports.handBack).not.toHaveBeenCalled();
      expect(ports.appendSyncEvent).toHaveBeenCalledWith(
        expect.objectContaining({ outcome: 'rejected', detail: expect.objectContaining({ dead_lettered: true }) }),
      );
    },
  );

  it('hands a failed attempt back with the backoff of its failure count', async () => {
    // Prepare
    const ports = fakeDispatcherPorts({ fetch: answering(500) });
    const record = anOutboundRecord(anOutboundMessage(), { receiveCount: 40 });
    // Act
    const attempt = dispatchRecord(record, ports);
    // Assess
    await expect(attempt).rejects.toThrow(/retry in 4 s/);
    expect(ports.handBack).toHaveBeenCalledWith('receipt-1', 4);
    expect(ports.sendToDeadLetter).not.toHaveBeenCalled();
  });

  it('dead-letters a message at the last failure of its budget, as exhausted with the last cause', async () => {
    // Prepare
    const ports = fakeDispatcherPorts({ fetch: answering(503, {}, 'down'), failureBudget: 3 });
    const record = anOutboundRecord(anOutboundMessage());
    // Act
    await expect(dispatchRecord(record, ports)).rejects.toThrow();
    await expect(dispatchRecord(record, ports)).rejects.toThrow();
    await dispatchRecord(record, ports);
    // Assess
    expect(ports.sendToDeadLetter).toHaveBeenCalledTimes(1);
    expect(vi.mocked(ports.sendToDeadLetter).mock.calls[0]?.[1]).toMatchObject({
      kind: 'exhausted',
      status: '503',
      reason: 'HTTP 503: down (3 failed attempts)',
      attempts: 3,
    });
    expect(vi.mocked(ports.appendSyncEvent).mock.calls.map(([event]) => event.outcome)).toEqual([
      'retry',
      'retry',
      'dead-lettered',
    ]);
  });

  it('waits out more rate limits than the failure budget without dead-lettering, then delivers', async () => {
    // Prepare
    const fetch = vi.fn(async () => new Response('{}', { status: 429, headers: { 'retry-after': '1' } }));
    const ports = fakeDispatcherPorts({ fetch, failureBudget: 2 });
    const record = anOutboundRecord(anOutboundMessage());
    // Act
    for (let i = 0; i < 6; i++) await expect(dispatchRecord(record, ports)).rejects.toThrow(/retry in 1 s/);
    fetch.mockImplementation(async () => new Response('{}', { status: 200 }));
    await dispatchRecord(record, ports);
    // Assess
    expect(ports.sendToDeadLetter).not.toHaveBeenCalled();
    expect(vi.mocked(ports.appendSyncEvent).mock.calls.at(-1)?.[0].outcome).toBe('delivered');
  });

  it('dead-letters a failing message that has waited on the queue so long that SQS would soon delete it', async () => {
    // Prepare
    const ports = fakeDispatcherPorts({ fetch: answering(500) });
    const record = anOutboundRecord(anOutboundMessage(), { sentAt: Date.parse('2026-11-11T11:00:00Z') });
    // Act
    await dispatchRecord(record, ports);
    // Assess
    expect(vi.mocked(ports.sendToDeadLetter).mock.calls[0]?.[1]).toMatchObject({
      kind: 'exhausted',
      reason: expect.stringContaining("would outlive the queue's retention (queued 2026-11-11T11:00:00.000Z)"),
    });
    expect(ports.handBack).not.toHaveBeenCalled();
  });

  it('starts a redriven copy (a new SQS message id) with a fresh budget', async () => {
    // Prepare
    const ports = fakeDispatcherPorts({ fetch: answering(500), failureBudget: 1 });
    await dispatchRecord(anOutboundRecord(anOutboundMessage(), { messageId: 'original' }), ports);
    // Act
    await dispatchRecord(anOutboundRecord(anOutboundMessage(), { messageId: 'redriven' }), ports);
    // Assess
    const attempts = vi.mocked(ports.sendToDeadLetter).mock.calls.map(([, cause]) => cause.attempts);
    expect(attempts).toEqual([1, 1]);
  });

  it('counts an error of its own as a failure instead of waiting for SQS to give up', async () => {
    // Prepare
    const ports = fakeDispatcherPorts({ failureBudget: 1 });
    const record = anOutboundRecord(anOutboundMessage({ action: { name: 'nobody.knows', params: {} } }));
    // Act
    await dispatchRecord(record, ports);
    // Assess
    expect(vi.mocked(ports.sendToDeadLetter).mock.calls[0]?.[1]).toMatchObject({
      kind: 'exhausted',
      status: 'Error',
      reason: 'Error: Unknown outbound action nobody.knows (1 failed attempts)',
    });
  });

  it.each([
    ['not JSON', '{"id":', 'unknown', 'SyntaxError'],
    ['not an outbound message', JSON.stringify({ request: { integration: 'crm' } }), 'crm', undefined],
  ])('puts a body that is %s in the DLQ as malformed, as it is', async (_case, body, integration, status) => {
    // Prepare
    const ports = fakeDispatcherPorts();
    const record = anOutboundRecord(body, { group: 'g-1' });
    // Act
    await dispatchRecord(record, ports);
    // Assess
    const [message, cause] = vi.mocked(ports.sendToDeadLetter).mock.calls[0] ?? [];
    expect(message).toEqual({ body, groupId: 'g-1', sqsMessageId: 'sqs-1' });
    expect(cause).toMatchObject({ kind: 'malformed', attempts: 1, integration });
    if (status) expect(cause?.status).toBe(status);
    expect(ports.fetch).not.toHaveBeenCalled();
  });

  it('finishes a dead-lettered message even when its sync event cannot be written, so it is not called again', async () => {
    // Prepare
    const ports = fakeDispatcherPorts({
      fetch: answering(409),
      appendSyncEvent: vi.fn(async () => Promise.reject(new Error('DynamoDB is down'))),
    });
    // Act
    const attempt = dispatchRecord(anOutboundRecord(anOutboundMessage()), ports);
    // Assess
    await expect(attempt).resolves.toBeUndefined();
    expect(ports.sendToDeadLetter).toHaveBeenCalledTimes(1);
  });

  it('keeps the message when the DLQ refuses it, so it is never dropped', async () => {
    // Prepare
    const ports = fakeDispatcherPorts({
      fetch: answering(422),
      sendToDeadLetter: vi.fn(async () => Promise.reject(new Error('SQS is down'))),
    });
    // Act
    const attempt = dispatchRecord(anOutboundRecord(anOutboundMessage()), ports);
    // Assess
    await expect(attempt).rejects.toThrow('SQS is down');
  });
});
