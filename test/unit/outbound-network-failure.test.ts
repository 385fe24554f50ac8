import { describe, expect, it } from 'vitest';
import { networkFailure } from '../../functions/kernel/outbound/network-failure.js';

/** An Error carrying the fields Node's `net`/`dns` and undici put on one. */
const aSystemError = (message: string, fields: Record<string, unknown>): Error =>
  Object.assign(new Error(message), fields);

/** What Node's fetch (undici) rejects with: `TypeError: fetch failed` with the real failure as its cause. */
const aFetchFailure = (cause: unknown): TypeError => new TypeError('fetch failed', { cause });

describe('Function: networkFailure()', () => {
  it('names the address that refused the connection instead of "fetch failed"', () => {
    // Prepare
    const error = aFetchFailure(
      aSystemError('connect ECONNREFUSED 127.0.0.1:4010', {
        code: 'ECONNREFUSED',
        syscall: 'connect',
        address: '127.0.0.1',
        port: 4010,
      }),
    );
    // Act
    const failure = networkFailure(error, 8000);
    // Assess
    expect(failure).toEqual({ reason: 'connection refused by 127.0.0.1:4010', code: 'ECONNREFUSED' });
  });

  it('names every address tried when each address family was refused (an AggregateError)', () => {
    // Prepare
    const attempts = [
      aSystemError('connect ECONNREFUSED ::1:4010', { code: 'ECONNREFUSED', address: '::1', port: 4010 }),
      aSystemError('connect ECONNREFUSED 127.0.0.1:4010', { code: 'ECONNREFUSED', address: '127.0.0.1', port: 4010 }),
    ];
    const error = aFetchFailure(Object.assign(new AggregateError(attempts, ''), { code: 'ECONNREFUSED' }));
    // Act
    const failure = networkFailure(error);
    // Assess
    expect(failure.reason).toBe('connection refused by [::1]:4010 and 127.0.0.1:4010');
  });

  it('names a host that does not resolve', () => {
    // Prepare
    const error = aFetchFailure(
      aSystemError('getaddrinfo ENOTFOUND crm.example.com', {
        code: 'ENOTFOUND',
        syscall: 'getaddrinfo',
        hostname: 'crm.example.com',
      }),
    );
    // Act
    const failure = networkFailure(error);
    // Assess
    expect(failure).toEqual({ reason: 'host crm.example.com not found', code: 'ENOTFOUND' });
  });

  it("reads undici's connect timeout: where it tried and how long it waited", () => {
    // Prepare
    const error = aFetchFailure(
      aSystemError('Connect Timeout Error (attempted address: crm.example.com:443, timeout: 10000ms)', {
        name: 'ConnectTimeoutError',
        code: 'UND_ERR_CONNECT_TIMEOUT',
      }),
    );
    // Act
    const failure = networkFailure(error);
    // Assess
    expect(failure).toEqual({
      reason: 'connection to crm.example.com:443 timed out after 10 s',
      code: 'UND_ERR_CONNECT_TIMEOUT',
    });
  });

  it('reads an ETIMEDOUT from the socket with its address', () => {
    // Prepare
    const error = aFetchFailure(
      aSystemError('connect ETIMEDOUT 10.0.0.9:443', { code: 'ETIMEDOUT', address: '10.0.0.9', port: 443 }),
    );
    // Act
    const failure = networkFailure(error);
    // Assess
    expect(failure.reason).toBe('connection to 10.0.0.9:443 timed out');
  });

  it('names the peer that closed the socket before the answer was complete', () => {
    // Prepare
    const error = new TypeError('terminated', {
      cause: aSystemError('other side closed', {
        name: 'SocketError',
        code: 'UND_ERR_SOCKET',
        socket: { remoteAddress: '127.0.0.1', remotePort: 4010 },
      }),
    });
    // Act
    const failure = networkFailure(error);
    // Assess
    expect(failure).toEqual({
      reason: 'connection closed by 127.0.0.1:4010 (other side closed)',
      code: 'UND_ERR_SOCKET',
    });
  });

  it('names the host called when the closed socket has forgotten its peer', () => {
    // Prepare
    const error = aFetchFailure(
      aSystemError('other side closed', {
        code: 'UND_ERR_SOCKET',
        socket: { localAddress: '127.0.0.1', remoteAddress: undefined, remotePort: undefined },
      }),
    );
    // Act
    const failure = networkFailure(error, 8000, 'http://127.0.0.1:4010/api/contacts');
    // Assess
    expect(failure.reason).toBe('connection closed by 127.0.0.1:4010 (other side closed)');
  });

  it('names a base URL that is not a URL', () => {
    // Prepare
    const error = new TypeError('Failed to parse URL from crm.example.com/api', {
      cause: Object.assign(new TypeError('Invalid URL'), { code: 'ERR_INVALID_URL', input: 'crm.example.com/api' }),
    });
    // Act
    const failure = networkFailure(error);
    // Assess
    expect(failure.reason).toBe('invalid URL "crm.example.com/api"');
  });

  it("says the call's own deadline passed for the AbortSignal's TimeoutError", () => {
    // Prepare
    const error = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    // Act
    const failure = networkFailure(error, 8000);
    // Assess
    expect(failure).toEqual({ reason: 'no answer within 8000 ms', code: 'TimeoutError' });
  });

  it('falls back to the innermost message and its code for a cause it does not know', () => {
    // Prepare
    const error = aFetchFailure(aSystemError('certificate has expired', { code: 'CERT_HAS_EXPIRED' }));
    // Act
    const failure = networkFailure(error);
    // Assess
    expect(failure).toEqual({
      reason: 'network error: certificate has expired (CERT_HAS_EXPIRED)',
      code: 'CERT_HAS_EXPIRED',
    });
  });

  it('keeps the message of an error without a cause, named by its own name', () => {
    // Prepare
    const error = new TypeError('terminated');
    // Act
    const failure = networkFailure(error);
    // Assess
    expect(failure).toEqual({ reason: 'network error: terminated', code: 'TypeError' });
  });
});
