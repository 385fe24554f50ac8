import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { readJsonBody } from '../../kernel/http/json-body.js';
import { pageLimit } from '../../kernel/http/paging.js';
import { parseOr400 } from '../../kernel/http/parse-or-400.js';
import { HttpError, json } from '../../kernel/http/responses.js';
import * as z from '../../kernel/validation.js';
import { toCsv } from '../domain/csv.js';
import { jobView } from '../domain/job.js';
import { listErrors, listJobs } from '../store/job-list.js';
import { controlJob, jobOr404 } from './job-controls.js';
import { startJob } from './start-job.js';

/**
 * Bulk sync's admin routes, behind the admin authorizer: start a job
 * (`POST /admin/bulk-jobs`, and `POST /bulk-sync` with the same body), list
 * and show jobs, pause, resume and cancel one, and read its per-record
 * errors as JSON or CSV (`?format=csv` or `Accept: text/csv`).
 */
type Route = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

// Built on first use (z.lazy), not at import: a cold start pays only for the route it serves (issue 15).
const listQuery = z.lazy(() => z.object({ limit: pageLimit(50, 500) }));
const errorsQuery = z.lazy(() => z.object({ format: z.optional(z.enum(['json', 'csv'])) }));
const ERROR_COLUMNS = ['record_id', 'page', 'index', 'reason'] as const;

const idOf = (event: APIGatewayProxyEventV2): string => {
  const id = event.pathParameters?.id ?? '';
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new HttpError(404, `No bulk job ${id}`);
  return id;
};

const start: Route = async (event) => json(202, await startJob(readJsonBody(event), new Date()));

const control =
  (action: 'pause' | 'resume' | 'cancel'): Route =>
  async (event) =>
    json(200, jobView(await controlJob(idOf(event), action, new Date())));

const routes: Record<string, Route> = {
  'POST /admin/bulk-jobs': start,
  'POST /bulk-sync': start,
  'GET /admin/bulk-jobs': async (event) => {
    const { limit } = parseOr400(listQuery, event.queryStringParameters ?? {}, 'query');
    return json(200, { items: (await listJobs(limit)).map(jobView) });
  },
  'GET /admin/bulk-jobs/{id}': async (event) => json(200, jobView(await jobOr404(idOf(event)))),
  'GET /admin/bulk-jobs/{id}/errors': async (event) => {
    const id = idOf(event);
    const { format } = parseOr400(errorsQuery, event.queryStringParameters ?? {}, 'query');
    await jobOr404(id);
    const errors = await listErrors(id);
    const csv = format === 'csv' || (format === undefined && /\btext\/csv\b/.test(event.headers?.accept ?? ''));
    if (!csv) return json(200, { items: errors });
    return {
      statusCode: 200,
      headers: { 'content-type': 'text/csv; charset=utf-8' },
      body: toCsv(ERROR_COLUMNS, errors as unknown as Record<string, unknown>[]),
    };
  },
  'POST /admin/bulk-jobs/{id}/pause': control('pause'),
  'POST /admin/bulk-jobs/{id}/resume': control('resume'),
  'POST /admin/bulk-jobs/{id}/cancel': control('cancel'),
};

/**
 * Routes a bulk admin request by its API Gateway route key.
 *
 * @example
 * await handleBulkAdmin({ routeKey: 'GET /admin/bulk-jobs', ... });
 */
const handleBulkAdmin: Route = async (event) => {
  const route = routes[event.routeKey];
  if (!route) throw new HttpError(404, `No bulk admin route ${event.routeKey}`);
  return route(event);
};

export { handleBulkAdmin, listQuery as bulkListQuery, errorsQuery };
