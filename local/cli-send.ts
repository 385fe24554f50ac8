/**
 * `npm run sync -- send <target> ...` (alias `npm run send -- <target>
 * ...`): signs a test webhook exactly as the vendor would and posts it to
 * the running stack, then prints the answer. Secrets come from the
 * environment or `.env`, the same ones `npm start` reads. The ERP sends no
 * signature but a static key: `erp` posts with `x-api-key`, and --id
 * becomes the body's `eventId`.
 */
import { randomUUID } from 'node:crypto';
import { signStandardWebhook } from '../functions/kernel/signatures/standard-webhooks.js';
import { CliError, fetchOrExplain, loadCliEnv, stackBase } from './admin-client.js';
import type { CommandContext, CommandSpec, OptionSpec } from './cli-spec.js';

const BASE_ENV = ['SYNC_TOOLS_URL', 'PORT'] as const;
const idOption: OptionSpec = {
  name: 'id',
  type: 'string',
  value: 'ID',
  description: 'the webhook id (default: a new one; repeat one to see a duplicate)',
};

const parseJson = (text: string | undefined, what: string): unknown => {
  try {
    return JSON.parse(text ?? '');
  } catch {
    throw new CliError(`${what} is not valid JSON: ${text}`);
  }
};

const firstOf = (name: string): string => {
  const value = process.env[name]?.split(/[\s,]+/).find(Boolean);
  if (!value) throw new CliError(`${name} is not set (in the environment or .env; see .env.example)`);
  return value;
};

/** Posts and prints the answer as today: the request line, then status and body. */
const post = async (
  context: CommandContext,
  path: string,
  headers: Record<string, string>,
  raw: string,
  label: string,
): Promise<number> => {
  const base = stackBase();
  const response = await fetchOrExplain(base, path, { method: 'POST', headers, body: raw });
  const text = await response.text();
  if (context.json) {
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: the text as it came.
    }
    context.out.write(`${JSON.stringify({ status: response.status, body }, null, 2)}\n`);
  } else {
    context.out.write(`POST ${base}${path} (${label})\n${response.status} ${text}\n`);
  }
  return response.ok ? 0 : 1;
};

/** Signs `body` with Standard Webhooks under the secret in `secretEnv` and posts it. */
const postSigned = async (context: CommandContext, path: string, secretEnv: string, body: unknown) => {
  loadCliEnv();
  const secret = firstOf(secretEnv);
  const raw = JSON.stringify(body);
  const id = (context.values.id as string | undefined) ?? `msg_${randomUUID()}`;
  const headers = { ...signStandardWebhook({ secret, id, body: raw }), 'content-type': 'application/json' };
  return post(context, path, headers, raw, `webhook-id ${id}`);
};

const crm: CommandSpec = {
  name: 'crm',
  summary: 'a signed CRM webhook (contact, account, opportunity)',
  args: [
    { name: 'event', description: 'created, updated or deleted' },
    { name: 'type', description: 'contact, account or opportunity' },
    { name: 'crm-id', description: "the record's id in the CRM" },
    { name: 'data', description: "the record's fields as JSON (default {})", optional: true },
  ],
  options: [
    idOption,
    { name: 'timestamp', type: 'string', value: 'ISO', description: 'the change time (default now)' },
  ],
  examples: [`updated contact 003A '{"firstName":"Ana","email":"ana@example.com"}'`],
  env: [...BASE_ENV, 'CRM_WEBHOOK_SECRET'],
  run: async (context) => {
    const { event, type, 'crm-id': id, data } = context.args;
    return postSigned(context, '/webhooks/crm', 'CRM_WEBHOOK_SECRET', {
      event,
      type,
      id,
      data: data ? parseJson(data, 'data') : {},
      timestamp: (context.values.timestamp as string | undefined) ?? new Date().toISOString(),
    });
  },
};

const inventory: CommandSpec = {
  name: 'inventory',
  summary: 'a signed stock adjustment',
  args: [{ name: 'adjustment', description: 'the adjustment as JSON' }],
  options: [idOption],
  examples: [`'{"source":"erp","sku":"SKU-1","warehouse":"WH-1","type":"receipt","quantity":5}'`],
  env: [...BASE_ENV, 'INVENTORY_WEBHOOK_SECRET'],
  run: async (context) =>
    postSigned(
      context,
      '/webhooks/inventory',
      'INVENTORY_WEBHOOK_SECRET',
      parseJson(context.args.adjustment, 'the adjustment'),
    ),
};

const hr: CommandSpec = {
  name: 'hr',
  summary: 'a signed HR event (hire, update, terminate, rehire)',
  args: [
    { name: 'event', description: 'hire, update, terminate or rehire' },
    { name: 'employee-id', description: "the employee's id" },
    { name: 'employee', description: "the employee's fields as JSON (default {})", optional: true },
  ],
  options: [
    {
      name: 'effective',
      type: 'string',
      value: 'DATE',
      description: 'a date or ISO date-time (default today: applied at once; a later one waits as pending)',
    },
    idOption,
  ],
  examples: [
    `hire E-1001 '{"firstName":"Ada","lastName":"Lovelace","workEmail":"ada@example.com","title":"Engineer"}'`,
    `terminate E-1001 '{}' --effective 2027-01-31`,
  ],
  env: [...BASE_ENV, 'HR_WEBHOOK_SECRET'],
  run: async (context) => {
    const { event, 'employee-id': employeeId, employee } = context.args;
    return postSigned(context, '/webhooks/hr', 'HR_WEBHOOK_SECRET', {
      event,
      effectiveDate: (context.values.effective as string | undefined) ?? new Date().toISOString().slice(0, 10),
      employee: { ...(employee ? (parseJson(employee, 'the employee') as object) : {}), employeeId },
    });
  },
};

const erp: CommandSpec = {
  name: 'erp',
  summary: 'an ERP event with the webhook key (no payload: an id-only notification)',
  args: [
    { name: 'event', description: 'created, updated or deleted' },
    { name: 'entity', description: 'salesOrder, purchaseOrder, invoice, inventory, shipment or customer' },
    { name: 'id', description: "the entity's id" },
    { name: 'payload', description: 'the entity as JSON (none: fetched from ERP_API_URL)', optional: true },
  ],
  options: [{ ...idOption, value: 'EVENT_ID', description: "the body's eventId (repeat one to see a duplicate)" }],
  examples: [
    `created salesOrder SO-1001 '{"orderNumber":"SO-1001","customerId":"C-1","total":99.5,"currency":"EUR"}'`,
    'updated invoice INV-7',
  ],
  env: [...BASE_ENV, 'ERP_WEBHOOK_KEY'],
  run: async (context) => {
    loadCliEnv();
    const key = firstOf('ERP_WEBHOOK_KEY');
    const { event: eventType, entity, id: entityId, payload } = context.args;
    const eventId = context.values.id as string | undefined;
    const body = {
      eventType,
      entity,
      entityId,
      ...(eventId === undefined ? {} : { eventId }),
      ...(payload === undefined ? {} : { payload: parseJson(payload, 'the payload') }),
    };
    const label = `${payload === undefined ? 'id-only notification' : 'event'}${eventId ? `, eventId ${eventId}` : ''}`;
    return post(
      context,
      '/webhooks/erp',
      { 'content-type': 'application/json', 'x-api-key': key },
      JSON.stringify(body),
      label,
    );
  },
};

/**
 * The `send` command group.
 *
 * @example
 * // npm run sync -- send crm updated contact 003A '{"firstName":"Ana"}'
 */
const sendCommand: CommandSpec = {
  name: 'send',
  summary: 'post a signed test webhook to the stack, as the vendor would',
  description:
    'Post a test webhook to the running stack, signed (or keyed) exactly as the vendor would, and print the answer.\nThe secrets are the ones `npm start` reads, from the environment or .env.',
  examples: [`crm updated contact 003A '{"firstName":"Ana","email":"ana@example.com"}'`],
  env: [...BASE_ENV, 'CRM_WEBHOOK_SECRET', 'INVENTORY_WEBHOOK_SECRET', 'HR_WEBHOOK_SECRET', 'ERP_WEBHOOK_KEY'],
  commands: [crm, inventory, hr, erp],
};

export { sendCommand };
