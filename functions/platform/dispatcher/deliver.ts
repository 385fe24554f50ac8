import {
  type AuthScheme,
  type IntegrationName,
  type IntegrationSpec,
  integrations,
} from '../../kernel/wiring/integrations.js';
import type { HttpAnswer, OutboundAction } from '../../kernel/outbound/action.js';
import type { HttpRequestSpec, MailRequestSpec, OutboundMessage } from '../../kernel/outbound/message.js';
import { networkFailure } from '../../kernel/outbound/network-failure.js';
import { MAX_DELAY_SECONDS } from './retry-plan.js';

/**
 * Delivery of one outbound message, as a pure decision over small ports:
 * build the request from the integration's settings, call, and classify the
 * answer. How long to wait before a retry, and when to give up, is decided
 * afterwards from the message's failure counts (`retry-plan.ts`); the
 * handler turns the decision into SQS actions (delete, change visibility,
 * dead-letter with the cause).
 *
 * | answer                                         | outcome                                            |
 * |------------------------------------------------|----------------------------------------------------|
 * | 2xx with its body read in time                 | delivered                                          |
 * | 2xx whose body stalls or breaks off            | retry (a failure): the create may have happened, the same Idempotency-Key makes the retry safe |
 * | 429, 503 with Retry-After                      | retry, rate-limited: waits, spends no failure      |
 * | other 5xx, timeout, closed socket, no network  | retry (a failure)                                  |
 * | 404 or 410 on a DELETE                         | delivered: already gone is what a delete wants     |
 * | other 4xx                                      | rejected: permanent, dead-lettered with the answer |
 */
export type DeliveryOutcome =
  | { readonly kind: 'delivered'; readonly status: number; readonly note?: string }
  | {
      readonly kind: 'retry';
      readonly reason: string;
      /** A 429, or a 503 with Retry-After: the vendor asked us to wait; not a failure. */
      readonly rateLimited: boolean;
      readonly retryAfterSeconds?: number;
      readonly status?: number;
      /** The error's name when there was no HTTP answer (`TimeoutError`, an SES exception). */
      readonly errorName?: string;
    }
  | { readonly kind: 'rejected'; readonly status: number; readonly reason: string; readonly errorName?: string }
  | { readonly kind: 'superseded'; readonly deliveredVersion: number }
  | { readonly kind: 'skipped'; readonly reason: string };

type RetryOutcome = Extract<DeliveryOutcome, { kind: 'retry' }>;

export interface DeliveryPorts {
  readonly fetch: typeof fetch;
  readonly sendMail: (mail: MailRequestSpec, from: string) => Promise<void>;
  /** The integration's settings, checking only `fields` (what an outbound call needs). */
  readonly settingsOf: (
    integration: IntegrationName,
    fields: readonly string[],
  ) => Promise<{ ok: true; settings: Record<string, string> } | { ok: false; problems: readonly string[] }>;
  readonly deliveredVersion: (key: string) => Promise<number | undefined>;
  readonly markDelivered: (key: string, version: number) => Promise<void>;
  readonly actions: Readonly<Record<string, OutboundAction>>;
  readonly now: () => number;
  /** Covers the whole call: connecting, the answer's headers and reading its body. */
  readonly timeoutMs: number;
}

/** `Retry-After` as seconds from now: delta-seconds or an HTTP date; undefined when absent or unreadable. */
const retryAfterSeconds = (header: string | null, now: number): number | undefined => {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(MAX_DELAY_SECONDS, Math.max(1, Number(trimmed)));
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.min(MAX_DELAY_SECONDS, Math.max(1, Math.ceil((at - now) / 1000)));
};

const authHeaders = (auth: AuthScheme, settings: Record<string, string>): Record<string, string> => {
  switch (auth.kind) {
    case 'bearer':
      return { authorization: `Bearer ${settings[auth.field] ?? ''}` };
    case 'header':
      return { [auth.header.toLowerCase()]: settings[auth.field] ?? '' };
    case 'none':
      return {};
  }
};

/** The settings an outbound call uses: the base URL and the key it authenticates with, not (say) a webhook secret. */
const outboundFields = (spec: IntegrationSpec): string[] =>
  [spec.baseUrlField, spec.auth.kind === 'none' ? undefined : spec.auth.field].filter(
    (f): f is string => f !== undefined,
  );

const joinUrl = (base: string, path: string): string =>
  path === '' ? base : `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;

/** Why a body could not be read: the timeout, or the connection closing under it. */
class BodyUnreadable extends Error {
  override name = 'BodyUnreadable';
}

/**
 * Reads the answer's body within the call's deadline. A body that stalls
 * (headers sent, then nothing) or breaks off (the socket closed mid-body)
 * throws {@link BodyUnreadable}: for a 2xx that means we do not know what
 * the vendor answered (a create's new id), so the call is not done.
 * The race with `signal` is explicit so that the deadline holds whatever
 * fetch does with the signal once the headers are in.
 */
const readBody = async (response: Response, signal: AbortSignal): Promise<unknown> => {
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  let text: string;
  try {
    text = await Promise.race([response.text(), aborted]);
  } catch (error) {
    // Free the connection; the stream may already be errored.
    response.body?.cancel().catch(() => undefined);
    throw new BodyUnreadable((error as Error).message, { cause: error });
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text.slice(0, 2000);
  }
};

const describeBody = (body: unknown): string => (typeof body === 'string' ? body : JSON.stringify(body ?? ''));

/** Classifies an answer whose body was read. */
const classify = (
  request: HttpRequestSpec,
  status: number,
  retryAfterHeader: string | null,
  body: unknown,
  now: number,
): DeliveryOutcome => {
  if (status >= 200 && status < 300) return { kind: 'delivered', status };
  // A DELETE wants the thing gone; the vendor saying it is not there is that, not a failure.
  if (request.method === 'DELETE' && (status === 404 || status === 410)) {
    return { kind: 'delivered', status, note: 'already gone' };
  }
  const after = retryAfterSeconds(retryAfterHeader, now);
  if (status === 429 || (status === 503 && after !== undefined)) {
    const reason = after === undefined ? `HTTP ${status}` : `HTTP ${status}, Retry-After ${after} s`;
    return {
      kind: 'retry',
      rateLimited: true,
      reason,
      status,
      ...(after === undefined ? {} : { retryAfterSeconds: after }),
    };
  }
  if (status >= 500) {
    return { kind: 'retry', rateLimited: false, reason: `HTTP ${status}: ${describeBody(body).slice(0, 300)}`, status };
  }
  return { kind: 'rejected', status, reason: `HTTP ${status}: ${describeBody(body).slice(0, 1000)}` };
};

const callHttp = async (
  request: HttpRequestSpec,
  idempotencyKey: string,
  ports: DeliveryPorts,
): Promise<{ outcome: DeliveryOutcome; answer?: HttpAnswer }> => {
  const spec: IntegrationSpec = integrations[request.integration];
  const loaded = await ports.settingsOf(request.integration, outboundFields(spec));
  if (!loaded.ok) {
    // Not configured yet: keep the message (backing off) until someone fills in the secret or its budget is spent.
    return {
      outcome: {
        kind: 'retry',
        rateLimited: false,
        errorName: 'NotConfigured',
        reason: `${spec.title} integration is not configured: ${loaded.problems.join('; ')}`,
      },
    };
  }
  const base = spec.baseUrlField ? (loaded.settings[spec.baseUrlField] ?? '') : '';
  const url = joinUrl(base, request.path);
  const headers: Record<string, string> = {
    accept: 'application/json',
    // A retried create after a timeout must not create twice where the vendor honours the key.
    'idempotency-key': idempotencyKey,
    ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
    ...request.headers,
    ...authHeaders(spec.auth, loaded.settings),
  };
  // One deadline for the whole call: the answer's body is part of the answer.
  const signal = AbortSignal.timeout(ports.timeoutMs);
  const failed = (error: unknown, during?: string): { outcome: RetryOutcome } => {
    // "fetch failed" says nothing: the cause below it names the refusal, the unknown host, the timeout.
    const { reason, code } = networkFailure(error, ports.timeoutMs, url);
    return {
      outcome: { kind: 'retry', rateLimited: false, errorName: code, reason: during ? `${during}: ${reason}` : reason },
    };
  };
  let response: Response;
  try {
    response = await ports.fetch(url, {
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal,
    });
  } catch (error) {
    return failed(error);
  }
  const status = response.status;
  let body: unknown;
  try {
    body = await readBody(response, signal);
  } catch (error) {
    // A refusal is final without its body; a 2xx is not (a create's new id is in it), nor a 5xx or 429.
    if (status >= 300 && status < 500 && status !== 429) {
      return { outcome: classify(request, status, null, '(body unreadable)', ports.now()) };
    }
    const cause = (error as Error).cause ?? error;
    return { outcome: { ...failed(cause, `HTTP ${status} but its body could not be read`).outcome, status } };
  }
  const outcome = classify(request, status, response.headers.get('retry-after'), body, ports.now());
  return outcome.kind === 'delivered' ? { outcome, answer: { status, body } } : { outcome };
};

/** SES errors that say the message itself is refused: retrying will not help. */
const PERMANENT_MAIL_ERRORS = new Set(['BadRequestException', 'MessageRejected', 'MailFromDomainNotVerifiedException']);
/** SES asking us to slow down. */
const THROTTLED_MAIL_ERRORS = new Set(['TooManyRequestsException', 'ThrottlingException', 'Throttling']);

const callMail = async (mail: MailRequestSpec, ports: DeliveryPorts): Promise<DeliveryOutcome> => {
  const loaded = await ports.settingsOf('mail', ['from']);
  if (!loaded.ok) {
    return {
      kind: 'retry',
      rateLimited: false,
      errorName: 'NotConfigured',
      reason: `Mail is not configured: ${loaded.problems.join('; ')}`,
    };
  }
  try {
    await ports.sendMail(mail, loaded.settings.from ?? '');
    return { kind: 'delivered', status: 200 };
  } catch (error) {
    const name = (error as Error).name;
    const reason = `${name}: ${(error as Error).message}`;
    if (PERMANENT_MAIL_ERRORS.has(name)) return { kind: 'rejected', status: 400, errorName: name, reason };
    return { kind: 'retry', rateLimited: THROTTLED_MAIL_ERRORS.has(name), errorName: name, reason };
  }
};

/**
 * What one delivery came to, and the request it sent: an action may rewrite
 * the queued request (a CRM create is queued as a PUT and sent as
 * `POST /api/contacts`), so the log must describe `sent`, not the queue's
 * copy. `sent` is absent when nothing was sent (superseded, skipped).
 */
interface Delivery {
  readonly outcome: DeliveryOutcome;
  readonly sent?: HttpRequestSpec | MailRequestSpec;
}

/**
 * Delivers one message and says what happened and what was sent; it does
 * not decide how long to wait before a retry (that depends on the
 * message's failure counts).
 *
 * @example
 * const { outcome, sent } = await deliver(message, ports);
 * if (outcome.kind === 'retry') await planAndHandBack(outcome, sent);
 */
const deliver = async (message: OutboundMessage, ports: DeliveryPorts): Promise<Delivery> => {
  if (message.supersede) {
    const delivered = await ports.deliveredVersion(message.supersede.key);
    if (delivered !== undefined && delivered >= message.supersede.version) {
      return { outcome: { kind: 'superseded', deliveredVersion: delivered } };
    }
  }
  const action = message.action ? ports.actions[message.action.name] : undefined;
  if (message.action && !action) throw new Error(`Unknown outbound action ${message.action.name}`);
  const prepared = action?.prepare ? await action.prepare(message) : { request: message.request };
  if ('skip' in prepared) return { outcome: { kind: 'skipped', reason: prepared.skip } };
  const { request, state } = prepared;

  let outcome: DeliveryOutcome;
  let answer: HttpAnswer | undefined;
  if (request.kind === 'mail') {
    outcome = await callMail(request, ports);
  } else {
    ({ outcome, answer } = await callHttp(request, message.id, ports));
  }
  if (outcome.kind === 'delivered') {
    if (message.supersede) await ports.markDelivered(message.supersede.key, message.supersede.version);
    if (action?.afterSuccess)
      await action.afterSuccess(message, answer ?? { status: outcome.status, body: undefined }, state);
  }
  return { outcome, sent: request };
};

export type { Delivery };
export { deliver, retryAfterSeconds };
