import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A key that lives as long as the process, so that the digests compared
 * below cannot be predicted or precomputed by a caller.
 */
const compareKey = randomBytes(32);

const digest = (value: string | Uint8Array): Buffer => createHmac('sha256', compareKey).update(value).digest();

/**
 * Compares two secrets or signatures in constant time, lengths included.
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
 * Whether `presented` equals any of `expected`, checking every candidate so
 * the time taken does not reveal which secret of a rotation matched.
 */
const constantTimeIncludes = (expected: readonly (string | Uint8Array)[], presented: string | Uint8Array): boolean => {
  let found = false;
  for (const candidate of expected) {
    // Non-short-circuit: every candidate is compared even after a match.
    found = constantTimeEqual(candidate, presented) || found;
  }
  return found;
};

export { constantTimeEqual, constantTimeIncludes };
