import { createHmac } from 'node:crypto';
import { constantTimeIncludes, signatureEqual } from './constant-time.js';
import {
  assertTolerance,
  BASE64_SHA256,
  headerValue,
  secretList,
  type SecretSource,
  type VerificationFailure,
  type WebhookRequest,
  type WebhookVerifier,
} from './verification.js';

/**
 * HubSpot request signatures, version 3
 * (developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests):
 *
 * `X-HubSpot-Signature-v3` = base64(HMAC-SHA256(app client secret,
 * method + uri + raw body + X-HubSpot-Request-Timestamp)), the timestamp in
 * milliseconds since the epoch, sent as is in the signed string.
 *
 * The uri is the full URL HubSpot called (scheme, host, path, query).
 * HubSpot decodes these twelve percent-encoded characters in it before
 * signing, so we do the same before computing ours:
 * `%3A :`, `%2F /`, `%3F ?`, `%40 @`, `%21 !`, `%24 $`, `%27 '`, `%28 (`,
 * `%29 )`, `%2A *`, `%2C ,`, `%3B ;`. Every other escape (`%20`, `%23`,
 * `%26`, `%3D`, `%2B`, ...) stays as sent. The hex digits are matched in
 * either case, as RFC 3986 makes them equivalent.
 *
 * HubSpot only says to reject requests older than 5 minutes; we also reject
 * those more than 5 minutes in the future: a signed request dated ahead
 * would otherwise stay "fresh", and replayable, for as long as it is ahead.
 */

/** The default window, either way. */
const HUBSPOT_TOLERANCE_MS = 5 * 60_000;
const TIMESTAMP_MS = /^\d{1,15}$/;
const DECODED: Readonly<Record<string, string>> = {
  '3A': ':',
  '2F': '/',
  '3F': '?',
  '40': '@',
  '21': '!',
  '24': '$',
  '27': "'",
  '28': '(',
  '29': ')',
  '2A': '*',
  '2C': ',',
  '3B': ';',
};

/**
 * The uri as HubSpot signs it: the twelve characters of its table decoded,
 * everything else left alone.
 *
 * @example
 * hubSpotSignedUri('https://x.test/hook?to=a%40b.c%2Cd%20e'); // 'https://x.test/hook?to=a@b.c,d%20e'
 */
const hubSpotSignedUri = (uri: string): string =>
  uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (_, hex: string) => DECODED[hex.toUpperCase()] ?? `%${hex}`);

const signatureOf = (
  secret: string,
  method: string,
  uri: string,
  rawBody: string | Buffer,
  timestamp: string,
): string =>
  createHmac('sha256', secret)
    .update(`${method}${hubSpotSignedUri(uri)}`)
    .update(rawBody)
    .update(timestamp)
    .digest('base64');

/** A verified HubSpot request: v3 has no delivery id (dedupe on the events' `eventId`). */
export type HubSpotResult =
  | { readonly ok: true; readonly id: undefined; readonly timestamp: Date }
  | VerificationFailure;

export interface HubSpotInput {
  /** App client secrets; several during a rotation. */
  readonly secrets: string | readonly string[];
  readonly method: string;
  /** The full URL HubSpot called, as received (not yet decoded). */
  readonly uri: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly rawBody: string | Buffer;
  /** Window either way, in ms; 5 minutes unless set. Must be positive. */
  readonly toleranceMs?: number;
}

const fail = (reason: string): VerificationFailure => ({ ok: false, reason });

/**
 * Verifies a HubSpot v3 signature on the raw body, with the timestamp
 * window checked both ways against `Date.now()`.
 *
 * @example
 * const result = verifyHubSpotV3({ secrets: [clientSecret], method: 'POST', uri, headers, rawBody });
 */
const verifyHubSpotV3 = ({
  secrets,
  method,
  uri,
  headers,
  rawBody,
  toleranceMs = HUBSPOT_TOLERANCE_MS,
}: HubSpotInput): HubSpotResult => {
  assertTolerance(toleranceMs);
  const signature = headerValue(headers, 'x-hubspot-signature-v3');
  const timestamp = headerValue(headers, 'x-hubspot-request-timestamp');
  if (!signature) return fail('missing X-HubSpot-Signature-v3 header');
  if (!timestamp) return fail('missing X-HubSpot-Request-Timestamp header');
  if (!TIMESTAMP_MS.test(timestamp)) return fail('malformed X-HubSpot-Request-Timestamp header');
  if (!BASE64_SHA256.test(signature)) return fail('malformed X-HubSpot-Signature-v3 header');

  // Milliseconds: a sender using seconds lands in 1970 and is "too old", never accepted.
  const sentAt = Number(timestamp);
  const age = Date.now() - sentAt;
  if (age > toleranceMs) return fail('timestamp too old');
  if (-age > toleranceMs) return fail('timestamp in the future');

  const keys = secretList(secrets);
  if (keys.length === 0) throw new Error('no HubSpot client secret configured');
  const expected = keys.map((secret) => signatureOf(secret, method, uri, rawBody, timestamp));
  if (!constantTimeIncludes(expected, signature, signatureEqual)) return fail('signature mismatch');
  return { ok: true, id: undefined, timestamp: new Date(sentAt) };
};

export interface SignHubSpotInput {
  readonly secret: string;
  readonly method: string;
  readonly uri: string;
  readonly body: string | Buffer;
  /** Milliseconds since the epoch; defaults to now. */
  readonly timestamp?: number;
}

/**
 * The headers HubSpot would send, for tests and the `send` helper.
 *
 * @example
 * const headers = signHubSpotV3({ secret, method: 'POST', uri: 'https://api.test/webhooks/hubspot', body });
 */
const signHubSpotV3 = ({
  secret,
  method,
  uri,
  body,
  timestamp = Date.now(),
}: SignHubSpotInput): Record<'x-hubspot-signature-v3' | 'x-hubspot-request-timestamp', string> => ({
  'x-hubspot-signature-v3': signatureOf(secret, method, uri, body, String(timestamp)),
  'x-hubspot-request-timestamp': String(timestamp),
});

export interface HubSpotVerifierOptions {
  /**
   * The URL HubSpot called, when the request's own does not match it
   * (a custom domain with a base path mapping, a proxy in front).
   */
  readonly uri?: (request: WebhookRequest) => string;
  readonly toleranceMs?: number;
}

/**
 * A webhook-chain verifier for HubSpot v3 whose client secrets are read per request.
 *
 * @example
 * const verify = hubSpotVerifier(async () => (await requireIntegration('crm')).webhookSecret);
 */
const hubSpotVerifier =
  (secrets: SecretSource, options: HubSpotVerifierOptions = {}): WebhookVerifier =>
  async (request) =>
    verifyHubSpotV3({
      secrets: await secrets(),
      method: request.method,
      uri: options.uri ? options.uri(request) : request.url,
      headers: request.headers,
      rawBody: request.rawBody,
      ...(options.toleranceMs === undefined ? {} : { toleranceMs: options.toleranceMs }),
    });

export { verifyHubSpotV3, signHubSpotV3, hubSpotVerifier, hubSpotSignedUri };
