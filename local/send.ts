/**
 * `npm run send -- <target> ...`: signs a test webhook exactly as the vendor
 * would and posts it to the running offline stack (or any URL in
 * SYNC_TOOLS_URL), then prints the answer. Secrets come from the
 * environment or `.env`, the same ones `npm start` reads.
 *
 *   npm run send -- crm updated contact 003A '{"firstName":"Ana","email":"ana@example.com"}'
 *   npm run send -- inventory '{"source":"erp","sku":"SKU-1","warehouse":"WH-1","type":"receipt","quantity":5}'
 *   npm run send -- erp created salesOrder SO-1001 '{"orderNumber":"SO-1001","customerId":"C-1","total":99.5,"currency":"EUR"}'
 *   npm run send -- erp updated invoice INV-7   (no payload: an id-only notification, fetched from ERP_API_URL)
 *   npm run send -- hr hire E-1001 '{"firstName":"Ada","lastName":"Lovelace","workEmail":"ada@example.com","title":"Engineer"}'
 *   npm run send -- hr terminate E-1001 '{}' --effective 2027-01-31
 *
 * The ERP sends no signature but a static key: `erp` posts with `x-api-key`
 * set to the first key of ERP_WEBHOOK_KEY, and --id becomes the body's `eventId`.
 *
 * Options: --id <webhook-id> (default: a new one; repeat it to see a duplicate),
 * --timestamp <ISO change time> (crm; default now), --effective <date or ISO
 * date-time> (hr; default today: applied at once; a later one waits as pending).
 */
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { signStandardWebhook } from '../functions/kernel/signatures/standard-webhooks.js';

const usage = `usage:
  npm run send -- crm <created|updated|deleted> <contact|account|opportunity> <crm id> '<data json>' [--id ID] [--timestamp ISO]
  npm run send -- inventory '<adjustment json>' [--id ID]
  npm run send -- hr <hire|update|terminate|rehire> <employee id> ['<employee json>'] [--effective DATE] [--id ID]
  npm run send -- erp <created|updated|deleted> <salesOrder|purchaseOrder|invoice|inventory|shipment|customer> <id> ['<payload json>'] [--id EVENT_ID]`;

const fail = (message: string): never => {
  process.stderr.write(`${message}\n${usage}\n`);
  process.exit(2);
};

const parseJson = (text: string | undefined, what: string): unknown => {
  try {
    return JSON.parse(text ?? '');
  } catch {
    return fail(`${what} is not valid JSON: ${text}`);
  }
};

/** Posts an ERP event with the webhook key (the ERP's scheme: no signature, `x-api-key`). */
const sendErp = async (base: string, rest: readonly string[], eventId: string | undefined): Promise<void> => {
  const [eventType, entity, entityId, payload] = rest;
  if (!eventType || !entity || !entityId) return fail('erp needs an event type, an entity and an id');
  const key = process.env.ERP_WEBHOOK_KEY?.split(/[\s,]+/).find((k) => k !== '');
  if (!key) return fail('ERP_WEBHOOK_KEY is not set (in the environment or .env)');
  const body = {
    eventType,
    entity,
    entityId,
    ...(eventId === undefined ? {} : { eventId }),
    ...(payload === undefined ? {} : { payload: parseJson(payload, 'the payload') }),
  };
  const response = await fetch(`${base}/webhooks/erp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: JSON.stringify(body),
  });
  const label = payload === undefined ? 'id-only notification' : 'event';
  process.stdout.write(
    `POST ${base}/webhooks/erp (${label}${eventId ? `, eventId ${eventId}` : ''})\n${response.status} ${await response.text()}\n`,
  );
  if (!response.ok) process.exitCode = 1;
};

const main = async (): Promise<void> => {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { id: { type: 'string' }, timestamp: { type: 'string' }, effective: { type: 'string' } },
  });
  const [target, ...rest] = positionals;
  const base = process.env.SYNC_TOOLS_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
  if (target === 'erp') return sendErp(base, rest, values.id);
  let path: string;
  let secretEnv: string;
  let body: unknown;
  if (target === 'crm') {
    const [event, type, id, data] = rest;
    if (!event || !type || !id) fail('crm needs an event, a type and an id');
    path = '/webhooks/crm';
    secretEnv = 'CRM_WEBHOOK_SECRET';
    body = {
      event,
      type,
      id,
      data: data ? parseJson(data, 'data') : {},
      timestamp: values.timestamp ?? new Date().toISOString(),
    };
  } else if (target === 'inventory') {
    path = '/webhooks/inventory';
    secretEnv = 'INVENTORY_WEBHOOK_SECRET';
    body = parseJson(rest[0], 'the adjustment');
  } else if (target === 'hr') {
    const [event, employeeId, employee] = rest;
    if (!event || !employeeId) fail('hr needs an event and an employee id');
    path = '/webhooks/hr';
    secretEnv = 'HR_WEBHOOK_SECRET';
    body = {
      event,
      effectiveDate: values.effective ?? new Date().toISOString().slice(0, 10),
      employee: { ...(employee ? (parseJson(employee, 'the employee') as object) : {}), employeeId },
    };
  } else {
    return fail(`unknown target ${target ?? '(none)'}`);
  }
  const secret = process.env[secretEnv]?.split(/[\s,]+/)[0];
  if (!secret) return fail(`${secretEnv} is not set (in the environment or .env)`);
  const raw = JSON.stringify(body);
  const id = values.id ?? `msg_${randomUUID()}`;
  const headers = { ...signStandardWebhook({ secret, id, body: raw }), 'content-type': 'application/json' };
  const response = await fetch(`${base}${path}`, { method: 'POST', headers, body: raw });
  process.stdout.write(`POST ${base}${path} (webhook-id ${id})\n${response.status} ${await response.text()}\n`);
  if (!response.ok) process.exitCode = 1;
};

await main();
