import { constantTimeIncludes } from './constant-time.js';
import {
  headerValue,
  secretList,
  type SecretSource,
  type VerificationFailure,
  type WebhookVerifier,
} from './verification.js';

/**
 * A static API key in a request header, for senders with no signing scheme
 * (our ERP). It proves who sent the request, not that the body is intact
 * nor that it is fresh: prefer a signature scheme where the sender has one.
 * The key is compared in constant time, lengths included.
 */

export type ApiKeyResult =
  | { readonly ok: true; readonly id: undefined; readonly timestamp: undefined }
  | VerificationFailure;

export interface ApiKeyInput {
  /** Accepted keys; several during a rotation. */
  readonly keys: string | readonly string[];
  /** The header carrying the key, e.g. `x-api-key`; any case. */
  readonly header: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
}

/**
 * Checks the API key header against the accepted keys.
 *
 * @example
 * const result = verifyApiKey({ keys: [erpWebhookKey], header: 'x-api-key', headers });
 */
const verifyApiKey = ({ keys, header, headers }: ApiKeyInput): ApiKeyResult => {
  const presented = headerValue(headers, header);
  if (!presented) return { ok: false, reason: `missing ${header} header` };
  const accepted = secretList(keys);
  if (accepted.length === 0) throw new Error('no API key configured');
  if (!constantTimeIncludes(accepted, presented)) return { ok: false, reason: 'API key mismatch' };
  return { ok: true, id: undefined, timestamp: undefined };
};

/**
 * A webhook-chain verifier for a static API key read per request. The
 * scheme has no delivery id: give the chain a `deliveryId` function.
 *
 * @example
 * const verify = apiKeyVerifier(async () => (await requireIntegration('erp')).webhookKey, { header: 'x-api-key' });
 */
const apiKeyVerifier =
  (keys: SecretSource, { header }: { readonly header: string }): WebhookVerifier =>
  async (request) =>
    verifyApiKey({ keys: await keys(), header, headers: request.headers });

export { verifyApiKey, apiKeyVerifier };
