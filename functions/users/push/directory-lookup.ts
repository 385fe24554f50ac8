import { loadIntegration } from '../../kernel/config/secrets.js';
import { networkFailure } from '../../kernel/outbound/network-failure.js';

/**
 * Asks the downstream directory for a user it may already hold under a
 * userName, before the push creates one: `GET /Users?filter=userName eq
 * "..."`. Called from the push action's `prepare`, so a user the directory
 * has already (created by hand, by an earlier run, or by a create whose
 * answer was lost on the way back) is adopted rather than refused with 409:
 * the dispatcher dead-letters a 4xx as permanent before an action could
 * react to it, so the look-up comes first.
 *
 * Throws on any failure (not configured, timeout, a non-2xx answer): the
 * dispatcher then retries the message with its backoff.
 */

/** A userName inside a SCIM filter's string literal: quotes and backslashes escaped. */
const quoted = (value: string): string => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

const timeoutMs = (): number => Number(process.env.OUTBOUND_TIMEOUT_MS ?? 8000);

/**
 * The directory's id of the user holding `userName`, or undefined when it
 * holds none.
 *
 * @example
 * const adoptedId = await findDirectoryUserId('ana@example.com');
 */
const findDirectoryUserId = async (userName: string): Promise<string | undefined> => {
  const loaded = await loadIntegration('directory', ['scimUrl', 'token']);
  if (!loaded.ok) throw new Error(`directory integration is not configured: ${loaded.problems.join('; ')}`);
  const base = loaded.settings.scimUrl.replace(/\/+$/, '');
  const filter = encodeURIComponent(`userName eq ${quoted(userName)}`);
  const url = `${base}/Users?filter=${filter}&count=1`;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: 'application/scim+json, application/json', authorization: `Bearer ${loaded.settings.token}` },
      signal: AbortSignal.timeout(timeoutMs()),
    });
  } catch (error) {
    // The dispatcher logs this message as the attempt's reason: name the cause, not "fetch failed".
    const { reason } = networkFailure(error, timeoutMs(), url);
    throw new Error(`directory look-up GET /Users of a userName failed: ${reason}`, { cause: error });
  }
  const text = await response.text();
  if (!response.ok) throw new Error(`directory look-up of a userName answered HTTP ${response.status}`);
  const body = (text === '' ? {} : JSON.parse(text)) as { Resources?: { id?: unknown }[] };
  const id = body.Resources?.[0]?.id;
  return typeof id === 'string' && id !== '' ? id : undefined;
};

export { findDirectoryUserId };
