import { type IncomingMessage, request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { type Gateway, MAX_PAYLOAD_BYTES, startGateway } from '../../local/gateway.js';
import type { Invoker } from '../../local/invoke.js';
import { createRuntimeLog } from '../../local/log.js';

/** What the client saw: the answer (if any), whether the server closed the socket, and what it managed to send. */
interface Outcome {
  readonly status: number | undefined;
  readonly body: string;
  readonly closedByServer: boolean;
  readonly bytesWritten: number;
}

const invocations: unknown[] = [];
const invoker: Invoker = {
  invoke: async (_name, event) => {
    invocations.push(event);
    return { ok: true, value: { statusCode: 200, body: 'taken' }, requestId: 'r' } as never;
  },
  functionArn: (name) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
};

const startTestGateway = (maxPayloadBytes?: number): Promise<Gateway> =>
  startGateway({
    routes: [{ routeKey: 'POST /upload', method: 'POST', path: '/upload', function: 'upload', authorizer: null }],
    invoker,
    api: { region: 'us-east-1', accountId: '000000000000', apiId: 'offline' },
    log: createRuntimeLog('silent'),
    port: 0,
    ...(maxPayloadBytes === undefined ? {} : { maxPayloadBytes }),
  });

/**
 * Sends a body the way a hostile client would: `declared` as Content-Length
 * (or chunked when undefined), then `chunk` after `chunk` until the server
 * answers or drops the socket, or `giveUpAfter` bytes are out (the gateway
 * kept reading: the test fails on the outcome).
 */
const pushBody = (
  url: string,
  {
    declared,
    giveUpAfter,
    chunk = Buffer.alloc(16 * 1024, 97),
  }: { declared?: number; giveUpAfter: number; chunk?: Buffer },
): Promise<Outcome> =>
  new Promise((resolve) => {
    let status: number | undefined;
    let body = '';
    let bytesWritten = 0;
    let done = false;
    const req = request(`${url}/upload`, {
      method: 'POST',
      headers: declared === undefined ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(declared) },
    });
    const finish = (closedByServer: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve({ status, body, closedByServer, bytesWritten });
    };
    // Bounded: a gateway that waits for the whole body never answers within this.
    const timer = setTimeout(() => finish(false), 5_000);
    req.on('response', (res: IncomingMessage) => {
      status = res.statusCode;
      res.setEncoding('utf8');
      res.on('data', (text: string) => {
        body += text;
      });
    });
    req.on('error', () => finish(true));
    req.on('close', () => finish(true));
    const write = (): void => {
      while (!done && bytesWritten < giveUpAfter) {
        bytesWritten += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', write);
          return;
        }
      }
    };
    write();
  });

describe('Offline gateway: payload limit', () => {
  let gateway: Gateway | undefined;

  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
    invocations.length = 0;
  });

  it("answers 413 as soon as Content-Length passes Lambda's 6 MB, and drops the connection without reading the body", async () => {
    // Prepare
    gateway = await startTestGateway();

    // Act: declare one byte too many, then send only a little of it.
    const outcome = await pushBody(gateway.url, { declared: MAX_PAYLOAD_BYTES + 1, giveUpAfter: 16 * 1024 });

    // Assess
    expect(MAX_PAYLOAD_BYTES).toBe(6 * 1024 * 1024);
    expect(outcome.status).toBe(413);
    expect(JSON.parse(outcome.body)).toEqual({ message: 'Request Entity Too Large' });
    expect(outcome.closedByServer).toBe(true);
    expect(invocations).toHaveLength(0);
  });

  it('stops reading a chunked body once it passes the limit, answers 413 and closes the connection', async () => {
    // Prepare
    const limit = 256 * 1024;
    gateway = await startTestGateway(limit);

    // Act: a body with no end; the client gives up at 64 MB.
    const outcome = await pushBody(gateway.url, { giveUpAfter: 64 * 1024 * 1024 });

    // Assess
    expect(outcome.status).toBe(413);
    expect(outcome.closedByServer).toBe(true);
    // What socket buffers take in after the limit is bounded; a gateway that reads on takes all 64 MB.
    expect(outcome.bytesWritten).toBeLessThan(16 * 1024 * 1024);
    expect(invocations).toHaveLength(0);
  });

  it('passes a body of exactly the limit on to the function', async () => {
    // Prepare
    const limit = 64 * 1024;
    gateway = await startTestGateway(limit);

    // Act
    const res = await fetch(`${gateway.url}/upload`, { method: 'POST', body: Buffer.alloc(limit, 98) });

    // Assess
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('taken');
    expect(invocations).toHaveLength(1);
  });
});
