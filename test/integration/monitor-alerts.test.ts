import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeHttpServer, startFakeHttpServer } from '../helpers/fake-http-server.js';
import { admin, eventually } from '../helpers/http-client.js';
import { fakeCrmEnv } from '../helpers/stack-env.js';
import { type TestStack, startTestStack } from '../helpers/test-stack.js';

/**
 * The sync monitor end to end on the offline stack: CRM deliveries refused
 * with 401 (a revoked key) go through the dispatcher into the sync log and
 * the health counters; the `sync-monitor` job, run through the runtime,
 * turns unhealthy and alerts a fake Slack and a fake PagerDuty once; a run
 * with no change sends nothing; the recovery sends Slack and the resolve
 * with the trigger's dedup_key.
 */
let stack: TestStack;
let crm: FakeHttpServer;
let slack: FakeHttpServer;
let pagerduty: FakeHttpServer;

const ROUTING_KEY = 'pd-routing-key-test-0001';

interface Report {
  status: string;
  checked_at: string;
  issues: string[];
  integrations: Record<string, { status: string; errors_last_hour: number; hourly: unknown[]; issues: string[] }>;
  dlq: { depth: number };
}

const runMonitor = async () => {
  const result = await stack.triggerSchedule('sync-monitor');
  if (!result.ok) throw result.error;
  return result.value as { status: string; alerts: number };
};

const sendToCrm = async (recordId: string) => {
  const body = {
    id: `crm#contact#${recordId}#v1`,
    group: `crm#contact#${recordId}`,
    request: { kind: 'http', integration: 'crm', method: 'PUT', path: `/api/contacts/${recordId}`, body: { x: 1 } },
    context: { record_type: 'contact', record_id: recordId },
  };
  await stack.sqs.send(
    new SendMessageCommand({
      QueueUrl: stack.resources.queues.outbound?.url,
      MessageBody: JSON.stringify(body),
      MessageGroupId: body.group,
      MessageDeduplicationId: body.id,
    }),
  );
};

const dlqTotal = async (): Promise<number> => {
  const answer = await admin<{ queues: { outbound: { total: number } } }>(stack.url, 'GET', '/admin/dlq');
  return answer.body.queues.outbound.total;
};

/** Waits a moment for anything the queue would still deliver, then counts. */
const settledCount = async (server: FakeHttpServer): Promise<number> => {
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  return server.requests.length;
};

beforeAll(async () => {
  crm = await startFakeHttpServer(() => ({ status: 200, body: {} }));
  slack = await startFakeHttpServer(() => ({ status: 200, body: 'ok' }));
  pagerduty = await startFakeHttpServer(() => ({
    status: 202,
    body: { status: 'success', message: 'Event processed' },
  }));
  stack = await startTestStack({
    env: fakeCrmEnv(crm.url, {
      SETTINGS_CACHE_SECONDS: '0',
      SLACK_WEBHOOK_URL: slack.url,
      PAGERDUTY_EVENTS_URL: `${pagerduty.url}/v2/enqueue`,
      PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
    }),
  });
  await admin(stack.url, 'PUT', '/admin/settings', { error_threshold_per_hour: 2 });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await Promise.all([crm?.close(), slack?.close(), pagerduty?.close()]);
});

describe('Sync monitor: reports and alerts on change of status', () => {
  it('answers 404 naming the schedule to run before the first report', async () => {
    // Act
    const answer = await admin(stack.url, 'GET', '/admin/health');

    // Assess
    expect(answer).toMatchObject({
      status: 404,
      body: { error: 'No health report yet: run POST /admin/schedules/sync-monitor/run' },
    });
  });

  it('stores a healthy report with every integration and sends nothing', async () => {
    // Act
    const run = await runMonitor();
    const answer = await admin<Report>(stack.url, 'GET', '/admin/health');

    // Assess
    expect(run).toMatchObject({ status: 'healthy', alerts: 0 });
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('healthy');
    expect(Object.keys(answer.body.integrations).sort()).toEqual([
      'crm',
      'directory',
      'ecommerce',
      'erp',
      'hr',
      'idp',
      'pos',
      'wms',
    ]);
    expect(answer.body.integrations.crm?.hourly).toHaveLength(24);
    expect(await settledCount(slack)).toBe(0);
    expect(pagerduty.requests).toHaveLength(0);
  });

  it('turns unhealthy when CRM deliveries are refused with 401, and alerts Slack and PagerDuty exactly once', async () => {
    // Prepare: a revoked key.
    crm.setResponder(() => ({ status: 401, body: { error: 'invalid api key' } }));
    await Promise.all(['m-1', 'm-2', 'm-3'].map(sendToCrm));
    await eventually(async () => ((await dlqTotal()) === 3 ? true : undefined), 'three dead letters');

    // Act
    const run = await runMonitor();
    const [page] = await pagerduty.waitFor(() => true, 1);
    const [message] = await slack.waitFor(() => true, 1);

    // Assess
    expect(run).toMatchObject({ status: 'unhealthy', alerts: 2 });
    const report = (await admin<Report>(stack.url, 'GET', '/admin/health')).body;
    expect(report.integrations.crm).toMatchObject({ status: 'error', errors_last_hour: 3 });
    expect(report.issues).toEqual(
      expect.arrayContaining([
        'crm: 3 errors in the last hour (threshold 2)',
        expect.stringContaining('crm: all 3 deliveries in the last hour were refused with a 4xx'),
        'dlq: 3 outbound dead-lettered (GET /admin/dlq)',
      ]),
    );
    expect(page?.path).toBe('/v2/enqueue');
    expect(page?.body).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: `sync-monitor-${report.checked_at}`,
      payload: {
        summary: expect.stringContaining('crm: 3 errors in the last hour'),
        source: 'sync-tools sync monitor',
        severity: 'critical',
        custom_details: { issues: report.issues },
      },
    });
    expect((message?.body as { text?: string } | undefined)?.text).toContain('Sync unhealthy (was healthy), paging:');
    expect(await settledCount(slack)).toBe(1);
    expect(pagerduty.requests).toHaveLength(1);
  });

  it('sends nothing on a second run while the status stays unhealthy', async () => {
    // Act
    const run = await runMonitor();

    // Assess
    expect(run).toMatchObject({ status: 'unhealthy', alerts: 0 });
    expect(await settledCount(slack)).toBe(1);
    expect(pagerduty.requests).toHaveLength(1);
  });

  it('sends a Slack recovery and the PagerDuty resolve with the same dedup_key once healthy again', async () => {
    // Prepare: the key is fixed, the dead letters redriven and delivered, the threshold raised.
    crm.setResponder(() => ({ status: 200, body: {} }));
    await admin(stack.url, 'POST', '/admin/dlq/redrive');
    await crm.waitFor((r) => r.method === 'PUT' && r.headers.authorization === 'Bearer crm-test-key', 6);
    await eventually(async () => ((await dlqTotal()) === 0 ? true : undefined), 'an empty DLQ');
    await admin(stack.url, 'PUT', '/admin/settings', { error_threshold_per_hour: 10 });
    const trigger = pagerduty.requests[0]?.body as { dedup_key: string };

    // Act
    const run = await runMonitor();
    const pages = await pagerduty.waitFor(() => true, 2);
    const messages = await slack.waitFor(() => true, 2);

    // Assess
    expect(run).toMatchObject({ status: 'healthy', alerts: 2 });
    expect(pages[1]?.body).toEqual({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: trigger.dedup_key });
    expect((messages[1]?.body as { text?: string } | undefined)?.text).toContain(
      'Sync recovered: healthy again (was unhealthy).',
    );
  });

  it('lists the stored reports newest first, from `since` on', async () => {
    // Prepare
    const all = await admin<{ items: Report[] }>(stack.url, 'GET', '/admin/health/history');
    const since = all.body.items[1]?.checked_at ?? '';

    // Act
    const recent = await admin<{ items: Report[] }>(stack.url, 'GET', `/admin/health/history?since=${since}&limit=5`);

    // Assess
    expect(all.body.items.map((r) => r.status)).toEqual(['healthy', 'unhealthy', 'unhealthy', 'healthy']);
    expect(recent.body.items.map((r) => r.checked_at)).toEqual(all.body.items.slice(0, 2).map((r) => r.checked_at));
  });

  it('answers 400 naming `since` when it is not an ISO time', async () => {
    // Act
    const answer = await admin(stack.url, 'GET', '/admin/health/history?since=yesterday');

    // Assess
    expect(answer.status).toBe(400);
    expect(String(answer.body.error)).toContain('since');
  });
});
