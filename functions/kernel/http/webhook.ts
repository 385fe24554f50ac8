import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { logger } from '../observability.js';
import type { WebhookRequest, WebhookVerifier } from '../signatures/verification.js';
import type * as z from '../validation.js';
import { parseOr400 } from './parse-or-400.js';
import { HttpError } from './responses.js';
import { readStorableJson } from './storable-json.js';

/**
 * The inbound half of every webhook handler, in the order the design asks
 * for: raw body -> signature -> JSON -> schema -> delivery id -> domain.
 *
 * Each refusal throws an {@link HttpError} that `httpErrors()` answers with,
 * and happens before the domain function runs, so a refused request writes
 * nothing:
 *
 * | step | refusal |
 * |---|---|
 * | verify | 401 `{error: 'Invalid signature: <reason>'}` |
 * | JSON | 400 `{error: 'Body is not valid JSON'}` |
 * | storable | 400 `{error: 'Invalid payload: data.x: is beyond ...', issues}`, 413 too large to store (`storable.ts`) |
 * | schema | 400 `{error: 'Invalid payload: data.email: ...', issues: [{path, message}]}` |
 * | delivery id | 400 `{error: 'Missing delivery id'}` |
 *
 * The verifier reads its secrets per request, so an integration that is not
 * configured answers 503 from `requireIntegration()` before anything else.
 */

/** What the domain function receives: the parsed payload and who delivered it. */
export interface WebhookDelivery<T> {
  readonly payload: T;
  /** The sender's delivery id: the key to deduplicate redeliveries on. */
  readonly deliveryId: string;
  /** When the sender signed the request, if the scheme signs a timestamp. */
  readonly timestamp: Date | undefined;
  /** The request as verified, for unsigned extras such as `x-shopify-topic`. */
  readonly request: WebhookRequest;
}

export interface WebhookChainOptions<S extends z.Schema> {
  /** Chosen per route: `standardWebhookVerifier(...)`, `hubSpotVerifier(...)`, ... */
  readonly verify: WebhookVerifier;
  readonly schema: S;
  /**
   * Where the delivery id comes from when the scheme has none (HubSpot v3,
   * a static API key): a header or a field of the payload. Used only when
   * the verifier gave no id.
   */
  readonly deliveryId?: (payload: z.output<S>, request: WebhookRequest) => string | undefined;
}

/** Receives one event: runs the chain, then `domain` with the delivery. */
export type ReceiveWebhook<T> = <R>(
  event: APIGatewayProxyEventV2,
  domain: (delivery: WebhookDelivery<T>) => Promise<R>,
) => Promise<R>;

/** Delivery ids become DynamoDB keys; refuse absurd ones rather than fail on write. */
const MAX_DELIVERY_ID = 256;

/**
 * The request as the signature schemes see it: the exact bytes received
 * (API Gateway base64-encodes bodies it considers binary), headers in lower
 * case, and the public URL the sender called. The scheme comes from
 * `x-forwarded-proto`, which API Gateway sets (and the offline gateway
 * should set to `http`); `https` otherwise.
 *
 * @example
 * const request = webhookRequestOf(event);
 * request.rawBody.toString('utf8');
 */
const webhookRequestOf = (event: APIGatewayProxyEventV2): WebhookRequest => {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  const body = event.body ?? '';
  const rawBody = event.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
  const scheme = headers['x-forwarded-proto']?.split(',')[0]?.trim() || 'https';
  const host = headers.host ?? event.requestContext?.domainName ?? 'localhost';
  const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
  const method = event.requestContext?.http?.method ?? 'POST';
  return { method, url: `${scheme}://${host}${event.rawPath ?? '/'}${query}`, headers, rawBody };
};

/** Bytes that are not UTF-8 would be stored as U+FFFD, not as sent: refused. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

const textOf = (rawBody: Buffer): string => {
  try {
    return utf8.decode(rawBody);
  } catch {
    throw new HttpError(400, 'Body is not valid UTF-8');
  }
};

/**
 * Builds the receive function of one webhook route.
 *
 * @example
 * const receive = webhookChain({
 *   verify: standardWebhookVerifier(async () => (await requireIntegration('crm')).webhookSecret),
 *   schema: crmContactEvent,
 * });
 * export const handler = middy((event: APIGatewayProxyEventV2) =>
 *   receive(event, ({ payload, deliveryId }) => applyCrmChange(payload, deliveryId)),
 * ).use(httpErrors());
 */
const webhookChain = <S extends z.Schema>(options: WebhookChainOptions<S>): ReceiveWebhook<z.output<S>> => {
  const { verify, schema } = options;
  return async (event, domain) => {
    const request = webhookRequestOf(event);

    const verified = await verify(request);
    if (!verified.ok) throw new HttpError(401, `Invalid signature: ${verified.reason}`);

    // Storable first: the schema never sees a `__proto__` key, and a value DynamoDB would refuse is a 400 here.
    const payload = parseOr400(schema, readStorableJson(textOf(request.rawBody), 'payload'), 'payload');

    const deliveryId = verified.id ?? options.deliveryId?.(payload, request);
    if (!deliveryId) throw new HttpError(400, 'Missing delivery id');
    if (deliveryId.length > MAX_DELIVERY_ID) throw new HttpError(400, 'Delivery id is too long');

    // Every log line of the domain names the delivery; removed after, as a
    // warm container serves other deliveries next.
    logger.appendKeys({ delivery_id: deliveryId });
    try {
      return await domain({ payload, deliveryId, timestamp: verified.timestamp, request });
    } finally {
      logger.removeKeys(['delivery_id']);
    }
  };
};

export { webhookChain, webhookRequestOf };
