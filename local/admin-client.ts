/**
 * The admin API as the command-line tools (`npm run redrive`, `npm run
 * bulk`) call it: the stack's base URL (SYNC_TOOLS_URL, else
 * http://127.0.0.1:$PORT) and the admin token (ADMIN_TOKEN, the first one
 * when it lists two for a rotation), from the environment or `.env`, and
 * one call that turns every failure into a one-line message.
 */
import { existsSync } from 'node:fs';

/** A failure the user can act on: printed as one line, no stack trace. */
class CliError extends Error {}

/** The admin API answered, but not with a 2xx: its status and message. */
class AdminApiError extends CliError {
  constructor(
    readonly status: number,
    readonly detail: string,
    message: string,
  ) {
    super(message);
  }
}

export interface AdminClient {
  readonly base: string;
  /** The parsed JSON answer (the text when it is not JSON). */
  call(method: string, path: string, body?: unknown): Promise<unknown>;
}

/**
 * @example
 * const admin = adminClientFromEnv();
 * const listing = await admin.call('GET', '/admin/dlq');
 */
const adminClientFromEnv = (): AdminClient => {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const base = (process.env.SYNC_TOOLS_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`).replace(/\/+$/, '');
  const token = process.env.ADMIN_TOKEN?.split(/[\s,]+/).find(Boolean);
  if (!token) throw new CliError('ADMIN_TOKEN is not set (in the environment or .env)');
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new CliError(`cannot reach ${base}: is \`npm start\` running?`);
    }
    const text = await response.text();
    if (response.status === 401 || response.status === 403) {
      throw new CliError(`the admin API refused the token (${response.status}): check ADMIN_TOKEN (tried ${base})`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
    if (!response.ok) {
      const detail = typeof parsed === 'object' && parsed !== null && 'error' in parsed ? String(parsed.error) : text;
      throw new AdminApiError(
        response.status,
        detail,
        `${method} ${path.split('?')[0]} answered ${response.status}: ${detail}`,
      );
    }
    return parsed;
  };
  return { base, call };
};

export { CliError, AdminApiError, adminClientFromEnv };
