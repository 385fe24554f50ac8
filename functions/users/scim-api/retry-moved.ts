import { VersionMovedError } from '../store/items.js';

/** Attempts of a read-decide-write before the 409 is the client's. */
const ATTEMPTS = 3;

/**
 * Runs a read-decide-write again when its conditional write found the
 * resource changed since it was read: two provider requests on one user
 * (Okta sends a PATCH and a PUT close together) both land, one after the
 * other, instead of one failing.
 *
 * @example
 * const user = await retryMoved(async () => writeUser({ ...read again..., previous: await getUser(id) }));
 */
const retryMoved = async <T>(attempt: () => Promise<T>): Promise<T> => {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof VersionMovedError) || tries >= ATTEMPTS) throw error;
      // A short random pause, so writers that collided do not collide again.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * tries));
    }
  }
};

export { retryMoved };
