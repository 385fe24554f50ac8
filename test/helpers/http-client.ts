import { randomUUID } from 'node:crypto';
import { signStandardWebhook } from '../../functions/kernel/signatures/standard-webhooks.js';

/** Settings every integration test file installs in `process.env` for the in-process handlers. */
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';
export const TEST_CRM_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
export const TEST_INVENTORY_SECRET = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';

export interface JsonAnswer<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
}

const asJson = async <T>(response: Response): Promise<JsonAnswer<T>> => {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: keep the text so the assertion shows it.
  }
  return { status: response.status, body: body as T };
};

/**
 * Signs `body` with Standard Webhooks and posts it. `raw` sends (and signs)
 * these bytes instead of the JSON of `body`; `tampered` sends other bytes
 * than the ones signed.
 */
export const postSignedWebhook = async <T = Record<string, unknown>>(
  url: string,
  body: unknown,
  options: {
    secret: string;
    id?: string;
    timestamp?: Date;
    raw?: string;
    tampered?: string;
    headers?: Record<string, string>;
  },
): Promise<JsonAnswer<T>> => {
  const raw = options.raw ?? JSON.stringify(body);
  const signed = signStandardWebhook({
    secret: options.secret,
    id: options.id ?? `msg_${randomUUID()}`,
    timestamp: options.timestamp,
    body: raw,
  });
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signed, ...options.headers },
    body: options.tampered ?? raw,
  });
  return asJson<T>(response);
};

/** Calls the admin API with the test token. */
export const admin = async <T = Record<string, unknown>>(
  base: string,
  method: 'GET' | 'PUT' | 'POST',
  path: string,
  body?: unknown,
): Promise<JsonAnswer<T>> => {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return asJson<T>(response);
};

/** Polls `probe` until it returns a defined value, or fails with `what` after `timeoutMs`. */
export const eventually = async <T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
};
