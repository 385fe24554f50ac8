import type { Message } from '@aws-sdk/client-sqs';
import { DEAD_LETTER_ATTRIBUTES } from './dead-letter-cause.js';

/**
 * What a dead-lettered message is, for a person deciding whether to redrive
 * it: which change it carried (message id, integration, request, record)
 * and why it is there. Pure: it reads an SQS message as received (body,
 * message attributes, system attributes) and never calls AWS.
 *
 * Two kinds of cause:
 * - the dispatcher sent it to the DLQ itself, knowing the failure was
 *   permanent, with `failure_*` message attributes: `rejected` (the vendor
 *   answered 4xx), `exhausted` (retries spent on 5xx, timeouts, closed
 *   sockets), `malformed` (a body no producer should have sent);
 * - SQS moved it after `maxReceiveCount` receives without an answer from
 *   the dispatcher (a crash or timeout loop): no attributes, reported as
 *   `receives-exhausted`, with the last attempt from the sync log where the
 *   caller found one.
 */

/** The cause of a dead letter, as the dispatcher stated it or as SQS left it. */
type ListedCause =
  | {
      readonly kind: 'rejected' | 'exhausted' | 'malformed';
      /** The vendor's HTTP status when it answered (`422`), else the error's name (`MessageRejected`). */
      readonly status?: number | string;
      /** An excerpt of the answer or of the error (at most 1 KB). */
      readonly reason?: string;
      readonly attempts?: number;
      readonly at?: string;
      /** One line: `rejected: HTTP 422 after 1 attempt: email is invalid`. */
      readonly summary: string;
    }
  | {
      readonly kind: 'receives-exhausted';
      readonly summary: string;
      /** The outcome of the last attempt the sync log holds, when one was found. */
      readonly last_attempt?: LastAttempt;
    };

/** The last outbound attempt the sync log recorded for a message. */
interface LastAttempt {
  readonly outcome: string;
  readonly at: string;
  readonly status?: number;
  readonly reason?: string;
  readonly attempt?: number;
}

/** One dead-lettered message as `GET /admin/dlq` lists it. */
interface DeadLetter {
  /** The topology queue whose DLQ holds it: `outbound`, `streamFailures`. */
  readonly queue: string;
  readonly sqs_message_id: string;
  /** The outbound message's own id (its `id` field), when the body is an outbound message. */
  readonly message_id?: string;
  /** The SQS message id it had on the outbound queue, when the dispatcher dead-lettered it itself. */
  readonly original_sqs_message_id?: string;
  /** The FIFO message group (one target record); the sync log files attempts under it without a record id. */
  readonly group?: string;
  readonly integration?: string;
  /** `PUT /api/contacts/c-9`, or `MAIL <subject>`. */
  readonly request?: string;
  readonly record_type?: string;
  readonly record_id?: string;
  readonly cause: ListedCause;
  /** When it was dead-lettered (the dispatcher's `failure_at`), else when SQS first accepted it. */
  readonly dead_lettered_at?: string;
  /** SQS's receive count; includes earlier looks at the DLQ, which are receives too. */
  readonly receive_count: number;
}

/** Which dead letters a listing or a redrive concerns; every given field must match. */
interface DeadLetterFilter {
  readonly integration?: string;
  /** Outbound message ids, or SQS message ids (in the DLQ, or on the outbound queue before). */
  readonly messageIds?: readonly string[];
}

const RECEIVES_EXHAUSTED = 'receives exhausted without an answer';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const asString = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

const asNumber = (value: unknown): number | undefined => {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Number(value) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
};

/** The body as JSON, or undefined: a malformed message is still listed (and redriven) as it is. */
const parseBody = (body: string | undefined): Record<string, unknown> | undefined => {
  try {
    const parsed: unknown = JSON.parse(body ?? '');
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
};

/** `PUT /api/contacts/c-9` or `MAIL Welcome`, from an outbound message's request. */
const requestSummary = (request: Record<string, unknown>): string | undefined => {
  if (request.kind === 'mail') return `MAIL ${asString(request.subject) ?? '(no subject)'}`;
  const method = asString(request.method);
  if (!method) return undefined;
  return `${method} ${asString(request.path) ?? '/'}`;
};

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The one-line cause: `rejected: HTTP 422 after 1 attempt: email is invalid`.
 *
 * @example
 * causeSummary({ kind: 'exhausted', status: 503, attempts: 8 }); // 'exhausted: HTTP 503 after 8 attempts'
 */
const causeSummary = (cause: {
  readonly kind: string;
  readonly status?: number | string;
  readonly reason?: string;
  readonly attempts?: number;
}): string => {
  const status =
    cause.status === undefined ? '' : typeof cause.status === 'number' ? ` HTTP ${cause.status}` : ` ${cause.status}`;
  const attempts = cause.attempts === undefined ? '' : ` after ${plural(cause.attempts, 'attempt')}`;
  let line = `${cause.kind}:${status}${attempts}`;
  // The dispatcher's reason starts with the status it already names (`HTTP 422: {...}`): say it once.
  const reason = cause.reason
    ?.replace(/^HTTP \d{3}:\s*/, '')
    .replace(/\s+/g, ' ')
    .slice(0, 200);
  if (reason) line += `${status || attempts ? ':' : ''} ${reason}`;
  return line;
};

/** A message attribute's value; the dispatcher writes `-` for an empty one (SQS refuses empty values). */
const attributeOf = (message: Message, name: string): string | undefined => {
  const value = asString(message.MessageAttributes?.[name]?.StringValue);
  return value === '-' ? undefined : value;
};

const causeOf = (message: Message): ListedCause => {
  const kind = attributeOf(message, DEAD_LETTER_ATTRIBUTES.kind);
  if (kind === 'rejected' || kind === 'exhausted' || kind === 'malformed') {
    const statusText = attributeOf(message, DEAD_LETTER_ATTRIBUTES.status);
    const status = statusText && /^\d{3}$/.test(statusText) ? Number(statusText) : statusText;
    const reason = attributeOf(message, DEAD_LETTER_ATTRIBUTES.reason);
    const attempts = asNumber(attributeOf(message, DEAD_LETTER_ATTRIBUTES.attempts));
    const at = attributeOf(message, DEAD_LETTER_ATTRIBUTES.at);
    const fields = {
      kind: kind as 'rejected' | 'exhausted' | 'malformed',
      ...(status === undefined ? {} : { status }),
      ...(reason === undefined ? {} : { reason }),
      ...(attempts === undefined ? {} : { attempts }),
    };
    return { ...fields, ...(at === undefined ? {} : { at }), summary: causeSummary(fields) };
  }
  return { kind: 'receives-exhausted', summary: RECEIVES_EXHAUSTED };
};

const isoOfMillis = (millis: string | undefined): string | undefined => {
  const n = asNumber(millis);
  return n === undefined ? undefined : new Date(n).toISOString();
};

/**
 * Describes a message received from a DLQ (with `MessageAttributeNames` and
 * `MessageSystemAttributeNames` set to `All`) as `GET /admin/dlq` lists it.
 *
 * @example
 * const entry = describeDeadLetter(message, 'outbound');
 * entry.cause.summary; // 'rejected: HTTP 422 after 1 attempt: email is invalid'
 */
const describeDeadLetter = (message: Message, queue: string): DeadLetter => {
  const body = parseBody(message.Body);
  const request = isRecord(body?.request) ? body.request : undefined;
  const context = isRecord(body?.context) ? body.context : {};
  const cause = causeOf(message);
  const integration = asString(request?.integration) ?? attributeOf(message, DEAD_LETTER_ATTRIBUTES.integration);
  // The request really sent, when the dispatcher recorded it; the body's may be an action's placeholder.
  const summary =
    attributeOf(message, DEAD_LETTER_ATTRIBUTES.request) ?? (request ? requestSummary(request) : undefined);
  const original = attributeOf(message, DEAD_LETTER_ATTRIBUTES.originalMessageId);
  const recordType = context.record_type;
  const recordId = context.record_id;
  const deadLetteredAt = ('at' in cause ? cause.at : undefined) ?? isoOfMillis(message.Attributes?.SentTimestamp);
  return {
    queue,
    sqs_message_id: message.MessageId ?? '',
    ...(asString(body?.id) ? { message_id: asString(body?.id) } : {}),
    ...(asString(body?.group) ? { group: asString(body?.group) } : {}),
    ...(original ? { original_sqs_message_id: original } : {}),
    ...(integration ? { integration } : {}),
    ...(summary ? { request: summary } : {}),
    ...(recordType === undefined ? {} : { record_type: String(recordType) }),
    ...(recordId === undefined ? {} : { record_id: String(recordId) }),
    cause,
    ...(deadLetteredAt ? { dead_lettered_at: deadLetteredAt } : {}),
    receive_count: asNumber(message.Attributes?.ApproximateReceiveCount) ?? 0,
  };
};

/**
 * Whether a dead letter is one a listing or a redrive asked for.
 *
 * @example
 * matchesDeadLetterFilter(entry, { integration: 'crm' });
 */
const matchesDeadLetterFilter = (entry: DeadLetter, filter: DeadLetterFilter): boolean => {
  if (filter.integration !== undefined && entry.integration !== filter.integration) return false;
  if (filter.messageIds !== undefined) {
    const ids = new Set(filter.messageIds);
    const own = [entry.sqs_message_id, entry.message_id, entry.original_sqs_message_id];
    if (!own.some((id) => id !== undefined && ids.has(id))) return false;
  }
  return true;
};

/** Adds the sync log's last attempt to a dead letter SQS moved without a stated cause. */
const withLastAttempt = (entry: DeadLetter, lastAttempt: LastAttempt | undefined): DeadLetter => {
  if (!lastAttempt || entry.cause.kind !== 'receives-exhausted') return entry;
  const detail = [lastAttempt.outcome, lastAttempt.status === undefined ? '' : `HTTP ${lastAttempt.status}`]
    .filter(Boolean)
    .join(' ');
  return {
    ...entry,
    cause: {
      kind: 'receives-exhausted',
      summary: `${RECEIVES_EXHAUSTED}; last attempt ${lastAttempt.at}: ${detail}${lastAttempt.reason ? `: ${lastAttempt.reason.slice(0, 200)}` : ''}`,
      last_attempt: lastAttempt,
    },
  };
};

export { describeDeadLetter, matchesDeadLetterFilter, withLastAttempt, causeSummary };
export type { DeadLetter, ListedCause, DeadLetterFilter, LastAttempt };
