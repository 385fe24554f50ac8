import type { MessageAttributeValue } from '@aws-sdk/client-sqs';

/**
 * Why a message is in the outbound DLQ: the contract between the dispatcher,
 * which puts a message there itself when it knows a failure is permanent
 * (or its failure budget is spent), and whoever lists and redrives the DLQ.
 * The cause travels as SQS message attributes, so the body stays exactly
 * what the producer queued and a redrive can send it back unchanged.
 *
 * | attribute             | type   | value                                                           |
 * |-----------------------|--------|-----------------------------------------------------------------|
 * | `failure_kind`        | String | `rejected` (a permanent answer), `exhausted` (the failure budget or the rate-limit window spent), `malformed` (not an outbound message) |
 * | `failure_status`      | String | the HTTP status (`422`), the SES or SDK error name (`MessageRejected`), or the parse error's name for `malformed` |
 * | `failure_reason`      | String | a short excerpt of the answer or the error, at most 1 KB        |
 * | `failure_attempts`    | Number | attempts this SQS message made without getting through, the last included (rate-limited ones too) |
 * | `failure_at`          | String | when it was dead-lettered, ISO 8601                             |
 * | `integration`         | String | the integration called (`crm`), `unknown` for a malformed body  |
 * | `original_message_id` | String | the SQS message id it had on the outbound queue (for the logs)  |
 * | `failure_request`     | String | the request as last sent (`POST /api/contacts`): an action rewrites the queued one at send time, so the body's copy may be a placeholder |
 *
 * A message SQS moved by itself (its receives spent by a crash or timeout
 * loop, past the queue's `maxReceiveCount`) carries none of these.
 *
 * The DLQ's reader (`dead-letters-entry.ts`, `GET /admin/dlq`) spells the
 * same names. Imports only types.
 *
 * @example
 * await sqs().send(new SendMessageCommand({ ..., MessageAttributes: deadLetterAttributes(cause) }));
 */
type DeadLetterKind = 'rejected' | 'exhausted' | 'malformed';

interface DeadLetterCause {
  readonly kind: DeadLetterKind;
  /** HTTP status as text, or an error name. */
  readonly status: string;
  readonly reason: string;
  readonly attempts: number;
  /** ISO 8601. */
  readonly at: string;
  readonly integration: string;
  readonly originalMessageId?: string;
  /** The request as last sent (`POST /api/contacts`), or what was to be sent when nothing was. */
  readonly request?: string;
}

/** The attribute names, spelled once. */
const DEAD_LETTER_ATTRIBUTES = {
  kind: 'failure_kind',
  status: 'failure_status',
  reason: 'failure_reason',
  attempts: 'failure_attempts',
  at: 'failure_at',
  integration: 'integration',
  originalMessageId: 'original_message_id',
  request: 'failure_request',
} as const;

/** SQS counts attribute values against the 1 MiB message size; a reason only needs to say what went wrong. */
const MAX_REASON_BYTES = 1024;

/** Cuts `text` to at most `maxBytes` of UTF-8 without splitting a character. */
const excerpt = (text: string, maxBytes = MAX_REASON_BYTES): string => {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let cut = maxBytes - 3;
  // Step back to the start of a character (continuation bytes are 10xxxxxx).
  while (cut > 0 && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut--;
  return `${bytes.subarray(0, cut).toString('utf8')}...`;
};

const text = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });

/**
 * The message attributes that carry `cause`. SQS refuses an empty string
 * value, so an empty reason or status is written as `-`.
 *
 * @example
 * deadLetterAttributes({ kind: 'rejected', status: '422', reason: 'email taken', attempts: 1, at, integration: 'crm' });
 */
const deadLetterAttributes = (cause: DeadLetterCause): Record<string, MessageAttributeValue> => ({
  [DEAD_LETTER_ATTRIBUTES.kind]: text(cause.kind),
  [DEAD_LETTER_ATTRIBUTES.status]: text(cause.status || '-'),
  [DEAD_LETTER_ATTRIBUTES.reason]: text(excerpt(cause.reason) || '-'),
  [DEAD_LETTER_ATTRIBUTES.attempts]: { DataType: 'Number', StringValue: String(cause.attempts) },
  [DEAD_LETTER_ATTRIBUTES.at]: text(cause.at),
  [DEAD_LETTER_ATTRIBUTES.integration]: text(cause.integration || 'unknown'),
  ...(cause.originalMessageId ? { [DEAD_LETTER_ATTRIBUTES.originalMessageId]: text(cause.originalMessageId) } : {}),
  ...(cause.request ? { [DEAD_LETTER_ATTRIBUTES.request]: text(excerpt(cause.request)) } : {}),
});

export type { DeadLetterCause, DeadLetterKind };
export { DEAD_LETTER_ATTRIBUTES, MAX_REASON_BYTES, deadLetterAttributes, excerpt };
