import type { Message } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { deadLetterAttributes } from '../../functions/kernel/outbound/dead-letter-cause.js';
import {
  causeSummary,
  describeDeadLetter,
  matchesDeadLetterFilter,
  withLastAttempt,
} from '../../functions/kernel/outbound/dead-letters-entry.js';

const body = (integration: string, recordId: string) =>
  JSON.stringify({
    id: `${integration}#contact#${recordId}#v3`,
    group: `${integration}#contact#${recordId}`,
    request: { kind: 'http', integration, method: 'PUT', path: `/api/contacts/${recordId}` },
    context: { record_type: 'contact', record_id: recordId },
  });

const received = (overrides: Partial<Message> = {}): Message => ({
  MessageId: 'sqs-1',
  ReceiptHandle: 'r-1',
  Body: body('crm', 'c-1'),
  Attributes: { ApproximateReceiveCount: '3', SentTimestamp: '1748772000000' },
  ...overrides,
});

describe('Dead letters: describing what a DLQ holds', () => {
  it('reads the cause the dispatcher wrote, in the attributes it writes them with', () => {
    // Prepare
    const message = received({
      MessageAttributes: deadLetterAttributes({
        kind: 'rejected',
        status: '422',
        reason: '{"error":"email is invalid"}',
        attempts: 1,
        at: '2025-06-01T10:00:00.000Z',
        integration: 'crm',
        originalMessageId: 'sqs-0',
      }),
    });

    // Act
    const entry = describeDeadLetter(message, 'outbound');

    // Assess
    expect(entry).toEqual({
      queue: 'outbound',
      sqs_message_id: 'sqs-1',
      message_id: 'crm#contact#c-1#v3',
      group: 'crm#contact#c-1',
      original_sqs_message_id: 'sqs-0',
      integration: 'crm',
      request: 'PUT /api/contacts/c-1',
      record_type: 'contact',
      record_id: 'c-1',
      cause: {
        kind: 'rejected',
        status: 422,
        reason: '{"error":"email is invalid"}',
        attempts: 1,
        at: '2025-06-01T10:00:00.000Z',
        summary: 'rejected: HTTP 422 after 1 attempt: {"error":"email is invalid"}',
      },
      dead_lettered_at: '2025-06-01T10:00:00.000Z',
      receive_count: 3,
    });
  });

  it('lists the request the dispatcher really sent, not the placeholder an action was queued with', () => {
    // Prepare
    const message = received({
      MessageAttributes: deadLetterAttributes({
        kind: 'exhausted',
        status: 'ECONNREFUSED',
        reason: 'connection refused by 127.0.0.1:4010 (8 failed attempts)',
        attempts: 8,
        at: '2025-06-01T10:00:00.000Z',
        integration: 'crm',
        request: 'POST /api/contacts',
      }),
    });

    // Act
    const entry = describeDeadLetter(message, 'outbound');

    // Assess
    expect(entry.request).toBe('POST /api/contacts');
    expect(entry.cause).toMatchObject({
      status: 'ECONNREFUSED',
      reason: 'connection refused by 127.0.0.1:4010 (8 failed attempts)',
    });
  });

  it('reports a message SQS moved by itself as receives exhausted without an answer, dated when it was sent', () => {
    // Act
    const entry = describeDeadLetter(received(), 'outbound');

    // Assess
    expect(entry.cause).toEqual({ kind: 'receives-exhausted', summary: 'receives exhausted without an answer' });
    expect(entry.dead_lettered_at).toBe('2025-06-01T10:00:00.000Z');
  });

  it('keeps an error name as the status, and leaves out the placeholders SQS made the dispatcher write', () => {
    // Prepare
    const message = received({
      MessageAttributes: deadLetterAttributes({
        kind: 'malformed',
        status: 'SyntaxError',
        reason: '',
        attempts: 1,
        at: '2025-06-01T10:00:00.000Z',
        integration: 'unknown',
      }),
      Body: 'not json',
    });

    // Act
    const entry = describeDeadLetter(message, 'outbound');

    // Assess
    expect(entry.cause).toEqual({
      kind: 'malformed',
      status: 'SyntaxError',
      attempts: 1,
      at: '2025-06-01T10:00:00.000Z',
      summary: 'malformed: SyntaxError after 1 attempt',
    });
    expect(entry.message_id).toBeUndefined();
    expect(entry.integration).toBe('unknown');
  });

  it('summarises a mail request by its subject', () => {
    // Prepare
    const mail = JSON.stringify({
      id: 'm-1',
      group: 'mail#1',
      request: { kind: 'mail', integration: 'mail', subject: 'Low stock' },
    });

    // Act
    const entry = describeDeadLetter(received({ Body: mail }), 'outbound');

    // Assess
    expect(entry.request).toBe('MAIL Low stock');
  });

  it.each([
    [{ kind: 'exhausted', status: 503, attempts: 8 }, 'exhausted: HTTP 503 after 8 attempts'],
    [{ kind: 'exhausted', reason: 'socket closed' }, 'exhausted: socket closed'],
    [
      { kind: 'rejected', status: 404, attempts: 1, reason: 'not\n  found' },
      'rejected: HTTP 404 after 1 attempt: not found',
    ],
    [
      { kind: 'rejected', status: 422, attempts: 1, reason: 'HTTP 422: {"error":"email is invalid"}' },
      'rejected: HTTP 422 after 1 attempt: {"error":"email is invalid"}',
    ],
  ])('summarises the cause %j in one line', (cause, summary) => {
    // Act / Assess
    expect(causeSummary(cause)).toBe(summary);
  });
});

describe('Dead letters: picking by integration and id', () => {
  const crm = describeDeadLetter(received(), 'outbound');
  const erp = describeDeadLetter(received({ MessageId: 'sqs-2', Body: body('erp', 'e-1') }), 'outbound');

  it.each([
    ['no filter', {}, [true, true]],
    ['an integration', { integration: 'crm' }, [true, false]],
    ['a message id', { messageIds: ['erp#contact#e-1#v3'] }, [false, true]],
    ['an SQS message id', { messageIds: ['sqs-1'] }, [true, false]],
    ['an integration and an id of another', { integration: 'crm', messageIds: ['sqs-2'] }, [false, false]],
  ])('with %s picks exactly the matching ones', (_label, filter, expected) => {
    // Act / Assess
    expect([crm, erp].map((entry) => matchesDeadLetterFilter(entry, filter))).toEqual(expected);
  });
});

describe('Dead letters: the last attempt from the sync log', () => {
  it('adds it to a letter without a stated cause', () => {
    // Act
    const entry = withLastAttempt(describeDeadLetter(received(), 'outbound'), {
      outcome: 'retry',
      at: '2025-06-01T09:59:00.000Z',
      status: 500,
      reason: 'Internal Server Error',
    });

    // Assess
    expect(entry.cause.summary).toBe(
      'receives exhausted without an answer; last attempt 2025-06-01T09:59:00.000Z: retry HTTP 500: Internal Server Error',
    );
  });

  it('leaves a stated cause alone', () => {
    // Prepare
    const stated = describeDeadLetter(
      received({
        MessageAttributes: deadLetterAttributes({
          kind: 'rejected',
          status: '409',
          reason: 'x',
          attempts: 1,
          at: 'now',
          integration: 'crm',
        }),
      }),
      'outbound',
    );

    // Act / Assess
    expect(withLastAttempt(stated, { outcome: 'retry', at: 'then' })).toBe(stated);
  });
});
