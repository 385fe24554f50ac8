import { describe, expect, it } from 'vitest';
import { deadLetterAttributes, excerpt } from '../../functions/kernel/outbound/dead-letter-cause.js';

const cause = {
  kind: 'rejected' as const,
  status: '422',
  reason: 'HTTP 422: {"error":"email taken"}',
  attempts: 2,
  at: '2026-11-24T12:00:00.000Z',
  integration: 'crm',
  originalMessageId: 'sqs-1',
};

describe('Function: deadLetterAttributes()', () => {
  it('writes the cause under the names the DLQ listing reads', () => {
    // Act
    const attributes = deadLetterAttributes(cause);
    // Assess
    expect(attributes).toEqual({
      failure_kind: { DataType: 'String', StringValue: 'rejected' },
      failure_status: { DataType: 'String', StringValue: '422' },
      failure_reason: { DataType: 'String', StringValue: 'HTTP 422: {"error":"email taken"}' },
      failure_attempts: { DataType: 'Number', StringValue: '2' },
      failure_at: { DataType: 'String', StringValue: '2026-11-24T12:00:00.000Z' },
      integration: { DataType: 'String', StringValue: 'crm' },
      original_message_id: { DataType: 'String', StringValue: 'sqs-1' },
    });
  });

  it('writes a dash for an empty reason, which SQS would refuse', () => {
    // Act
    const attributes = deadLetterAttributes({ ...cause, reason: '' });
    // Assess
    expect(attributes.failure_reason?.StringValue).toBe('-');
  });

  it('cuts a long reason to 1 KB', () => {
    // Act
    const attributes = deadLetterAttributes({ ...cause, reason: 'x'.repeat(5000) });
    // Assess
    expect(Buffer.byteLength(attributes.failure_reason?.StringValue ?? '')).toBeLessThanOrEqual(1024);
  });
});

describe('Function: excerpt()', () => {
  it('never splits a character when it cuts', () => {
    // Act
    const cut = excerpt('é'.repeat(600), 101);
    // Assess
    expect(cut).toBe(`${'é'.repeat(49)}...`);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(101);
  });
});
