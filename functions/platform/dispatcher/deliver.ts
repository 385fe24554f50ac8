import {
  type AuthScheme,
  type IntegrationName,
  type IntegrationSpec,
  integrations,
} from '../../kernel/wiring/integrations.js';
import type { HttpAnswer, OutboundAction } from '../../kernel/outbound/action.js';
import type { HttpRequestSpec, MailRequestSpec, OutboundMessage } from '../../kernel/outbound/message.js';

/**
 * Delivery of one outbound message, as a pure decision over small ports:
 * build the request from the integration's settings, call, and classify the
 * answer. The handler turns the outcome into SQS actions (delete, change
 * visibility, fail); the rules live here so they can be tested without a
 * queue.
 *
 * | answer                         | outcome                                       |
 * |--------------------------------|-----------------------------------------------|
 * | 2xx                            | delivered                                     |
 * | 429, 503                       | retry after `Retry-After` (else backoff)      |
 * | other 5xx, timeout, no network | retry after exponential backoff with jitter   |
 * | other 4xx                      | rejected: permanent, recorded, not retried    |
 */
export type DeliveryOutcome =
  | { readonly kind: 'delivered'; readonly status: number }
  | { readonly kind: 'retry'; readonly delaySeconds: number; readonly reason: string; readonly status?: number }
  | { readonly kind: 'rejected'; readonly status: number; readonly reason: string }
  | { readonly kind: 'superseded'; readonly deliveredVersion: number }
  | { readonly kind: 'skipped'; readonly reason: string };

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
  readonly random: () => number;
  readonly now: () => number;
  readonly timeoutMs: number;
  readonly backoffBaseSeconds: number;
}

/** SQS allows a visibility timeout of at most 12 hours. */
const MAX_DELAY_SECONDS = 12 * 3600;
const BACKOFF_CAP_SECONDS = 900;

/**
 * Exponential backoff with "equal jitter": half the step is fixed so retries
 * never bunch at zero, half is random so a burst of failures spreads out.
 */
const backoffSeconds = (attempt: number, baseSeconds: number, random: () => number): number => {
  const step = Math.min(BACKOFF_CAP_SECONDS, baseSeconds * 2 ** Math.max(0, attempt - 1));
  return Math.max(1, Math.round(step / 2 + (random() * step) / 2));
};

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

const readBody = async (response: Response): Promise<unknown> => {
  const text = await response.text().catch(() => '');
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text.slice(0, 2000);
  }
};

const callHttp = async (
  request: HttpRequestSpec,
  idempotencyKey: string,
  attempt: number,
  ports: DeliveryPorts,
): Promise<{ outcome: DeliveryOutcome; answer?: HttpAnswer }> => {
  const spec: IntegrationSpec = integrations[request.integration];
  const loaded = await ports.settingsOf(request.integration, outboundFields(spec));
  if (!loaded.ok) {
    // Not configured yet: keep the message (backing off) until someone fills in the secret or it reaches the DLQ.
    return {
      outcome: {
        kind: 'retry',
        delaySeconds: backoffSeconds(attempt, ports.backoffBaseSeconds, ports.random),
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
  let response: Response;
  try {
    response = await ports.fetch(url, {
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: AbortSignal.timeout(ports.timeoutMs),
    });
  } catch (error) {
    const reason =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${ports.timeoutMs} ms`
        : `network error: ${(error as Error).message}`;
    return {
      outcome: { kind: 'retry', delaySeconds: backoffSeconds(attempt, ports.backoffBaseSeconds, ports.random), reason },
    };
  }
  const body = await readBody(response);
  const status = response.status;
  if (status >= 200 && status < 300) return { outcome: { kind: 'delivered', status }, answer: { status, body } };
  if (status === 429 || status === 503) {
    const after = retryAfterSeconds(response.headers.get('retry-after'), ports.now());
    const delaySeconds = after ?? backoffSeconds(attempt, ports.backoffBaseSeconds, ports.random);
    const reason = after === undefined ? `HTTP ${status}` : `HTTP ${status}, Retry-After ${after} s`;
    return { outcome: { kind: 'retry', delaySeconds, reason, status } };
  }
  if (status >= 500) {
    const delaySeconds = backoffSeconds(attempt, ports.backoffBaseSeconds, ports.random);
    return { outcome: { kind: 'retry', delaySeconds, reason: `HTTP ${status}`, status } };
  }
  const detail = typeof body === 'string' ? body : JSON.stringify(body ?? '');
  return { outcome: { kind: 'rejected', status, reason: `HTTP ${status}: ${detail.slice(0, 300)}` } };
};

const callMail = async (mail: MailRequestSpec, attempt: number, ports: DeliveryPorts): Promise<DeliveryOutcome> => {
  const loaded = await ports.settingsOf('mail', ['from']);
  const delaySeconds = backoffSeconds(attempt, ports.backoffBaseSeconds, ports.random);
  if (!loaded.ok)
    return { kind: 'retry', delaySeconds, reason: `Mail is not configured: ${loaded.problems.join('; ')}` };
  try {
    await ports.sendMail(mail, loaded.settings.from ?? '');
    return { kind: 'delivered', status: 200 };
  } catch (error) {
    const name = (error as Error).name;
    // SES refusing the message itself (bad address, unverified sender) will not get better by retrying.
    if (name === 'BadRequestException' || name === 'MessageRejected' || name === 'MailFromDomainNotVerifiedException') {
      return { kind: 'rejected', status: 400, reason: `${name}: ${(error as Error).message}` };
    }
    return { kind: 'retry', delaySeconds, reason: `${name}: ${(error as Error).message}` };
  }
};

/**
 * Delivers one message on its `attempt`-th receive and says what happened.
 *
 * @example
 * const outcome = await deliver(message, 1, ports);
 * if (outcome.kind === 'retry') await changeVisibility(outcome.delaySeconds);
 */
const deliver = async (message: OutboundMessage, attempt: number, ports: DeliveryPorts): Promise<DeliveryOutcome> => {
  if (message.supersede) {
    const delivered = await ports.deliveredVersion(message.supersede.key);
    if (delivered !== undefined && delivered >= message.supersede.version) {
      return { kind: 'superseded', deliveredVersion: delivered };
    }
  }
  const action = message.action ? ports.actions[message.action.name] : undefined;
  if (message.action && !action) throw new Error(`Unknown outbound action ${message.action.name}`);
  const prepared = action?.prepare ? await action.prepare(message) : { request: message.request };
  if ('skip' in prepared) return { kind: 'skipped', reason: prepared.skip };
  const { request, state } = prepared;

  let outcome: DeliveryOutcome;
  let answer: HttpAnswer | undefined;
  if (request.kind === 'mail') {
    outcome = await callMail(request, attempt, ports);
  } else {
    ({ outcome, answer } = await callHttp(request, message.id, attempt, ports));
  }
  if (outcome.kind === 'delivered') {
    if (message.supersede) await ports.markDelivered(message.supersede.key, message.supersede.version);
    if (action?.afterSuccess)
      await action.afterSuccess(message, answer ?? { status: outcome.status, body: undefined }, state);
  }
  return outcome;
};

export { deliver, backoffSeconds, retryAfterSeconds };
