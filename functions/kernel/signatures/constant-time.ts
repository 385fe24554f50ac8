import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A key that lives as long as the process, so that the digests compared
 * by {@link constantTimeEqual} cannot be predicted or precomputed by a caller.
 */
const compareKey = randomBytes(32);

const digest = (value: string | Uint8Array): Buffer => createHmac('sha256', compareKey).update(value).digest();

/**
 * Compares two secrets in constant time, lengths included: for values
 * whose length is itself secret, such as API keys.
 *
 * `crypto.timingSafeEqual` throws on buffers of different lengths, and the
 * usual `if (a.length !== b.length) return false` guard tells an attacker
 * the expected length. Comparing HMACs of both values (keyed with a random
 * per-process key) gives two 32-byte buffers whatever the inputs, so
 * neither content nor length shows in the timing.
 *
 * @example
 * if (!constantTimeEqual(presentedKey, configuredKey)) return { ok: false, reason: 'API key mismatch' };
 */
const constantTimeEqual = (a: string | Uint8Array, b: string | Uint8Array): boolean =>
  timingSafeEqual(digest(a), digest(b));

/**
 * Whether a presented signature equals one we computed, in constant time.
 * For signatures whose length is public (a base64 HMAC-SHA256 is always 44
 * characters) and already checked by the caller's format test: a direct
 * `timingSafeEqual`, one HMAC cheaper per candidate than
 * {@link constantTimeEqual}, which the bench showed to matter. Different
 * lengths answer false rather than throw.
 */
const signatureEqual = (computed: string, presented: string): boolean => {
  const a = Buffer.from(computed);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * Whether `presented` matches any of `expected` under `equal`, checking
 * every candidate so the time taken does not reveal which secret of a
 * rotation matched.
 */
const constantTimeIncludes = (
  expected: readonly string[],
  presented: string,
  equal: (a: string, b: string) => boolean = constantTimeEqual,
): boolean => {
  let found = false;
  for (const candidate of expected) {
    // Non-short-circuit: every candidate is compared even after a match.
    found = equal(candidate, presented) || found;
  }
  return found;
};

export { constantTimeEqual, signatureEqual, constantTimeIncludes };
