/**
 * `npm run redrive`: lists the dead-letter queues and sends dead-lettered
 * messages back, over the admin API of the running stack (offline, or any
 * URL in SYNC_TOOLS_URL); the same as `GET /admin/dlq` and
 * `POST /admin/dlq/redrive`. The admin token comes from ADMIN_TOKEN in the
 * environment or `.env` (the first one when it lists two for a rotation).
 *
 *   npm run redrive -- --list [--integration crm]
 *   npm run redrive -- [--integration crm] [--id <message id>]... [--queue streamFailures]
 */
import { parseArgs } from 'node:util';
import { CliError, adminClientFromEnv } from './admin-client.js';

const usage = `usage:
  npm run redrive -- --list [--integration <name>] [--queue outbound|streamFailures]
      list dead-lettered messages with their cause
  npm run redrive -- [--integration <name>] [--id <message id>]... [--queue outbound|streamFailures]
      send them back to their queue (all of them when no filter is given)
environment: SYNC_TOOLS_URL (default http://127.0.0.1:$PORT, PORT 3000), ADMIN_TOKEN (or in .env)`;

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

const printListing = (listing: Listing): void => {
  for (const [queue, section] of Object.entries(listing.queues)) {
    const more = section.truncated ? ` (showing the first ${section.items.length} looked at)` : '';
    process.stdout.write(`${queue} DLQ: ${section.total} message(s)${more}\n`);
    for (const item of section.items) {
      const what = [item.integration, item.request, item.record_type && `${item.record_type} ${item.record_id ?? ''}`]
        .filter(Boolean)
        .join('  ');
      process.stdout.write(
        `  ${item.message_id ?? item.sqs_message_id}  ${what}\n    ${item.cause.summary}  (dead-lettered ${item.dead_lettered_at ?? '?'}, ${item.receive_count} receives)\n`,
      );
    }
  }
  if (listing.parked_stream_failures.length > 0) {
    process.stdout.write(`parked stream failures: ${listing.parked_stream_failures.length}\n`);
    for (const parked of listing.parked_stream_failures) {
      process.stdout.write(`  ${parked.parked_at}  ${parked.function}: ${parked.reason}\n`);
    }
  }
};

const main = async (): Promise<void> => {
  let values: { list?: boolean; help?: boolean; integration?: string; id?: string[]; queue?: string };
  try {
    ({ values } = parseArgs({
      options: {
        list: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        integration: { type: 'string' },
        id: { type: 'string', multiple: true },
        queue: { type: 'string' },
      },
    }));
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n${usage}`);
  }
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const admin = adminClientFromEnv();

  if (values.list) {
    if (values.id) throw new CliError(`--id filters a redrive, not a listing\n${usage}`);
    const query = new URLSearchParams({
      ...(values.integration ? { integration: values.integration } : {}),
      ...(values.queue ? { queue: values.queue } : {}),
    }).toString();
    printListing((await admin.call('GET', `/admin/dlq${query ? `?${query}` : ''}`)) as Listing);
    return;
  }

  const body = {
    ...(values.queue ? { queue: values.queue } : {}),
    ...(values.integration ? { integration: values.integration } : {}),
    ...(values.id ? { message_ids: values.id } : {}),
  };
  // Each call moves at most a capped number; go on while a call moved some and says more may remain,
  // with the first call's cut-off, so a message that failed again meanwhile is not sent again.
  let redriven = 0;
  let before: string | undefined;
  for (;;) {
    const result = (await admin.call('POST', '/admin/dlq/redrive', {
      ...body,
      ...(before ? { before } : {}),
    })) as {
      redriven: number;
      remaining: number;
      truncated: boolean;
      before: string;
    };
    before = result.before;
    redriven += result.redriven;
    if (!result.truncated || result.redriven === 0) {
      process.stdout.write(`redriven: ${redriven}, remaining in the DLQ: ${result.remaining}\n`);
      return;
    }
  }
};

try {
  await main();
} catch (error) {
  if (!(error instanceof CliError)) throw error;
  process.stderr.write(`redrive: ${error.message}\n`);
  process.exitCode = 1;
}
