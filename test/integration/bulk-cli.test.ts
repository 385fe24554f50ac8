import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/ports.js';
import { crmContacts, listResponder } from '../helpers/bulk-sources.js';
import { type FakeHttpServer, startFakeHttpServer } from '../helpers/fake-http-server.js';
import { TEST_ADMIN_TOKEN, admin, eventually } from '../helpers/http-client.js';
import { fakeCrmEnv } from '../helpers/stack-env.js';
import { type TestStack, startTestStack } from '../helpers/test-stack.js';

/**
 * `npm run bulk` (local/bulk.ts) as a child process against a test stack,
 * its output not a terminal: start, status (with --follow: plain progress
 * lines until the job ends), list, pause, resume, cancel, errors as JSON
 * and CSV, and one clear line for each way it can go wrong (no stack, bad
 * token, unknown job, a request the API refuses).
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const KEY = 'crm-test-key';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let crm: FakeHttpServer;
let stack: TestStack;

/** Runs the CLI with `args`, against the test stack unless `env` says otherwise. */
const bulk = (args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<Run> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'local/bulk.ts', ...args],
      {
        cwd: ROOT,
        timeout: 60_000,
        env: {
          ...process.env,
          SYNC_TOOLS_URL: stack.url,
          ADMIN_TOKEN: TEST_ADMIN_TOKEN,
          BULK_FOLLOW_INTERVAL_MS: '100',
          ...env,
        },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });

const jobIdOf = (run: Run): string => /started (\S+)/.exec(run.stdout)?.[1] ?? '';

beforeAll(async () => {
  crm = await startFakeHttpServer();
  stack = await startTestStack({ env: fakeCrmEnv(crm.url) });
});

afterAll(async () => {
  await stack?.stop();
  await crm?.close();
});

describe('npm run bulk', () => {
  it('prints its usage with --help', async () => {
    // Act
    const run = await bulk(['--help']);
    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('npm run bulk -- start <source> <target> <entity> [--dry-run]');
    expect(run.stdout).toContain('errors <id> [--csv]');
  });

  it('starts a job, follows it with plain progress lines until it completes, and lists it', {
    timeout: 90_000,
  }, async () => {
    // Prepare
    crm.setResponder(
      listResponder({ path: '/api/contacts', records: crmContacts('cli', 9), style: 'offset', key: KEY, delayMs: 150 }),
    );
    // Act
    const started = await bulk(['start', 'crm', 'local', 'contacts', '--batch-size', '3']);
    const followed = await bulk(['status', jobIdOf(started), '--follow']);
    const listed = await bulk(['list']);
    // Assess
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/^started \S+\nfollow it: npm run bulk -- status \S+ --follow\n$/);
    expect(followed.code).toBe(0);
    const lines = followed.stdout.split('\n');
    // Not a terminal: no carriage returns or escapes, one line per change, a bar because the total is known.
    expect(followed.stdout).not.toContain('\r');
    expect(followed.stdout).not.toContain(String.fromCharCode(27));
    expect(lines.some((line) => /\[#+-*\] \d+%\s+\d+\/9/.test(line))).toBe(true);
    expect(followed.stdout).toContain('9/9');
    expect(followed.stdout).toContain('completed');
    expect(followed.stdout).toContain('created 9, updated 0, unchanged 0, skipped 0, errors 0, pages 3');
    expect(listed.stdout).toContain(`${jobIdOf(started)}  crm -> local contacts  completed`);
  });

  it('pauses, resumes and cancels a job', { timeout: 90_000 }, async () => {
    // Prepare
    crm.setResponder(
      listResponder({
        path: '/api/contacts',
        records: crmContacts('pause', 40),
        style: 'offset',
        key: KEY,
        delayMs: 500,
      }),
    );
    const id = jobIdOf(await bulk(['start', 'crm', 'local', 'contacts', '--batch-size', '2']));
    // Act
    const paused = await bulk(['pause', id]);
    const resumed = await bulk(['resume', id]);
    const cancelled = await bulk(['cancel', id]);
    const status = await bulk(['status', id]);
    // Assess
    expect(paused).toMatchObject({ code: 0 });
    expect(paused.stdout).toContain(' paused');
    expect(resumed.stdout).toMatch(/ (running|queued)/);
    expect(cancelled.stdout).toContain(' cancelled');
    expect(status.stdout).toContain(`${id}  crm -> local contacts  cancelled`);
  });

  it('prints a job’s per-record errors as JSON and as CSV', { timeout: 90_000 }, async () => {
    // Prepare
    const records = [...crmContacts('err', 2), { id: 'bad-1', firstName: 'B', lastName: 'C', email: 'not-an-email' }];
    crm.setResponder(listResponder({ path: '/api/contacts', records, style: 'offset', key: KEY }));
    const id = jobIdOf(await bulk(['start', 'crm', 'local', 'contacts']));
    await eventually(async () => {
      const job = await admin<{ status: string }>(stack.url, 'GET', `/admin/bulk-jobs/${id}`);
      return job.body.status === 'completed' ? job : undefined;
    }, 'the job completed');
    // Act
    const json = await bulk(['errors', id]);
    const csv = await bulk(['errors', id, '--csv']);
    // Assess
    expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({ record_id: 'bad-1', page: 1 })]);
    expect(csv.code).toBe(0);
    expect(csv.stdout.split(/\r?\n/)[0]).toContain('record_id');
    expect(csv.stdout).toContain('bad-1');
  });

  it('says the stack is not running when nothing answers, without a stack trace', async () => {
    // Prepare
    const port = await freePort();
    // Act
    const run = await bulk(['list'], { SYNC_TOOLS_URL: `http://127.0.0.1:${port}` });
    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      `sync-tools is not answering at http://127.0.0.1:${port} — is \`npm start\` running? (tried GET /health: connection refused)`,
    );
  });

  it('names a refused token, an unknown job and the field of a refused request', async () => {
    // Act
    const unauthorized = await bulk(['list'], { ADMIN_TOKEN: 'wrong-token' });
    const unknown = await bulk(['status', 'no-such-job']);
    const refused = await bulk(['start', 'crm', 'local', 'contacts', '--batch-size', '5000']);
    // Assess
    expect(unauthorized).toMatchObject({ code: 1 });
    // A wrong token is refused with 403 (a missing one with 401); either way the line names ADMIN_TOKEN.
    expect(unauthorized.stderr).toContain('the admin API refused the token (403): check ADMIN_TOKEN');
    expect(unknown).toMatchObject({ code: 1 });
    expect(unknown.stderr).toMatch(/^unknown job no-such-job: /);
    expect(refused).toMatchObject({ code: 1 });
    expect(refused.stderr).toContain('POST /admin/bulk-jobs answered 400');
    expect(refused.stderr).toContain('batch_size');
    expect(`${unauthorized.stderr}${unknown.stderr}${refused.stderr}`).not.toMatch(/\n\s+at /);
  });
});
