import { randomUUID } from 'node:crypto';
import { type MessageAttributeValue, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getConflict } from '../../functions/conflicts/store/conflict-reads.js';
import { topology } from '../../lib/topology.js';
import { browserSkipReason, launchBrowser, type WatchedPage, watchedPage } from '../helpers/browser.js';
import { type FakeHttpServer, startFakeHttpServer } from '../helpers/fake-http-server.js';
import { contactPath, crmConflicts } from '../helpers/crm-conflicts.js';
import { TEST_ADMIN_TOKEN, admin, eventually } from '../helpers/http-client.js';
import { fakeCrmEnv } from '../helpers/stack-env.js';
import { type TestStack, startTestStack } from '../helpers/test-stack.js';

/**
 * The operator console in a real browser (headless Debian Chromium driven
 * by playwright-core) against the real offline stack: sign in, resolve a
 * conflict field by field, redrive the DLQ, a refused setting shown beside
 * its field, a hostile contact name shown as text, and the health overview.
 * Loopback only: Chromium resolves no host but 127.0.0.1 and localhost.
 */
const skipReason = browserSkipReason();
/** The monitor (`GET /admin/health`) is built alongside the console: its test runs once the route exists. */
const hasHealthRoute = topology.routes.some((route) => route.method === 'GET' && route.path === '/admin/health');

let stack: TestStack;
let crm: FakeHttpServer;
let browser: Browser;
let watched: WatchedPage;
let page: Page;
const conflicts = crmConflicts(
  () => stack,
  () => crm,
);
const conflictOn = conflicts.open;
const pathOf = contactPath;

/** Opens the console and signs in with the token typed into the form. */
const signIn = async (token = TEST_ADMIN_TOKEN): Promise<void> => {
  await page.goto(`${stack.url}/console`);
  await page.getByLabel('Admin token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
};

const openView = async (hash: string, heading: string | RegExp): Promise<void> => {
  // A string, evaluated in the page: the tests are type-checked without the DOM library.
  await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
};

const text = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });

/** A message in the outbound DLQ as the dispatcher leaves one: with its cause. */
const deadLetter = async (recordId: string, cause: { kind: string; status: string; reason: string }) => {
  const group = `crm#contact#${recordId}`;
  await stack.sqs.send(
    new SendMessageCommand({
      QueueUrl: stack.resources.queues.outbound?.dlq.url,
      MessageBody: JSON.stringify({
        id: `${group}#v1`,
        group,
        request: { kind: 'http', integration: 'crm', method: 'PUT', path: pathOf(recordId), body: { email: 'a@b.c' } },
        context: { record_type: 'contact', record_id: recordId },
      }),
      MessageGroupId: group,
      MessageDeduplicationId: randomUUID(),
      MessageAttributes: {
        failure_kind: text(cause.kind),
        failure_status: text(cause.status),
        failure_reason: text(cause.reason),
        failure_attempts: { DataType: 'Number', StringValue: '1' },
        failure_at: text('2026-01-01T10:00:00.000Z'),
        integration: text('crm'),
      },
    }),
  );
};

describe.skipIf(skipReason !== undefined)(
  `The operator console in Chromium${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    beforeAll(async () => {
      crm = await startFakeHttpServer();
      stack = await startTestStack({ env: fakeCrmEnv(crm.url, { SETTINGS_CACHE_SECONDS: '0' }) });
      browser = await launchBrowser();
    });

    afterAll(async () => {
      await browser?.close();
      await stack?.stop();
      await crm?.close();
    });

    beforeEach(async () => {
      conflicts.holdPushesWhileOpening();
      await watched?.context.close();
      watched = await watchedPage(browser);
      page = watched.page;
    });

    it('signs in with the typed token, keeps it in the tab only and never puts it in a URL, and refuses a wrong one', async () => {
      // Prepare
      const urls: string[] = [];
      const bearers: (string | undefined)[] = [];
      page.on('request', (request) => {
        urls.push(request.url());
        if (request.url().includes('/admin/')) bearers.push(request.headers().authorization);
      });
      // Act
      await signIn('not-the-token');
      const refused = await page.getByRole('alert').filter({ hasText: 'refused' }).textContent();
      await page.getByLabel('Admin token').fill(TEST_ADMIN_TOKEN);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('navigation', { name: 'Views' }).waitFor();
      await openView('#/schedules', 'Schedules');
      // Assess
      expect(refused).toMatch(/^The token was refused \(HTTP 40[13]\): type it again\.$/);
      expect(await page.evaluate("sessionStorage.getItem('sync-tools.admin-token')")).toBe(TEST_ADMIN_TOKEN);
      expect(await page.evaluate('localStorage.length')).toBe(0);
      expect(urls.filter((url) => url.includes(TEST_ADMIN_TOKEN))).toEqual([]);
      expect(bearers.at(-1)).toBe(`Bearer ${TEST_ADMIN_TOKEN}`);
      expect(await page.getByRole('row', { name: /conflict-resolver/ }).count()).toBe(1);
      expect(watched.errors).toEqual([]);
    });

    it('resolves a conflict field by field: local phone, remote title', async () => {
      // Prepare
      const c = await conflictOn({ phone: '222', title: 'CEO' }, { phone: '333', title: 'CFO' });
      await signIn();
      await openView('#/conflicts', 'Conflicts');
      // Act
      await page.getByRole('link', { name: c.conflictId }).click();
      await page.getByRole('heading', { level: 1, name: `Conflict ${c.conflictId}` }).waitFor();
      const phoneRow = await page.getByRole('row', { name: /^phone/ }).textContent();
      await page.getByRole('group', { name: 'Keep for phone' }).getByLabel('local').check();
      await page.getByRole('group', { name: 'Keep for title' }).getByLabel('remote').check();
      await page.getByRole('button', { name: 'Resolve with these choices' }).click();
      await page.getByRole('status').filter({ hasText: 'Conflict resolved' }).waitFor();
      // Assess
      expect(phoneRow).toContain('111');
      expect(phoneRow).toContain('222');
      expect(phoneRow).toContain('333');
      const conflict = await getConflict(c.conflictId);
      expect(conflict).toMatchObject({ status: 'resolved', resolution_type: 'manual', winner: 'merge' });
      const record = await admin(stack.url, 'GET', `/admin/records/contact/${c.recordId}`);
      expect(record.body.data).toMatchObject({ phone: '222', title: 'CFO' });
      expect(await page.getByRole('button', { name: 'All local' }).count()).toBe(0);
      expect(watched.errors).toEqual([]);
    });

    it('resolves a whole conflict with "All remote"', async () => {
      // Prepare
      const c = await conflictOn({ phone: '444' }, { phone: '555' });
      await signIn();
      await openView(`#/conflicts/${encodeURIComponent(c.conflictId)}`, `Conflict ${c.conflictId}`);
      // Act
      await page.getByRole('button', { name: 'All remote' }).click();
      await page.getByRole('status').filter({ hasText: 'Conflict resolved (remote' }).waitFor();
      // Assess
      expect(await getConflict(c.conflictId)).toMatchObject({ status: 'resolved', winner: 'remote' });
      const record = await admin(stack.url, 'GET', `/admin/records/contact/${c.recordId}`);
      expect(record.body.data).toMatchObject({ phone: '555' });
    });

    it('lists dead letters with their cause and redrives the CRM ones, which are then delivered', async () => {
      // Prepare
      const recordId = `dlq-${randomUUID().slice(0, 8)}`;
      await deadLetter(recordId, { kind: 'rejected', status: '422', reason: '{"error":"email is invalid"}' });
      await signIn();
      await openView('#/dlq', 'Dead letters');
      const row = page.getByRole('row', { name: new RegExp(recordId) });
      // Act
      // A dead letter another reader is peeking at is hidden for a moment: the page says so and refreshes on demand.
      await eventually(async () => {
        if ((await row.count()) === 1) return true;
        await page.getByRole('button', { name: 'Refresh' }).click();
        await page.getByRole('heading', { level: 1, name: 'Dead letters' }).waitFor();
        return undefined;
      }, `the dead letter of ${recordId} listed`);
      const cause = await row.textContent();
      await page.getByRole('button', { name: 'Redrive crm' }).click();
      await page.getByRole('status').filter({ hasText: 'Redriven' }).waitFor();
      // Assess
      expect(cause).toContain('rejected: HTTP 422');
      expect(cause).toContain('email is invalid');
      expect(await page.getByRole('status').textContent()).toMatch(
        /^Redriven [1-9]\d* message\(s\); \d+ left in the DLQ\.$/,
      );
      await crm.waitFor((r) => r.method === 'PUT' && r.path === pathOf(recordId));
      const listing = await admin<{ queues: { outbound: { items: { record_id?: string }[] } } }>(
        stack.url,
        'GET',
        '/admin/dlq?queue=outbound',
      );
      expect(listing.body.queues.outbound.items.map((item) => item.record_id)).not.toContain(recordId);
      expect(await row.count()).toBe(0);
    });

    it('shows a refused setting beside its field and keeps the stored value, then saves a good one', async () => {
      // Prepare
      const before = await admin<{ settings: Record<string, unknown> }>(stack.url, 'GET', '/admin/settings');
      await signIn();
      await openView('#/settings', 'Settings');
      const field = page.getByLabel('error threshold per hour');
      // Act
      await field.fill('-5');
      await page.getByRole('button', { name: 'Save settings' }).click();
      const error = page.locator('#setting-error_threshold_per_hour-error');
      await error.filter({ hasText: /\S/ }).waitFor();
      const message = await error.textContent();
      const refused = await admin<{ settings: Record<string, unknown> }>(stack.url, 'GET', '/admin/settings');
      const invalid = await field.getAttribute('aria-invalid');
      const focused = await page.evaluate('document.activeElement?.id');
      await field.fill('25');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: /^Saved: / })
        .waitFor();
      // Assess
      expect(message).toMatch(/>=\s*0/);
      expect(invalid).toBe('true');
      expect(focused).toBe('setting-error_threshold_per_hour');
      expect(refused.body.settings.error_threshold_per_hour).toBe(before.body.settings.error_threshold_per_hour);
      expect(await page.getByRole('status').textContent()).toContain('error_threshold_per_hour');
      expect(await error.textContent()).toBe('');
      const after = await admin<{ settings: Record<string, unknown> }>(stack.url, 'GET', '/admin/settings');
      expect(after.body.settings.error_threshold_per_hour).toBe(25);
    });

    it('shows a contact named <img src=x onerror=alert(1)> as that text, with its sync history, and runs nothing', async () => {
      // Prepare
      const hostile = '<img src=x onerror=alert(1)>';
      const id = `xss-${randomUUID().slice(0, 8)}`;
      const written = await admin(stack.url, 'PUT', `/admin/records/contact/${id}`, {
        first_name: hostile,
        last_name: '"><script>alert(2)</script>',
        email: `${id}@example.com`,
      });
      expect(written.status).toBe(200);
      await signIn();
      // Act
      await page.getByRole('link', { name: 'Record lookup' }).click();
      await page.getByRole('heading', { level: 1, name: 'Record lookup' }).waitFor();
      await page.getByLabel('Record type').fill('contact');
      await page.getByLabel('Record id').fill(id);
      await page.getByRole('button', { name: 'Look up' }).press('Enter');
      await page.getByRole('heading', { level: 1, name: `Record contact ${id}` }).waitFor();
      await page.waitForTimeout(300);
      // Assess
      expect(await page.getByRole('cell', { name: hostile, exact: true }).count()).toBe(1);
      expect(await page.getByRole('cell', { name: '"><script>alert(2)</script>', exact: true }).count()).toBe(1);
      expect(await page.locator('main img, main script').count()).toBe(0);
      expect(watched.dialogs).toEqual([]);
      expect(await page.getByRole('table', { name: /Sync history/ }).count()).toBe(1);
      expect(watched.errors).toEqual([]);
    });

    it('runs a schedule now from the keyboard and shows its last run', async () => {
      // Prepare
      await signIn();
      await openView('#/schedules', 'Schedules');
      // Act
      await page.getByRole('button', { name: 'Run conflict-resolver now' }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('status').filter({ hasText: 'of conflict-resolver started' }).waitFor();
      // Assess
      const row = await page.getByRole('row', { name: /conflict-resolver/ }).textContent();
      expect(row).toMatch(/manual/);
    });

    const overviewTest =
      'shows the health report: overall status, a card per integration with a 24 h chart, after running the monitor from the console';
    if (!hasHealthRoute) it.todo(`${overviewTest} (waits for GET /admin/health)`);
    else
      it(overviewTest, async () => {
        // Prepare
        await signIn();
        await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
        // Act
        const run = page.getByRole('button', { name: 'Run the monitor now' });
        await run.click();
        await page.getByRole('status').filter({ hasText: 'finished' }).waitFor({ timeout: 40_000 });
        // Assess
        const report = await admin<{ status: string; integrations: Record<string, unknown> }>(
          stack.url,
          'GET',
          '/admin/health',
        );
        expect(report.status).toBe(200);
        expect(await page.getByRole('region', { name: 'Overall status' }).textContent()).toContain(report.body.status);
        const names = Object.keys(report.body.integrations);
        expect(names.length).toBeGreaterThan(0);
        for (const name of names) {
          const card = page.getByRole('article', { name: new RegExp(`^${name}`) });
          expect(await card.count()).toBe(1);
          expect(await card.locator('svg rect.bar-events').count()).toBe(24);
          expect(await card.getByRole('img', { name: /Last 24 hours: \d+ events, \d+ errors/ }).count()).toBe(1);
        }
        expect(watched.errors).toEqual([]);
      }, 60_000);
  },
);
