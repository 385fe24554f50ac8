/**
 * What a failed `fetch` means, in words a person can act on. Node's fetch
 * (undici) rejects every network failure with the same `TypeError: fetch
 * failed`; the cause that says what happened (a refused connection, a
 * host that does not resolve, a connect timeout) hangs below it in
 * `error.cause`, sometimes an `AggregateError` of one attempt per address.
 * The outbound log, the sync log and the DLQ show the reason this returns
 * instead of "fetch failed".
 *
 * | cause `code`                          | reason                                              |
 * |---------------------------------------|-----------------------------------------------------|
 * | `ECONNREFUSED`                        | `connection refused by 127.0.0.1:4010`              |
 * | `ENOTFOUND`                           | `host crm.example.com not found`                    |
 * | `EAI_AGAIN`                           | `host crm.example.com could not be resolved now (DNS lookup failed)` |
 * | `UND_ERR_CONNECT_TIMEOUT`, `ETIMEDOUT`| `connection to crm.example.com:443 timed out after 10 s` |
 * | `ECONNRESET`                          | `connection reset by 127.0.0.1:4010`                |
 * | `UND_ERR_SOCKET`                      | `connection closed by 127.0.0.1:4010 (other side closed)` |
 * | `EHOSTUNREACH`, `ENETUNREACH`         | `host 10.0.0.9:443 unreachable`, `network unreachable for 10.0.0.9:443` |
 * | `ERR_INVALID_URL`                     | `invalid URL "crm.example.com/api"`                 |
 * | `TimeoutError` (our own deadline)     | `no answer within 8000 ms`                          |
 * | anything else                         | `network error: <the innermost message> (<code>)`   |
 */

/** The fields undici and Node's `net`/`dns` put on a network error. */
interface NetworkErrorFields {
  readonly name?: string;
  readonly message?: string;
  readonly code?: unknown;
  readonly address?: unknown;
  readonly port?: unknown;
  readonly hostname?: unknown;
  readonly input?: unknown;
  readonly cause?: unknown;
  readonly errors?: unknown;
  readonly socket?: { readonly remoteAddress?: unknown; readonly remotePort?: unknown };
}

/** A network failure made readable: `code` is what the DLQ's `failure_status` shows (`ECONNREFUSED`). */
interface NetworkFailure {
  readonly reason: string;
  /** The cause's code (`ECONNREFUSED`), else the error's name (`TimeoutError`, `TypeError`). */
  readonly code: string;
}

const fieldsOf = (value: unknown): NetworkErrorFields | undefined =>
  typeof value === 'object' && value !== null ? (value as NetworkErrorFields) : undefined;

/** The error and its causes, outermost first (bounded: a cause chain is a few links long, never a loop we follow). */
const chainOf = (error: unknown): NetworkErrorFields[] => {
  const chain: NetworkErrorFields[] = [];
  let current = fieldsOf(error);
  while (current && chain.length < 8 && !chain.includes(current)) {
    chain.push(current);
    current = fieldsOf(current.cause);
  }
  return chain;
};

/** `127.0.0.1:4010`, `[::1]:4010`, or the host alone when the port is unknown. */
const endpoint = (address: unknown, port: unknown): string | undefined => {
  if (typeof address !== 'string' || address === '') return undefined;
  const host = address.includes(':') ? `[${address}]` : address;
  return typeof port === 'number' || (typeof port === 'string' && port !== '') ? `${host}:${port}` : host;
};

/** Every address a failure names: its own, or its attempts' (an AggregateError of one per address family). */
const endpointsOf = (failure: NetworkErrorFields, fallback: string): string => {
  const own =
    endpoint(failure.address, failure.port) ?? endpoint(failure.socket?.remoteAddress, failure.socket?.remotePort);
  const attempts = Array.isArray(failure.errors)
    ? failure.errors.map((e) => endpoint(fieldsOf(e)?.address, fieldsOf(e)?.port))
    : [];
  const all = [...new Set([own, ...attempts].filter((e): e is string => e !== undefined))];
  return all.length > 0 ? all.join(' and ') : fallback;
};

/** `10 s` for whole seconds, `1500 ms` otherwise. */
const duration = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

/** undici's connect timeout says where and how long only in its message. */
const connectTimeout = (failure: NetworkErrorFields, fallback: string): string => {
  const text = failure.message ?? '';
  const where = /attempted address(?:es)?: ([^,)]+)/.exec(text)?.[1]?.trim() ?? endpointsOf(failure, fallback);
  const ms = /timeout: (\d+)\s*ms/.exec(text)?.[1];
  return `connection to ${where} timed out${ms === undefined ? '' : ` after ${duration(Number(ms))}`}`;
};

const READERS: Readonly<Record<string, (failure: NetworkErrorFields, fallback: string) => string>> = {
  ECONNREFUSED: (f, at) => `connection refused by ${endpointsOf(f, at)}`,
  ENOTFOUND: (f, at) => `host ${typeof f.hostname === 'string' ? f.hostname : endpointsOf(f, at)} not found`,
  EAI_AGAIN: (f, at) =>
    `host ${typeof f.hostname === 'string' ? f.hostname : endpointsOf(f, at)} could not be resolved now (DNS lookup failed)`,
  UND_ERR_CONNECT_TIMEOUT: connectTimeout,
  ETIMEDOUT: connectTimeout,
  ECONNRESET: (f, at) => `connection reset by ${endpointsOf(f, at)}`,
  UND_ERR_SOCKET: (f, at) => `connection closed by ${endpointsOf(f, at)}${f.message ? ` (${f.message})` : ''}`,
  EPIPE: (f, at) => `connection closed by ${endpointsOf(f, at)} while sending`,
  EHOSTUNREACH: (f, at) => `host ${endpointsOf(f, at)} unreachable`,
  ENETUNREACH: (f, at) => `network unreachable for ${endpointsOf(f, at)}`,
  ERR_INVALID_URL: (f) => `invalid URL ${JSON.stringify(typeof f.input === 'string' ? f.input : '')}`,
};

/** `host:port` of a URL, for a failure that names no address (a closed socket forgets its peer). */
const hostOf = (url: string | undefined): string => {
  try {
    return url ? new URL(url).host : 'the server';
  } catch {
    return 'the server';
  }
};

/**
 * The reason and code of a failed call: the first link of the cause chain
 * with a code we know says what happened; else the innermost message.
 *
 * @param timeoutMs the call's own deadline, named when it is what ended the call.
 * @param url the URL called, whose host is named when the error names none.
 * @example
 * try { await fetch(url) } catch (error) { networkFailure(error, 8000) }
 * // { reason: 'connection refused by 127.0.0.1:4010', code: 'ECONNREFUSED' }
 */
const networkFailure = (error: unknown, timeoutMs?: number, url?: string): NetworkFailure => {
  const chain = chainOf(error);
  const outer = chain[0];
  if (outer?.name === 'TimeoutError') {
    return { reason: timeoutMs === undefined ? 'timed out' : `no answer within ${timeoutMs} ms`, code: 'TimeoutError' };
  }
  for (const link of chain) {
    const code = typeof link.code === 'string' ? link.code : undefined;
    const read = code ? READERS[code] : undefined;
    if (code && read) return { reason: read(link, hostOf(url)), code };
  }
  const inner = chain.at(-1);
  const code = chain.map((l) => l.code).find((c): c is string => typeof c === 'string');
  const message = inner?.message || outer?.message || String(error);
  return {
    reason: `network error: ${message}${code && !message.includes(code) ? ` (${code})` : ''}`,
    code: code ?? outer?.name ?? 'Error',
  };
};

export type { NetworkFailure };
export { networkFailure };
