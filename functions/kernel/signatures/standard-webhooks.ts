import { createHmac } from 'node:crypto';
import { signatureEqual } from './constant-time.js';
import {
  headerValue,
  secretList,
  type SecretSource,
  type VerificationFailure,
  type WebhookVerifier,
} from './verification.js';

/**
 * Standard Webhooks v1 (https://www.standardwebhooks.com), the scheme our
 * CRM and inventory senders use:
 *
 * - the signature is HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.{body}`,
 *   keyed by the bytes of the base64 part of `whsec_...`, in base64;
 * - a `webhook-signature` header holds several space-separated `v1,<base64>`
 *   entries (the sender's side of a rotation); other versions such as `v1a`
 *   are skipped;
 * - the timestamp may be 5 minutes off either way against `Date.now()`
 *   (tests use fake timers).
 *
 * What this module adds: several secrets (our side of a rotation), a reason
 * for each failure, and strict header checks (a timestamp such as
 * `"1700000000abc"`, which a `parseInt` would take, is refused).
 *
 * Why not the reference `standardwebhooks` package, which this module used
 * until issue 15: it computes the HMAC in JavaScript (`fast-sha256`) and
 * decodes the secret again on every request, about 2 % of the inventory
 * webhook's CPU in a profile, and it weighs 12 KB in each of the three
 * bundles that verify these webhooks. `node:crypto` does the same in native
 * code. The package stays a development dependency: the unit tests check
 * this module against it (its signatures, verifying what it signs, its test
 * vector), so the two cannot drift apart.
 */

/** A verified Standard Webhooks delivery, or why it was refused. */
export type StandardWebhookResult =
  | { readonly ok: true; readonly id: string; readonly timestamp: Date }
  | VerificationFailure;

export interface StandardWebhookInput {
  /** `whsec_...` secrets; all are tried, so the old and the new one both pass during a rotation. */
  readonly secrets: string | readonly string[];
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The bytes as received. */
  readonly rawBody: string | Buffer;
}

const TIMESTAMP = /^\d{1,15}$/;
const V1_ENTRY = /^v1,[A-Za-z0-9+/]+={0,2}$/;
const TOLERANCE_SECONDS = 5 * 60;
const PREFIX = 'whsec_';
/** Base64, padded or not, as the reference package decodes it (its decoder refuses anything else). */
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

const fail = (reason: string): VerificationFailure => ({ ok: false, reason });

/** Decoded keys by secret: a function sees one or two secrets for its whole life. */
const keys = new Map<string, Buffer>();

/** The HMAC key of a `whsec_` secret (the prefix is optional, as for the reference package). */
const keyOf = (secret: string): Buffer => {
  let key = keys.get(secret);
  if (key) return key;
  const encoded = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret;
  key = BASE64.test(encoded) && encoded.length % 4 !== 1 ? Buffer.from(encoded, 'base64') : undefined;
  // Never echo the secret itself.
  if (!key || key.length === 0) throw new Error('a Standard Webhooks secret is not "whsec_" followed by base64');
  if (keys.size >= 16) keys.clear();
  keys.set(secret, key);
  return key;
};

/** `v1,<base64>` for a delivery: the value of one `webhook-signature` entry. */
const v1SignatureOf = (key: Buffer, id: string, seconds: string, body: string | Buffer): string =>
  `v1,${createHmac('sha256', key).update(`${id}.${seconds}.`).update(body).digest('base64')}`;

/**
 * Verifies a Standard Webhooks request against the raw body: the headers
 * are present and well formed, the timestamp is within 5 minutes either
 * way, and one `v1` signature matches one of the secrets.
 *
 * @example
 * const result = verifyStandardWebhook({ secrets: ['whsec_...'], headers: event.headers, rawBody });
 * if (!result.ok) throw new HttpError(401, `Invalid signature: ${result.reason}`);
 */
const verifyStandardWebhook = ({ secrets, headers, rawBody }: StandardWebhookInput): StandardWebhookResult => {
  const id = headerValue(headers, 'webhook-id');
  const timestamp = headerValue(headers, 'webhook-timestamp');
  const signature = headerValue(headers, 'webhook-signature');
  if (!id) return fail('missing webhook-id header');
  if (!timestamp) return fail('missing webhook-timestamp header');
  if (!signature) return fail('missing webhook-signature header');
  if (!TIMESTAMP.test(timestamp)) return fail('malformed webhook-timestamp header');
  const presented = signature.split(' ').filter((entry) => V1_ENTRY.test(entry));
  if (presented.length === 0) return fail('malformed webhook-signature header');

  const list = secretList(secrets);
  if (list.length === 0) throw new Error('no Standard Webhooks secret configured');
  const seconds = Number(timestamp);
  const now = Math.floor(Date.now() / 1000);
  if (now - seconds > TOLERANCE_SECONDS) return fail('timestamp too old');
  if (seconds > now + TOLERANCE_SECONDS) return fail('timestamp in the future');
  for (const secret of list) {
    const expected = v1SignatureOf(keyOf(secret), id, timestamp, rawBody);
    if (presented.some((entry) => signatureEqual(expected, entry))) {
      return { ok: true, id, timestamp: new Date(seconds * 1000) };
    }
  }
  return fail('signature mismatch');
};

export interface SignStandardWebhookInput {
  readonly secret: string;
  readonly id: string;
  /** Defaults to now; whole seconds are signed. */
  readonly timestamp?: Date;
  readonly body: string | Buffer;
}

/**
 * The three headers a Standard Webhooks sender adds, for tests, the bench
 * and the `npm run send` helper, so they sign exactly as real senders do.
 *
 * @example
 * const headers = signStandardWebhook({ secret: 'whsec_...', id: 'msg_1', body });
 * await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
 */
const signStandardWebhook = ({
  secret,
  id,
  timestamp = new Date(),
  body,
}: SignStandardWebhookInput): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> => ({
  'webhook-id': id,
  'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
  'webhook-signature': v1SignatureOf(keyOf(secret), id, String(Math.floor(timestamp.getTime() / 1000)), body),
});

/**
 * A webhook-chain verifier for Standard Webhooks whose secrets are read per
 * request, so a route whose integration is not configured answers 503.
 *
 * @example
 * const verify = standardWebhookVerifier(async () => (await requireIntegration('crm')).webhookSecret);
 */
const standardWebhookVerifier =
  (secrets: SecretSource): WebhookVerifier =>
  async (request) =>
    verifyStandardWebhook({
      secrets: await secrets(),
      headers: request.headers,
      rawBody: request.rawBody,
    });

export { verifyStandardWebhook, signStandardWebhook, standardWebhookVerifier };
