import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/ports.js';
import { eventually, postSignedWebhook } from '../helpers/http-client.js';
import { type OfflineProcess, pickPorts, startOfflineProcess } from '../helpers/offline-process.js';

/**
 * `npm start` with the settings of `.env.example`, as a newcomer runs it
 * (only the ports moved to free ones, so the test runs beside anything):
 * the playground plays the CRM, ERP, shop, POS, WMS, Slack and PagerDuty
 * on them; a contact sent in by CRM webhook and edited locally is pushed
 * back to the playground CRM, which keeps it; a stock adjustment reaches
 * the playground shop, POS and WMS; and every call is printed as a line.
 */
const EXAMPLE = parseEnv(readFileSync(new URL('../../.env.example', import.meta.url), 'utf8')) as Record<
  string,
  string
>;
const PLAYED_PORTS = ['4010', '4011', '4012', '4013', '4014', '4015', '4016'];

let stack: OfflineProcess;
let env: Record<string, string>;

/** `.env.example` with each playground port swapped for a free one. */
const exampleOnFreePorts = async (): Promise<Record<string, string>> => {
  const moved = new Map<string, string>();
  for (const port of PLAYED_PORTS) moved.set(port, String(await freePort()));
  return Object.fromEntries(
    Object.entries(EXAMPLE).map(([name, value]) => [
      name,
      value.replace(/127\.0\.0\.1:(\d+)/, (_all, port: string) => `127.0.0.1:${moved.get(port) ?? port}`),
    ]),
  );
};

const asAdmin = async (method: 'GET' | 'PUT', path: string, body?: unknown) => {
  const answer = await fetch(`${stack.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${env.ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
};

/** Waits for a printed playground line matching `pattern`. */
const printed = (pattern: RegExp, what: string): Promise<string> =>
  eventually(
    async () =>
      stack
        .output()
        .split('\n')
        .find((line) => pattern.test(line)),
    what,
    20_000,
  );

beforeAll(async () => {
  env = await exampleOnFreePorts();
  stack = await startOfflineProcess({ ports: await pickPorts(), env, args: ['--in-memory'] });
}, 90_000);

afterAll(async () => {
  await stack?.interrupt();
}, 30_000);

describe('npm start with .env.example: the playground', () => {
  it('lists the seven playground servers in the start banner', () => {
    // Assess
    const banner = stack.output();
    for (const [name, setting] of [
      ['crm', 'CRM_API_URL'],
      ['erp', 'ERP_API_URL'],
      ['shop', 'ECOMMERCE_API_URL'],
      ['pos', 'POS_API_URL'],
      ['wms', 'WMS_API_URL'],
      ['slack', 'SLACK_WEBHOOK_URL'],
      ['pagerduty', 'PAGERDUTY_EVENTS_URL'],
    ] as const) {
      expect(banner).toContain(`${name.padEnd(10)} ${env[setting]}`);
    }
  });

  it('keeps a CRM webhook contact edited locally, pushed back out to the playground CRM, and prints the call', async () => {
    // Prepare
    const crmId = `003${randomUUID().slice(0, 8)}`;
    const email = `ana-${crmId}@example.com`;
    const sent = await postSignedWebhook(
      `${stack.url}/webhooks/crm`,
      {
        event: 'created',
        type: 'contact',
        id: crmId,
        timestamp: new Date().toISOString(),
        data: { firstName: 'Ana', lastName: 'Lima', email },
      },
      { secret: env.CRM_WEBHOOK_SECRET as string },
    );
    expect(sent.status).toBeLessThan(300);
    const recordId = `crm-${crmId}`;
    const local = await eventually(async () => {
      const answer = await asAdmin('GET', `/admin/records/contact/${recordId}`);
      return answer.status === 200 ? answer.body : undefined;
    }, 'the webhook contact stored');
    // Act
    const edited = await asAdmin('PUT', `/admin/records/contact/${recordId}`, {
      ...(local.data as object),
      phone: '555-0100',
    });
    // Assess
    expect(edited.status).toBe(200);
    const line = await printed(new RegExp(`^playground crm +PUT /api/contacts/${crmId} {2}200 `), 'the printed PUT');
    expect(line).toContain('"phone":"555-0100"');
    const kept = await fetch(`${env.CRM_API_URL}/api/contacts/${crmId}`, {
      headers: { authorization: `Bearer ${env.CRM_API_KEY}` },
    });
    expect(kept.status).toBe(200);
    expect(await kept.json()).toMatchObject({ id: crmId, email, phone: '555-0100' });
  });

  it('fans a stock adjustment from the ERP out to the playground shop, POS and WMS, one printed line each', async () => {
    // Prepare
    const sku = `SKU-${randomUUID().slice(0, 8)}`;
    // Act
    const adjusted = await postSignedWebhook(
      `${stack.url}/webhooks/inventory`,
      { sku, source: 'erp', warehouse: 'WH-1', type: 'count', quantity: 42 },
      { secret: env.INVENTORY_WEBHOOK_SECRET as string },
    );
    // Assess
    expect(adjusted.status).toBe(200);
    const shop = await printed(new RegExp(`^playground shop +PUT /products/${sku}/inventory {2}200 `), 'shop line');
    const pos = await printed(new RegExp(`^playground pos +POST /inventory/update {2}200 .*"${sku}"`), 'POS line');
    const wms = await printed(new RegExp(`^playground wms +PUT /api/inventory {2}200 .*"${sku}"`), 'WMS line');
    expect(shop).toContain('"inventory_quantity":42');
    expect(pos).toContain('"quantity":42');
    expect(wms).toContain('"qty":42');
    expect(stack.output()).not.toMatch(new RegExp(`playground erp +PUT /api/inventory/${sku}`));
  });
});
