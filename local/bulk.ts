/**
 * `npm run bulk`: starts and watches bulk sync jobs over the admin API of
 * the running stack (offline, or any URL in SYNC_TOOLS_URL); the same as
 * `POST /admin/bulk-jobs` and its siblings. The admin token comes from
 * ADMIN_TOKEN in the environment or `.env` (the first one when it lists
 * two for a rotation).
 *
 *   npm run bulk -- start crm local contacts [--dry-run] [--batch-size 200] [--since ISO]
 *   npm run bulk -- status <id> [--follow]
 */
import { parseArgs } from 'node:util';
import { AdminApiError, type AdminClient, CliError, adminClientFromEnv } from './admin-client.js';
import { type BulkJobView as Job, followExitCode, followJob } from './bulk-progress.js';

const usage = `usage:
  npm run bulk -- start <source> <target> <entity> [--dry-run] [--batch-size <1-1000>] [--since <ISO time>]
      start a job (e.g. start crm local contacts); prints its id
  npm run bulk -- status <id> [--follow]
      the job's status and counts; --follow shows progress until the job ends
  npm run bulk -- list                 the newest jobs
  npm run bulk -- pause <id> | resume <id> | cancel <id>
  npm run bulk -- errors <id> [--csv]  the job's per-record errors (JSON, or CSV with --csv)
environment: SYNC_TOOLS_URL (default http://127.0.0.1:$PORT, PORT 3000), ADMIN_TOKEN (or in .env),
  BULK_FOLLOW_INTERVAL_MS (how often --follow asks, default 1000)`;

/**
 * The admin API with an unknown job named as such: a 404 on a job's path is
 * the job, not the route.
 */
const jobsApi = (admin: AdminClient): AdminClient => ({
  base: admin.base,
  call: async (method, path, body) => {
    try {
      return await admin.call(method, path, body);
    } catch (error) {
      if (error instanceof AdminApiError && error.status === 404 && path.startsWith('/admin/bulk-jobs/')) {
        throw new CliError(`unknown job ${decodeURIComponent(path.split('/')[3] ?? '')}: ${error.detail}`);
      }
      throw error;
    }
  },
});

const counts = (job: Job): string =>
  `created ${job.created}, updated ${job.updated}, unchanged ${job.unchanged}, skipped ${job.skipped}, errors ${job.errors}, pages ${job.pages}`;

const describe = (job: Job): string => {
  const dry = job.dry_run ? ' (dry run)' : '';
  const of = job.total === undefined ? '' : ` of ${job.total}`;
  const waiting = job.waiting_until ? `\n  source asked to wait until ${job.waiting_until}` : '';
  const failure = job.failure ? `\n  failure: ${job.failure}` : '';
  return `${job.job_id}  ${job.source} -> ${job.target} ${job.entity}${dry}  ${job.status}\n  processed ${job.processed}${of} at ${job.records_per_second} records/s; ${counts(job)}${waiting}${failure}`;
};

/** How often --follow asks: BULK_FOLLOW_INTERVAL_MS, default 1000 (read when asked: `.env` is loaded by then). */
const followIntervalMs = (): number => Number(process.env.BULK_FOLLOW_INTERVAL_MS ?? 1000);

const main = async (): Promise<number> => {
  let parsed: ReturnType<typeof parseCli>;
  try {
    parsed = parseCli();
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n${usage}`);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(`${usage}\n`);
    return values.help || command === 'help' ? 0 : 2;
  }
  const admin = jobsApi(adminClientFromEnv());
  const needId = (): string => {
    const id = rest[0];
    if (!id) throw new CliError(`${command} needs a job id\n${usage}`);
    return encodeURIComponent(id);
  };

  switch (command) {
    case 'start': {
      const [source, target, entity] = rest;
      if (!source || !target || !entity) throw new CliError(`start needs <source> <target> <entity>\n${usage}`);
      const batchSize = values['batch-size'] === undefined ? undefined : Number(values['batch-size']);
      if (batchSize !== undefined && !Number.isInteger(batchSize)) {
        throw new CliError(`--batch-size must be a whole number, not ${values['batch-size']}`);
      }
      const body = {
        source,
        target,
        entity,
        dry_run: values['dry-run'] === true,
        ...(batchSize === undefined ? {} : { batch_size: batchSize }),
        ...(values.since === undefined ? {} : { since: values.since }),
      };
      const started = (await admin.call('POST', '/admin/bulk-jobs', body)) as { job_id: string };
      process.stdout.write(`started ${started.job_id}${body.dry_run ? ' (dry run)' : ''}\n`);
      process.stdout.write(`follow it: npm run bulk -- status ${started.job_id} --follow\n`);
      return 0;
    }
    case 'status': {
      const id = needId();
      if (values.follow) {
        // Until the job ends: a bar redrawn in place on a terminal, one line per change otherwise.
        const read = async () => (await admin.call('GET', `/admin/bulk-jobs/${id}`)) as Job;
        const job = await followJob(read, process.stdout, { intervalMs: followIntervalMs() });
        process.stdout.write(`${describe(job)}\n`);
        return followExitCode(job);
      }
      process.stdout.write(`${describe((await admin.call('GET', `/admin/bulk-jobs/${id}`)) as Job)}\n`);
      return 0;
    }
    case 'list': {
      const { items } = (await admin.call('GET', '/admin/bulk-jobs')) as { items: Job[] };
      if (items.length === 0) process.stdout.write('no bulk jobs\n');
      for (const job of items) process.stdout.write(`${describe(job)}\n`);
      return 0;
    }
    case 'pause':
    case 'resume':
    case 'cancel': {
      const job = (await admin.call('POST', `/admin/bulk-jobs/${needId()}/${command}`)) as Job;
      process.stdout.write(`${describe(job)}\n`);
      return 0;
    }
    case 'errors': {
      const id = needId();
      if (values.csv) {
        const csv = String(await admin.call('GET', `/admin/bulk-jobs/${id}/errors?format=csv`));
        // The last row ends the output: a shell prompt or the next command's output starts on its own line.
        process.stdout.write(csv.endsWith('\n') ? csv : `${csv}\n`);
        return 0;
      }
      const { items } = (await admin.call('GET', `/admin/bulk-jobs/${id}/errors`)) as { items: unknown[] };
      process.stdout.write(`${JSON.stringify(items, null, 2)}\n`);
      return 0;
    }
    default:
      throw new CliError(`unknown command ${command}\n${usage}`);
  }
};

const parseCli = () =>
  parseArgs({
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      'dry-run': { type: 'boolean' },
      'batch-size': { type: 'string' },
      since: { type: 'string' },
      follow: { type: 'boolean', short: 'f' },
      csv: { type: 'boolean' },
    },
  });

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof CliError ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
