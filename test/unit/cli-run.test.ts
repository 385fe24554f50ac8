import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../local/cli-run.js';
import { freePort } from '../../local/ports.js';

/**
 * `runCli` (local/cli-run.ts) against what a newcomer meets first: no
 * stack running, a token the stack refuses, a stack from before the record
 * listing. Each is one line on stderr and an exit code, never a stack
 * trace. A plain HTTP server on a free port stands in for the stack.
 */
interface Recorded {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const cli = async (argv: readonly string[], options: { prog?: string; under?: string[] } = {}): Promise<Recorded> => {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    ...options,
    out: { write: (text: string) => (stdout += text) },
    err: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
};

/** A stand-in stack answering every request with `status` and `body`. */
const stackAnswering = async (status: number, body: unknown): Promise<{ url: string; server: Server }> => {
  const server = createServer((_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
};

let server: Server | undefined;

afterEach(async () => {
  vi.unstubAllEnvs();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

describe('runCli', () => {
  it.each([[['records', 'list', 'contact']], [['dlq', 'list']], [['events', 'r-1']]])(
    'says in one line that the stack is not running for %j, exit 1',
    async (argv) => {
      // Prepare
      const port = await freePort();
      vi.stubEnv('SYNC_TOOLS_URL', `http://127.0.0.1:${port}`);
      vi.stubEnv('ADMIN_TOKEN', 'some-token');
      // Act
      const run = await cli(argv);
      // Assess
      expect(run).toEqual({
        code: 1,
        stdout: '',
        stderr: `sync-tools is not answering at http://127.0.0.1:${port} — is \`npm start\` running? (tried GET /health: connection refused)\n`,
      });
    },
  );

  it('says the stack is not running for a webhook sent through the send alias, from PORT', async () => {
    // Prepare
    const port = await freePort();
    vi.stubEnv('SYNC_TOOLS_URL', undefined);
    vi.stubEnv('PORT', String(port));
    vi.stubEnv('INVENTORY_WEBHOOK_SECRET', 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD');
    // Act
    const run = await cli(['inventory', '{"sku":"S"}'], { prog: 'npm run send --', under: ['send'] });
    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `sync-tools is not answering at http://127.0.0.1:${port} — is \`npm start\` running? (tried GET /health: connection refused)\n`,
    );
  });

  it.each([401, 403])('says the admin token was refused (%i) and where it was read from, exit 1', async (status) => {
    // Prepare
    const stack = await stackAnswering(status, { error: 'Forbidden' });
    server = stack.server;
    vi.stubEnv('SYNC_TOOLS_URL', stack.url);
    vi.stubEnv('ADMIN_TOKEN', 'wrong-token');
    // Act
    const run = await cli(['conflicts', 'list']);
    // Assess
    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr: `the admin API refused the token (${status}): check ADMIN_TOKEN (read from the environment; tried ${stack.url})\n`,
    });
  });

  it('says ADMIN_TOKEN is not set before calling anything', async () => {
    // Prepare
    vi.stubEnv('ADMIN_TOKEN', '');
    // Act
    const run = await cli(['dlq', 'list']);
    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('ADMIN_TOKEN is not set (in the environment or .env; see .env.example)\n');
  });

  it('points to records find when the stack cannot list records yet (the old route answers 400)', async () => {
    // Prepare
    const stack = await stackAnswering(400, { error: 'Invalid query: source: is required; external_id: is required' });
    server = stack.server;
    vi.stubEnv('SYNC_TOOLS_URL', stack.url);
    vi.stubEnv('ADMIN_TOKEN', 'token');
    // Act
    const run = await cli(['records', 'list', 'contact']);
    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'this stack cannot list records (GET /admin/records/contact answered 400: Invalid query: source: is required; external_id: is required); find one with `npm run sync -- records find contact --source S --external-id X`\n',
    );
  });

  it('prints a page of records as a table with the command for the next page', async () => {
    // Prepare
    const record = {
      record_type: 'contact',
      record_id: 'r-1',
      version: 2,
      origin: 'crm',
      external_source: 'crm',
      external_id: '003A',
      updated_at: '2026-12-03T10:00:00.000Z',
      sync_status: 'synced',
      data: { firstName: 'Ana' },
    };
    const stack = await stackAnswering(200, { items: [record], next: 'tok' });
    server = stack.server;
    vi.stubEnv('SYNC_TOOLS_URL', stack.url);
    vi.stubEnv('ADMIN_TOKEN', 'token');
    // Act
    const run = await cli(['records', 'list', 'contact', '--limit', '1']);
    const json = await cli(['records', 'list', 'contact', '--json']);
    // Assess
    expect(run).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        'ID   VERSION  ORIGIN  EXTERNAL  UPDATED                   STATUS  CONFLICT',
        'r-1  2        crm     crm:003A  2026-12-03T10:00:00.000Z  synced',
        'more: npm run sync -- records list contact --next tok --limit 1',
        '',
      ].join('\n'),
    });
    expect(JSON.parse(json.stdout)).toEqual({ items: [record], next: 'tok' });
  });

  it('names the usage mistake on stderr with exit 2 and prints help on stdout with exit 0', async () => {
    // Act
    const wrong = await cli(['dlq', 'list', '--queue']);
    const help = await cli(['help', 'dlq', 'list']);
    // Assess
    expect(wrong.code).toBe(2);
    expect(wrong.stderr.split('\n')[0]).toBe('--queue needs a value');
    expect(wrong.stderr).toContain('usage: npm run sync -- dlq list');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run sync -- dlq list/);
    expect(help.stderr).toBe('');
  });
});
