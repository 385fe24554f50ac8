import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server that plays an outside system (CRM, ERP, shop, POS,
 * WMS, Slack, PagerDuty): it records every request and answers from a
 * programmable script, so a test can make it rate-limit, fail or hang.
 * Listens on 127.0.0.1, on a free port unless told one. The integration
 * tests use it bare (test/helpers/fake-http-server.ts re-exports it); the
 * playground `npm start` runs (local/playground/) is the same server with
 * each system's answers as its responder, so what a user pokes at by hand
 * is what the tests trust.
 */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
  readonly at: number;
}

export interface FakeAnswer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** Never answer (the caller's timeout must fire). */
  readonly hang?: boolean;
  /** Answer only after this many milliseconds (a slow system). */
  readonly delayMs?: number;
  /** Send the status and headers and the start of the body, then nothing more (a stalled 2xx). */
  readonly stallBody?: boolean;
  /** Send the status, headers and the start of the body, then close the socket. */
  readonly breakBody?: boolean;
  /** Close the socket without answering at all. */
  readonly dropConnection?: boolean;
  /** Answer this plain text instead of a JSON body (Slack's incoming webhooks answer `ok`). */
  readonly text?: string;
}

export type Responder = (request: RecordedRequest) => FakeAnswer;

export interface FakeHttpServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Answers the next requests with these, in order, then falls back to the default responder. */
  queueAnswers(...answers: FakeAnswer[]): void;
  setResponder(responder: Responder): void;
  /** Resolves when at least `count` requests matched `filter`, or rejects after `timeoutMs`. */
  waitFor(filter: (r: RecordedRequest) => boolean, count?: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  close(): Promise<void>;
}

const readBody = async (request: IncomingMessage): Promise<unknown> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/** Where the server listens: a free port on 127.0.0.1 unless given (the playground's configured ports). */
export interface FakeHttpServerOptions {
  readonly port?: number;
  readonly host?: string;
  /** Keep only the last this many requests (a long-running playground must not grow without end). */
  readonly keep?: number;
}

/**
 * Starts a recording, programmable server; rejects (EADDRINUSE) when a
 * given port is taken.
 *
 * @example
 * const crm = await startFakeHttpServer((r) => (r.method === 'POST' ? { status: 201, body: { id: 'c-1' } } : { status: 200 }));
 */
export const startFakeHttpServer = async (
  responder: Responder = () => ({ status: 200, body: {} }),
  options: FakeHttpServerOptions = {},
): Promise<FakeHttpServer> => {
  const requests: RecordedRequest[] = [];
  const queued: FakeAnswer[] = [];
  const hanging = new Set<() => void>();
  let current = responder;
  const server: Server = createServer(async (req, res) => {
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
      body: await readBody(req),
      at: Date.now(),
    };
    requests.push(recorded);
    if (options.keep !== undefined && requests.length > options.keep) requests.shift();
    const answer = queued.shift() ?? current(recorded);
    if (answer.hang) {
      const end = () => res.destroy();
      hanging.add(end);
      res.on('close', () => hanging.delete(end));
      return;
    }
    if (answer.dropConnection) {
      req.socket.destroy();
      return;
    }
    if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
    if (answer.stallBody || answer.breakBody) {
      const text = answer.body === undefined ? '{}' : JSON.stringify(answer.body);
      // The length announced is the whole body's; only half of it is sent.
      res.writeHead(answer.status, {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(text)),
        ...answer.headers,
      });
      res.write(text.slice(0, Math.floor(text.length / 2)));
      if (answer.breakBody) {
        setTimeout(() => res.destroy(), 20);
        return;
      }
      const end = () => res.destroy();
      hanging.add(end);
      res.on('close', () => hanging.delete(end));
      return;
    }
    if (answer.text !== undefined) {
      res.writeHead(answer.status, { 'content-type': 'text/plain; charset=utf-8', ...answer.headers });
      res.end(answer.text);
      return;
    }
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    requests,
    queueAnswers: (...answers) => queued.push(...answers),
    setResponder: (next) => {
      current = next;
    },
    waitFor: async (filter, count = 1, timeoutMs = 15_000) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const hits = requests.filter(filter);
        if (hits.length >= count) return hits;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(
        `expected ${count} matching request(s) within ${timeoutMs} ms, saw ${requests.filter(filter).length}: ${JSON.stringify(requests.map((r) => `${r.method} ${r.path}`))}`,
      );
    },
    close: async () => {
      for (const end of hanging) end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
