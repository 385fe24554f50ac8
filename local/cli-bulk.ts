/**
 * `npm run sync -- bulk ...` (alias `npm run bulk -- ...`): starts and
 * watches bulk sync jobs over the admin API of the running stack; the same
 * as `POST /admin/bulk-jobs` and its siblings.
 */
import { AdminApiError, type AdminClient, CliError, adminClientFromEnv } from './admin-client.js';
import { type BulkJobView as Job, followExitCode, followJob } from './bulk-progress.js';
import type { ArgSpec, CommandContext, CommandSpec } from './cli-spec.js';

const ENV = ['SYNC_TOOLS_URL', 'PORT', 'ADMIN_TOKEN'] as const;
const idArg: ArgSpec = { name: 'id', description: "the job's id (as `bulk start` or `bulk list` printed it)" };

/** The admin API with an unknown job named as such: a 404 on a job's path is the job, not the route. */
const jobsApi = (): AdminClient => {
  const admin = adminClientFromEnv();
  return {
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
  };
};

const counts = (job: Job): string =>
  `created ${job.created}, updated ${job.updated}, unchanged ${job.unchanged}, skipped ${job.skipped}, errors ${job.errors}, pages ${job.pages}`;

const describe = (job: Job): string => {
  const dry = job.dry_run ? ' (dry run)' : '';
  const of = job.total === undefined ? '' : ` of ${job.total}`;
  const waiting = job.waiting_until ? `\n  source asked to wait until ${job.waiting_until}` : '';
  const failure = job.failure ? `\n  failure: ${job.failure}` : '';
  return `${job.job_id}  ${job.source} -> ${job.target} ${job.entity}${dry}  ${job.status}\n  processed ${job.processed}${of} at ${job.records_per_second} records/s; ${counts(job)}${waiting}${failure}`;
};

/** Prints a job: its description, or its JSON with --json. */
const printJob = (context: CommandContext, job: Job): void => {
  context.out.write(context.json ? `${JSON.stringify(job, null, 2)}\n` : `${describe(job)}\n`);
};

/** How often --follow asks: BULK_FOLLOW_INTERVAL_MS, default 1000 (read when asked: `.env` is loaded by then). */
const followIntervalMs = (): number => Number(process.env.BULK_FOLLOW_INTERVAL_MS ?? 1000);

const jobPath = (context: CommandContext): string => `/admin/bulk-jobs/${encodeURIComponent(context.args.id ?? '')}`;

const start: CommandSpec = {
  name: 'start',
  summary: 'start a job; prints its id',
  args: [
    { name: 'source', description: 'where the records come from: crm, erp, ...' },
    { name: 'target', description: 'where they go: local (the store), ...' },
    { name: 'entity', description: 'what is copied: contacts, accounts, ...' },
  ],
  options: [
    { name: 'dry-run', type: 'boolean', description: 'count what would change, write nothing' },
    { name: 'batch-size', type: 'string', value: '<1-1000>', description: 'records per page asked of the source' },
    { name: 'since', type: 'string', value: '<ISO time>', description: 'only records changed since then' },
  ],
  examples: ['crm local contacts --dry-run'],
  env: ENV,
  run: async (context) => {
    const { source, target, entity } = context.args;
    const size = context.values['batch-size'] as string | undefined;
    const batchSize = size === undefined ? undefined : Number(size);
    if (batchSize !== undefined && !Number.isInteger(batchSize)) {
      throw new CliError(`--batch-size must be a whole number, not ${size}`);
    }
    const body = {
      source,
      target,
      entity,
      dry_run: context.values['dry-run'] === true,
      ...(batchSize === undefined ? {} : { batch_size: batchSize }),
      ...(context.values.since === undefined ? {} : { since: context.values.since }),
    };
    const started = (await jobsApi().call('POST', '/admin/bulk-jobs', body)) as { job_id: string };
    if (context.json) {
      context.out.write(`${JSON.stringify(started, null, 2)}\n`);
      return 0;
    }
    context.out.write(`started ${started.job_id}${body.dry_run ? ' (dry run)' : ''}\n`);
    context.out.write(`follow it: ${context.prog} status ${started.job_id} --follow\n`);
    return 0;
  },
};

const status: CommandSpec = {
  name: 'status',
  summary: "a job's status and counts; --follow shows progress until it ends",
  args: [idArg],
  options: [
    {
      name: 'follow',
      type: 'boolean',
      short: 'f',
      description: 'show progress until the job ends (exit 0 only when it completed)',
    },
  ],
  examples: ['bj_01J9ZX3 --follow'],
  env: [...ENV, 'BULK_FOLLOW_INTERVAL_MS'],
  run: async (context) => {
    const admin = jobsApi();
    const read = async () => (await admin.call('GET', jobPath(context))) as Job;
    if (context.values.follow) {
      // Until the job ends: a bar redrawn in place on a terminal, one line per change otherwise.
      const job = await followJob(read, context.out, { intervalMs: followIntervalMs() });
      printJob(context, job);
      return followExitCode(job);
    }
    printJob(context, await read());
    return 0;
  },
};

const list: CommandSpec = {
  name: 'list',
  summary: 'the newest jobs',
  examples: [''],
  env: ENV,
  run: async (context) => {
    const answer = (await jobsApi().call('GET', '/admin/bulk-jobs')) as { items: Job[] };
    if (context.json) context.out.write(`${JSON.stringify(answer, null, 2)}\n`);
    else if (answer.items.length === 0) context.out.write('no bulk jobs\n');
    else for (const job of answer.items) context.out.write(`${describe(job)}\n`);
    return 0;
  },
};

/** pause, resume, cancel: the same call on the job's path. */
const control = (name: 'pause' | 'resume' | 'cancel', summary: string): CommandSpec => ({
  name,
  summary,
  args: [idArg],
  examples: ['bj_01J9ZX3'],
  env: ENV,
  run: async (context) => {
    printJob(context, (await jobsApi().call('POST', `${jobPath(context)}/${name}`)) as Job);
    return 0;
  },
});

const errors: CommandSpec = {
  name: 'errors',
  summary: "the job's per-record errors (JSON, or CSV with --csv)",
  args: [idArg],
  options: [{ name: 'csv', type: 'boolean', description: 'as CSV, one row per record' }],
  examples: ['bj_01J9ZX3 --csv'],
  env: ENV,
  run: async (context) => {
    const admin = jobsApi();
    if (context.values.csv) {
      const csv = String(await admin.call('GET', `${jobPath(context)}/errors?format=csv`));
      // The last row ends the output: a shell prompt or the next command's output starts on its own line.
      context.out.write(csv.endsWith('\n') ? csv : `${csv}\n`);
      return 0;
    }
    const { items } = (await admin.call('GET', `${jobPath(context)}/errors`)) as { items: unknown[] };
    context.out.write(`${JSON.stringify(items, null, 2)}\n`);
    return 0;
  },
};

/**
 * The `bulk` command group.
 *
 * @example
 * // npm run sync -- bulk start crm local contacts --dry-run
 */
const bulkCommand: CommandSpec = {
  name: 'bulk',
  summary: 'start, follow, pause, resume and cancel bulk sync jobs',
  description: 'Start and watch bulk sync jobs (copy every record of an entity from a source), over the admin API.',
  examples: ['start crm local contacts', 'status bj_01J9ZX3 --follow'],
  env: [...ENV, 'BULK_FOLLOW_INTERVAL_MS'],
  commands: [
    start,
    status,
    list,
    control('pause', 'pause a running job'),
    control('resume', 'resume a paused job'),
    control('cancel', 'cancel a job'),
    errors,
  ],
};

export { bulkCommand };
