import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import {
  headerValue,
  secretList,
  type SecretSource,
  type VerificationFailure,
  type WebhookVerifier,
} from './verification.js';

/**
 * Standard Webhooks v1 (https://www.standardwebhooks.com), the scheme our
 * CRM and inventory senders use, through the reference `standardwebhooks`
 * package rather than a re-implementation. What the package does, checked
 * in its source (v1.1.1):
 *
 * - signs `{webhook-id}.{webhook-timestamp}.{body}` with HMAC-SHA256 keyed
 *   by the base64 part of `whsec_...`;
 * - accepts a `webhook-signature` header of several space-separated
 *   `v1,<base64>` entries (the sender's side of a rotation) and skips other
 *   versions such as `v1a`;
 * - compares with its own constant-time XOR loop (it returns early only
 *   when the lengths differ, and the length of a base64 HMAC-SHA256 is public);
 * - allows 5 minutes either way against `Date.now()`, fixed: there is no
 *   option for the window or for an injected clock, so tests use fake timers.
 *
 * What this module adds: several secrets (our side of a rotation), a reason
 * for each failure instead of the package's exceptions, and header checks
 * of its own first, because the package's `parseInt` would accept a
 * timestamp such as `"1700000000abc"`.
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

// The package's messages, mapped to the reasons this project answers with.
const packageReasons: Readonly<Record<string, string>> = {
  'Message timestamp too old': 'timestamp too old',
  'Message timestamp too new': 'timestamp in the future',
  'No matching signature found': 'signature mismatch',
  'Invalid Signature Headers': 'malformed webhook-timestamp header',
  'Missing required headers': 'missing webhook headers',
};

const fail = (reason: string): VerificationFailure => ({ ok: false, reason });

const webhookFor = (secret: string): Webhook => {
  try {
    return new Webhook(secret);
  } catch {
    // The package's own message may be vague; never echo the secret itself.
    throw new Error('a Standard Webhooks secret is not "whsec_" followed by base64');
  }
};

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
  if (!signature.split(' ').some((entry) => V1_ENTRY.test(entry))) return fail('malformed webhook-signature header');

  const keys = secretList(secrets);
  if (keys.length === 0) throw new Error('no Standard Webhooks secret configured');
  const sent = { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature };
  for (const secret of keys) {
    try {
      webhookFor(secret).verify(rawBody, sent, { jsonParse: false });
      return { ok: true, id, timestamp: new Date(Number(timestamp) * 1000) };
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      const reason = packageReasons[error.message] ?? 'signature mismatch';
      // A stale or future timestamp fails for every secret alike: stop here.
      if (reason !== 'signature mismatch') return fail(reason);
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
  'webhook-signature': webhookFor(secret).sign(id, timestamp, body),
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
