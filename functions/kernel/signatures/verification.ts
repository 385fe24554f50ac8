/**
 * The vocabulary every signature scheme shares: what a verifier is given,
 * what it answers, and where its secrets come from. Pure: no HTTP framework
 * and no AWS, so the offline runtime, tests and the bench use it as is.
 */

/**
 * An inbound webhook request as the signature schemes need it: the exact
 * bytes received (never a re-serialised body), the method and the public
 * URL the sender signed (HubSpot signs it), and headers keyed in lower case.
 */
export interface WebhookRequest {
  readonly method: string;
  readonly url: string;
  /** Header names in lower case; repeated headers joined with a comma, as API Gateway does. */
  readonly headers: Readonly<Record<string, string>>;
  readonly rawBody: Buffer;
}

/**
 * What a verification answers. A failure is a value, not an exception, so
 * the webhook chain can turn it into a 401 that names the reason, while
 * exceptions stay for our own faults (a malformed secret, a store down).
 *
 * `id` is the sender's delivery id when the scheme carries one (Standard
 * Webhooks, Shopify); `timestamp` is set only when the signature covers it.
 */
export type Verification =
  | { readonly ok: true; readonly id: string | undefined; readonly timestamp: Date | undefined }
  | { readonly ok: false; readonly reason: string };

/** A failed verification; the reason is safe to show the caller (it never holds a secret). */
export type VerificationFailure = Extract<Verification, { ok: false }>;

/**
 * Supplies the secrets of a verifier when a request arrives, not when the
 * module loads: a missing integration can then answer 503 (by throwing
 * `requireIntegration()`'s HttpError) and a rotated secret is picked up
 * without a cold start. May answer one string holding several secrets.
 */
export type SecretSource = () => Promise<string | readonly string[]>;

/**
 * A verifier the webhook chain runs first. Each scheme module offers a
 * factory for one (`standardWebhookVerifier`, `hubSpotVerifier`, ...).
 */
export type WebhookVerifier = (request: WebhookRequest) => Promise<Verification>;

/**
 * Splits configured secret values into single secrets. During a rotation
 * one setting holds the old and the new secret separated by spaces or
 * commas (`"whsec_old whsec_new"`); neither character occurs in a
 * `whsec_` secret, a HubSpot or Shopify app secret or a sensible API key.
 *
 * @example
 * secretList('whsec_a, whsec_b'); // ['whsec_a', 'whsec_b']
 */
const secretList = (value: string | readonly string[]): string[] => {
  const values = typeof value === 'string' ? [value] : value;
  const secrets = values.flatMap((v) => v.split(/[\s,]+/)).filter((s) => s.length > 0);
  return [...new Set(secrets)];
};

/**
 * A header by name, whatever the case of the keys: API Gateway lower-cases
 * them, other callers (tests, the `send` helper, the offline gateway) may not.
 */
const headerValue = (headers: Readonly<Record<string, string | undefined>>, name: string): string | undefined => {
  const wanted = name.toLowerCase();
  const direct = headers[wanted];
  if (direct !== undefined) return direct;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
};

/**
 * Rejects a tolerance that would weaken a timestamp check. A common bug is
 * `if (tolerance && age > tolerance)`, where 0 switches the check off; here
 * anything but a positive finite number of milliseconds is a programming
 * error and throws.
 */
const assertTolerance = (toleranceMs: number): void => {
  if (!Number.isFinite(toleranceMs) || toleranceMs <= 0) {
    throw new RangeError(`timestamp tolerance must be a positive number of milliseconds, got ${toleranceMs}`);
  }
};

/** A standard base64 encoding of 32 bytes (an HMAC-SHA256): 43 characters and one `=`. */
const BASE64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;

export { secretList, headerValue, assertTolerance, BASE64_SHA256 };
