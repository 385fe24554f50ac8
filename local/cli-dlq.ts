/**
 * The dead-letter queues from the command line: `npm run sync -- dlq list`
 * and `dlq redrive` (the same as `GET /admin/dlq` and
 * `POST /admin/dlq/redrive`), and `redrive`, the command `npm run redrive`
 * has always been (`--list` lists, otherwise it redrives), kept so old
 * habits and scripts still work.
 */
import { type AdminClient, CliError, adminClientFromEnv } from './admin-client.js';
import type { CommandContext, CommandSpec, OptionSpec } from './cli-spec.js';
import { table } from './cli-table.js';

const ENV = ['SYNC_TOOLS_URL', 'PORT', 'ADMIN_TOKEN'] as const;

interface Listed {
  readonly sqs_message_id: string;
  readonly message_id?: string;
  readonly integration?: string;
  readonly request?: string;
  readonly record_type?: string;
  readonly record_id?: string;
  readonly cause: { readonly summary: string };
  readonly dead_lettered_at?: string;
  readonly receive_count: number;
}

interface Listing {
  readonly queues: Record<string, { total: number; truncated: boolean; items: Listed[] }>;
  readonly parked_stream_failures: { parked_at: string; function: string; reason: string }[];
}

const queueOption: OptionSpec = {
  name: 'queue',
  type: 'string',
  value: 'outbound|streamFailures',
  description: 'one dead-letter queue (default: both for a listing, outbound for a redrive)',
};
const integrationOption: OptionSpec = {
  name: 'integration',
  type: 'string',
  value: 'NAME',
  description: "only one integration's messages (crm, erp, ...)",
};
const idOption: OptionSpec = {
  name: 'id',
  type: 'string',
  multiple: true,
  value: 'MESSAGE_ID',
  description: 'only these messages (repeat it for more)',
};

/** The listing as a table per queue, then the parked stream failures. */
const printListing = (out: CommandContext['out'], listing: Listing): void => {
  for (const [queue, section] of Object.entries(listing.queues)) {
    const more = section.truncated ? ` (showing the first ${section.items.length} looked at)` : '';
    out.write(`${queue} DLQ: ${section.total} message(s)${more}\n`);
    if (section.items.length === 0) continue;
    const rows = table(
      section.items,
      [
        { header: 'MESSAGE', cell: (item) => item.message_id ?? item.sqs_message_id },
        { header: 'INTEGRATION', cell: (item) => item.integration },
        { header: 'RECORD', cell: (item) => item.record_type && `${item.record_type} ${item.record_id ?? ''}` },
        { header: 'DEAD-LETTERED', cell: (item) => item.dead_lettered_at },
        { header: 'RECEIVES', cell: (item) => item.receive_count },
        { header: 'CAUSE', cell: (item) => item.cause.summary },
      ],
      '',
    );
    out.write(rows.replace(/^/gm, '  '));
  }
  if (listing.parked_stream_failures.length > 0) {
    out.write(`parked stream failures: ${listing.parked_stream_failures.length}\n`);
    for (const parked of listing.parked_stream_failures) {
      out.write(`  ${parked.parked_at}  ${parked.function}: ${parked.reason}\n`);
    }
  }
};

const list = async (context: CommandContext, admin: AdminClient): Promise<number> => {
  const { integration, queue, limit } = context.values as Record<string, string | undefined>;
  const query = new URLSearchParams({
    ...(integration ? { integration } : {}),
    ...(queue ? { queue } : {}),
    ...(limit ? { limit } : {}),
  }).toString();
  const listing = (await admin.call('GET', `/admin/dlq${query ? `?${query}` : ''}`)) as Listing;
  if (context.json) context.out.write(`${JSON.stringify(listing, null, 2)}\n`);
  else printListing(context.out, listing);
  return 0;
};

/**
 * Each call moves at most a capped number; go on while a call moved some
 * and says more may remain, with the first call's cut-off, so a message
 * that failed again meanwhile is not sent again.
 */
const redrive = async (context: CommandContext, admin: AdminClient): Promise<number> => {
  const { integration, queue } = context.values as Record<string, string | undefined>;
  const ids = context.values.id as string[] | undefined;
  const body = {
    ...(queue ? { queue } : {}),
    ...(integration ? { integration } : {}),
    ...(ids ? { message_ids: ids } : {}),
  };
  let redriven = 0;
  let before: string | undefined;
  for (;;) {
    const result = (await admin.call('POST', '/admin/dlq/redrive', { ...body, ...(before ? { before } : {}) })) as {
      redriven: number;
      remaining: number;
      truncated: boolean;
      before: string;
    };
    before = result.before;
    redriven += result.redriven;
    if (!result.truncated || result.redriven === 0) {
      if (context.json) context.out.write(`${JSON.stringify({ redriven, remaining: result.remaining }, null, 2)}\n`);
      else context.out.write(`redriven: ${redriven}, remaining in the DLQ: ${result.remaining}\n`);
      return 0;
    }
  }
};

const dlqList: CommandSpec = {
  name: 'list',
  summary: 'dead-lettered messages with their cause, and parked stream failures',
  options: [
    queueOption,
    integrationOption,
    { name: 'limit', type: 'string', value: 'N', description: 'at most N messages per queue (default 50)' },
  ],
  examples: ['--queue outbound'],
  env: ENV,
  run: async (context) => list(context, adminClientFromEnv()),
};

const dlqRedrive: CommandSpec = {
  name: 'redrive',
  summary: 'send dead-lettered messages back to their queue (all, when no filter is given)',
  options: [queueOption, integrationOption, idOption],
  examples: ['--integration crm'],
  env: ENV,
  run: async (context) => redrive(context, adminClientFromEnv()),
};

/**
 * The `dlq` command group.
 *
 * @example
 * // npm run sync -- dlq list --queue outbound
 */
const dlqCommand: CommandSpec = {
  name: 'dlq',
  summary: 'list the dead-letter queues and redrive them',
  description: 'What could not be delivered and why, and sending it again once the other system is back.',
  examples: ['list', 'redrive --integration crm'],
  env: ENV,
  commands: [dlqList, dlqRedrive],
};

/**
 * `redrive`, as `npm run redrive` always was: `--list` lists, otherwise it redrives.
 *
 * @example
 * // npm run redrive -- --list --integration crm
 */
const redriveCommand: CommandSpec = {
  name: 'redrive',
  summary: 'as `dlq list` with --list, else as `dlq redrive` (what `npm run redrive` does)',
  options: [
    { name: 'list', type: 'boolean', description: 'list instead of redriving' },
    integrationOption,
    idOption,
    queueOption,
  ],
  examples: ['--list --integration crm', '--integration crm --id 4f1c2b7e-0d9a'],
  env: ENV,
  run: async (context) => {
    if (context.values.list && context.values.id) throw new CliError('--id filters a redrive, not a listing');
    const admin = adminClientFromEnv();
    return context.values.list ? list(context, admin) : redrive(context, admin);
  },
};

export { dlqCommand, redriveCommand };
