import { randomUUID } from 'node:crypto';
import { HttpError } from '../../kernel/http/responses.js';
import { parseOr400 } from '../../kernel/http/parse-or-400.js';
import * as z from '../../kernel/validation.js';
import { newJob } from '../domain/job.js';
import { sources } from '../sources/index.js';
import { createJob } from '../store/job-create.js';
import { sendPage } from '../store/page-queue.js';
import { LOCAL_ENTITIES, localRefusal } from '../targets/local-types.js';

/** The body of `POST /admin/bulk-jobs` and `POST /bulk-sync`. */
// Built on first use (z.lazy), not at import: listing jobs never needs it (issue 15).
const startBody = z.lazy(() =>
  z.object({
    source: z.string().check(z.minLength(1), z.maxLength(40)),
    target: z.string().check(z.minLength(1), z.maxLength(40)),
    entity: z.string().check(z.minLength(1), z.maxLength(60)),
    batch_size: z._default(z.int().check(z.gte(1), z.lte(1000)), 200),
    since: z.optional(z.iso.datetime({ offset: true })),
    dry_run: z._default(z.boolean(), false),
  }),
);

/**
 * Targets bulk sync writes to: our own store, and the CRM (from our store,
 * through the outbound queue). Other system targets are refused by name.
 */
const TARGETS = ['local', 'crm'] as const;
/** `local` as a source: our own store, read for a system target. */
const LOCAL_SOURCE = 'local';

const invalid = (field: string, message: string, extra: Record<string, unknown> = {}): HttpError =>
  new HttpError(400, `Invalid body: ${field}: ${message}`, { issues: [{ path: field, message }], ...extra });

/**
 * Checks a start request, stores the job with its lock (409 when a job for
 * the same source, target and entity runs) and queues its first page.
 *
 * @example
 * await startJob({ source: 'crm', target: 'local', entity: 'contacts' }, new Date()); // { job_id, status: 'queued' }
 */
const startJob = async (body: unknown, now: Date): Promise<{ job_id: string; status: 'queued' }> => {
  const request = parseOr400(startBody, body, 'body');
  const source = sources[request.source];
  if (!source && request.source !== LOCAL_SOURCE) {
    throw invalid('source', `unknown system ${request.source}`, { known: [...Object.keys(sources), LOCAL_SOURCE] });
  }
  const readable = source ? Object.keys(source.entities) : Object.keys(LOCAL_ENTITIES);
  if (!readable.includes(request.entity)) {
    throw invalid('entity', `${request.source} cannot read ${request.entity} (it reads ${readable.join(', ')})`, {
      known: readable,
    });
  }
  if (!(TARGETS as readonly string[]).includes(request.target) || request.target === request.source) {
    throw invalid('target', `unknown or unsupported target ${request.target} for ${request.source}`, {
      known: TARGETS,
    });
  }
  // Our store takes what has a mapping, a stock level or an ERP entity; the CRM takes our own records.
  const refusal =
    request.target === 'local'
      ? localRefusal(request.source, request.entity)
      : source
        ? `${request.target} cannot take ${request.source} ${request.entity}`
        : undefined;
  if (refusal !== undefined) throw invalid('target', refusal);
  const job = newJob(request, randomUUID(), now);

  if (!(await createJob(job))) {
    throw new HttpError(409, `A bulk job for ${job.source} -> ${job.target} ${job.entity} is running`);
  }
  await sendPage({ job_id: job.job_id, page: 1, cursor: null });
  return { job_id: job.job_id, status: 'queued' };
};

export { startJob, startBody };
