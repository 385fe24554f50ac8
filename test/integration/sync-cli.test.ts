import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_TOKEN, TEST_CRM_SECRET, admin, eventually } from '../helpers/http-client.js';
import { webhookEnv } from '../helpers/stack-env.js';
import { type TestStack, startTestStack } from '../helpers/test-stack.js';

/**
 * `npm run sync` (local/cli.ts) as a child process against a test stack,
 * its output not a terminal: a contact sent in as a CRM webhook with
 * `send crm`, then looked at with `records show|find|list` and `events`,
 * and the dead-letter queues with `dlq list`, as tables and as --json.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let stack: TestStack;

/** Runs the CLI with `args` against the test stack. */
const sync = (args: readonly string[]): Promise<Run> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'local/cli.ts', ...args],
      {
        cwd: ROOT,
        timeout: 60_000,
        env: {
          ...process.env,
          SYNC_TOOLS_URL: stack.url,
          ADMIN_TOKEN: TEST_ADMIN_TOKEN,
          CRM_WEBHOOK_SECRET: TEST_CRM_SECRET,
        },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });

beforeAll(async () => {
  stack = await startTestStack({ env: webhookEnv() });
});

afterAll(async () => {
  await stack?.stop();
});

describe('npm run sync', () => {
  it('sends a CRM contact in, then shows it, finds it, lists it and prints its sync events', {
    timeout: 90_000,
  }, async () => {
    // Prepare
    const crmId = `003${randomUUID().slice(0, 8)}`;
    const recordId = `crm-${crmId}`;
    const sent = await sync([
      'send',
      'crm',
      'created',
      'contact',
      crmId,
      '{"firstName":"Ana","email":"ana@example.com"}',
    ]);
    // Act
    const shown = await sync(['records', 'show', 'contact', recordId]);
    const shownJson = await sync(['records', 'show', 'contact', recordId, '--json']);
    const found = await sync(['records', 'find', 'contact', '--source', 'crm', '--external-id', crmId]);
    const listed = await sync(['records', 'list', 'contact', '--limit', '50']);
    // The sync event reaches the log through the records stream, a moment after the answer.
    const events = await eventually(async () => {
      const run = await sync(['events', recordId]);
      return run.stdout.includes('synced') ? run : undefined;
    }, `the sync events of ${recordId}`);
    const missing = await sync(['records', 'show', 'contact', 'nobody-here']);
    // Assess
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/webhooks\/crm \(webhook-id msg_\S+\)\n200 /);
    expect(shown).toMatchObject({ code: 0, stderr: '' });
    expect(shown.stdout).toMatch(
      new RegExp(`^type +contact\nid +${recordId}\nversion +1\norigin +crm\nexternal +crm:${crmId}\n`),
    );
    expect(shown.stdout).toContain('"first_name": "Ana"');
    expect(shown.stdout).toContain(`events: npm run sync -- events ${recordId}`);
    expect(JSON.parse(shownJson.stdout)).toMatchObject({ record_id: recordId, external_id: crmId, version: 1 });
    expect(found.code).toBe(0);
    expect(found.stdout.split('\n')[0]).toMatch(/^ID +VERSION +ORIGIN +EXTERNAL +UPDATED +STATUS/);
    expect(found.stdout).toMatch(new RegExp(`\n${recordId} +1 +crm +crm:${crmId} +\\S+ +synced`));
    // `records list` needs the paged listing route; a stack from before it says so in one line and points to `find`.
    const listing = await admin(stack.url, 'GET', '/admin/records/contact?limit=50');
    if (listing.status === 200) {
      expect(listed).toMatchObject({ code: 0, stderr: '' });
      expect(listed.stdout).toMatch(/^ID +VERSION +ORIGIN/);
    } else {
      expect(listed).toMatchObject({ code: 1, stdout: '' });
      expect(listed.stderr).toMatch(
        /^this stack cannot list records \(GET \/admin\/records\/contact answered 400: .*records find contact --source S --external-id X`\n$/,
      );
    }
    expect(events.code).toBe(0);
    expect(events.stdout.split('\n')[0]).toMatch(/^RECEIVED +DIRECTION +SOURCE +EVENT +OUTCOME +DETAIL$/);
    expect(events.stdout).toMatch(/\n\S+ +inbound +crm +created +synced/);
    expect(missing).toEqual({ code: 1, stdout: '', stderr: 'no contact with id nobody-here\n' });
  });

  it('lists the dead-letter queues as a table and as JSON', { timeout: 60_000 }, async () => {
    // Act
    const listed = await sync(['dlq', 'list']);
    const json = await sync(['dlq', 'list', '--queue', 'outbound', '--json']);
    const refused = await sync(['dlq', 'list', '--queue', 'nowhere']);
    // Assess
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    expect(listed.stdout).toMatch(/^outbound DLQ: \d+ message\(s\)/m);
    expect(listed.stdout).toMatch(/^streamFailures DLQ: \d+ message\(s\)/m);
    expect(JSON.parse(json.stdout)).toMatchObject({ queues: { outbound: { total: expect.any(Number) } } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^GET \/admin\/dlq answered 400: .*queue/);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
  });

  it('says what is wrong with a command line in one line above the usage, exit 2', async () => {
    // Act
    const run = await sync(['records', 'lst']);
    // Assess
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr.split('\n').slice(0, 2)).toEqual([
      'unknown command lst for npm run sync -- records',
      'usage: npm run sync -- records <command> [options]',
    ]);
  });
});
