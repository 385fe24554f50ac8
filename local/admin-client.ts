/**
 * The running stack as the command-line tools (`npm run sync`, and its
 * aliases `npm run send|bulk|redrive`) reach it: the stack's base URL
 * (SYNC_TOOLS_URL, else http://127.0.0.1:$PORT), the admin token
 * (ADMIN_TOKEN, the first one when it lists two for a rotation), from the
 * environment or `.env`, and calls that turn every failure into one line a
 * newcomer can act on: never a stack trace.
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

/** How long the /health probe waits: a stack that does not answer in this time is as good as down. */
const HEALTH_TIMEOUT_MS = 3000;

/** Where ADMIN_TOKEN was found, remembered before `.env` fills the gaps, for the "token refused" line. */
let tokenOrigin: 'the environment' | '.env' | undefined;

/**
 * Loads `.env` (never over a variable already set, as `npm start` does) and
 * remembers whether ADMIN_TOKEN came from the environment or the file.
 *
 * @example
 * loadCliEnv(); // then read process.env
 */
const loadCliEnv = (): void => {
  const before = process.env.ADMIN_TOKEN;
  if (existsSync('.env')) process.loadEnvFile('.env');
  if (tokenOrigin === undefined && process.env.ADMIN_TOKEN !== undefined) {
    tokenOrigin = before === undefined ? '.env' : 'the environment';
  }
};

/**
 * The stack's base URL without a trailing slash: SYNC_TOOLS_URL, else the
 * offline stack on PORT (default 3000).
 *
 * @example
 * stackBase(); // 'http://127.0.0.1:3000'
 */
const stackBase = (): string =>
  (process.env.SYNC_TOOLS_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`).replace(/\/+$/, '');

/** Node's fetch hides the reason in `cause`; this names it in words. */
const reasonOf = (error: unknown): string => {
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  const code = cause?.code ?? (error as { code?: string } | undefined)?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'ECONNRESET') return 'connection reset';
  if (code === 'ETIMEDOUT' || (error as Error | undefined)?.name === 'TimeoutError') return 'no answer in time';
  if (code === 'ERR_INVALID_URL' || (error instanceof TypeError && /invalid url/i.test(error.message)))
    return 'not a valid URL';
  return code ?? cause?.message ?? (error as Error | undefined)?.message ?? String(error);
};

/**
 * What to say when a request got no answer at all: asks GET /health, and
 * names the stack as not answering when that fails too; otherwise the one
 * request failed (the stack is up), and the line says which.
 */
const unreachable = async (base: string, what: string, error: unknown): Promise<CliError> => {
  try {
    const health = await fetch(`${base}/health`, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) });
    await health.body?.cancel();
    return new CliError(
      `${what} got no answer from ${base} (${reasonOf(error)}), though GET /health answers ${health.status}`,
    );
  } catch (healthError) {
    return new CliError(
      `sync-tools is not answering at ${base} — is \`npm start\` running? (tried GET /health: ${reasonOf(healthError)})`,
    );
  }
};

/**
 * `fetch`, with "no answer" turned into the one-line CliError above.
 *
 * @example
 * const response = await fetchOrExplain(stackBase(), '/webhooks/crm', { method: 'POST', body });
 */
const fetchOrExplain = async (base: string, path: string, init: RequestInit = {}): Promise<Response> => {
  try {
    return await fetch(`${base}${path}`, init);
  } catch (error) {
    throw await unreachable(base, `${init.method ?? 'GET'} ${path.split('?')[0]}`, error);
  }
};

/**
 * @example
 * const admin = adminClientFromEnv();
 * const listing = await admin.call('GET', '/admin/dlq');
 */
const adminClientFromEnv = (): AdminClient => {
  loadCliEnv();
  const base = stackBase();
  const token = process.env.ADMIN_TOKEN?.split(/[\s,]+/).find(Boolean);
  if (!token) throw new CliError('ADMIN_TOKEN is not set (in the environment or .env; see .env.example)');
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetchOrExplain(base, path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (response.status === 401 || response.status === 403) {
      throw new CliError(
        `the admin API refused the token (${response.status}): check ADMIN_TOKEN (read from ${tokenOrigin ?? 'the environment'}; tried ${base})`,
      );
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

export { CliError, AdminApiError, adminClientFromEnv, fetchOrExplain, loadCliEnv, stackBase };
