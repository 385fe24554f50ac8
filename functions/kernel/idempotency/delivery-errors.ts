/**
 * Why {@link runOnce} did not run a delivery's effect. Domain errors: they
 * say what happened to the delivery, not how to answer it; the HTTP edge
 * maps them to status codes (`kernel/http/error-answers.ts`: 409 with
 * Retry-After, 422). This module imports nothing, so the edge can know the
 * classes without bundling the store.
 */

/**
 * A concurrent copy of the delivery is still running: the sender should
 * come back in `retryAfterSeconds` (when the first copy's lease ends: it
 * has finished by then, or certainly died).
 *
 * @example
 * throw new DeliveryInProgressError(8);
 */
class DeliveryInProgressError extends Error {
  override name = 'DeliveryInProgressError';
  constructor(readonly retryAfterSeconds: number) {
    super(`Another copy of this delivery is still being processed; retry in ${retryAfterSeconds} s`);
  }
}

/**
 * The same delivery id came back with a different payload: a sender bug,
 * never applied and never answered as a duplicate.
 *
 * @example
 * if (existing.fingerprint !== fingerprint) throw new DeliveryIdReusedError();
 */
class DeliveryIdReusedError extends Error {
  override name = 'DeliveryIdReusedError';
  constructor() {
    super('This delivery id was already used for a different payload');
  }
}

export { DeliveryIdReusedError, DeliveryInProgressError };
