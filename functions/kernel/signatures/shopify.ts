import { createHmac } from 'node:crypto';
import { constantTimeIncludes, signatureEqual } from './constant-time.js';
import {
  BASE64_SHA256,
  headerValue,
  secretList,
  type SecretSource,
  type VerificationFailure,
  type WebhookVerifier,
} from './verification.js';

/**
 * Shopify webhooks (shopify.dev/docs/apps/build/webhooks):
 * `X-Shopify-Hmac-SHA256` = base64(HMAC-SHA256(app client secret, raw body)).
 *
 * The scheme signs the body only: no timestamp, so no freshness check is
 * possible, and `X-Shopify-Webhook-Id` (the delivery id, kept across
 * retries) and `X-Shopify-Triggered-At` are not covered by the signature.
 * The id is passed on for deduplication; the result carries no timestamp,
 * because nothing here verified one. Handlers that order by
 * `X-Shopify-Triggered-At` read it from the headers knowing it is unsigned.
 */

export type ShopifyResult =
  | { readonly ok: true; readonly id: string | undefined; readonly timestamp: undefined }
  | VerificationFailure;

export interface ShopifyInput {
  /** App client secrets; several during a rotation. */
  readonly secrets: string | readonly string[];
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly rawBody: string | Buffer;
}

const fail = (reason: string): VerificationFailure => ({ ok: false, reason });

const signatureOf = (secret: string, rawBody: string | Buffer): string =>
  createHmac('sha256', secret).update(rawBody).digest('base64');

/**
 * Verifies a Shopify webhook's HMAC over the raw body.
 *
 * @example
 * const result = verifyShopifyWebhook({ secrets: [appSecret], headers, rawBody });
 */
const verifyShopifyWebhook = ({ secrets, headers, rawBody }: ShopifyInput): ShopifyResult => {
  const signature = headerValue(headers, 'x-shopify-hmac-sha256');
  if (!signature) return fail('missing X-Shopify-Hmac-SHA256 header');
  if (!BASE64_SHA256.test(signature)) return fail('malformed X-Shopify-Hmac-SHA256 header');
  const keys = secretList(secrets);
  if (keys.length === 0) throw new Error('no Shopify secret configured');
  const expected = keys.map((secret) => signatureOf(secret, rawBody));
  if (!constantTimeIncludes(expected, signature, signatureEqual)) return fail('signature mismatch');
  return { ok: true, id: headerValue(headers, 'x-shopify-webhook-id') || undefined, timestamp: undefined };
};

/**
 * The HMAC header Shopify would send, for tests and the `send` helper.
 *
 * @example
 * const headers = { ...signShopifyWebhook({ secret, body }), 'x-shopify-webhook-id': 'd-1' };
 */
const signShopifyWebhook = ({
  secret,
  body,
}: {
  readonly secret: string;
  readonly body: string | Buffer;
}): Record<'x-shopify-hmac-sha256', string> => ({ 'x-shopify-hmac-sha256': signatureOf(secret, body) });

/**
 * A webhook-chain verifier for Shopify whose secrets are read per request.
 *
 * @example
 * const verify = shopifyVerifier(async () => (await requireIntegration('ecommerce')).webhookSecret);
 */
const shopifyVerifier =
  (secrets: SecretSource): WebhookVerifier =>
  async (request) =>
    verifyShopifyWebhook({
      secrets: await secrets(),
      headers: request.headers,
      rawBody: request.rawBody,
    });

export { verifyShopifyWebhook, signShopifyWebhook, shopifyVerifier };
