import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { pageLimit } from '../../kernel/http/paging.js';
import { parseOr400 } from '../../kernel/http/parse-or-400.js';
import { HttpError, json } from '../../kernel/http/responses.js';
import * as z from '../../kernel/validation.js';
import { listReports } from '../store/report-reads.js';

/**
 * The sync monitor's admin routes, behind the admin authorizer:
 * `GET /admin/health`, the latest report (404 until the monitor first ran),
 * and `GET /admin/health/history?since=<ISO>&limit=`, the stored reports
 * (30 days) newest first, from `since` on.
 */
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
const NO_REPORT = 'No health report yet: run POST /admin/schedules/sync-monitor/run';

/** An ISO 8601 date-time with a zone, as reports' `checked_at` (any zone, compared in UTC). */
const isoTime = () =>
  z.string().check(
    z.maxLength(40),
    z.refine(
      (value) =>
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) &&
        !Number.isNaN(Date.parse(value)),
      'must be an ISO date-time with a time zone, e.g. 2026-12-03T10:00:00Z',
    ),
  );
// Built on first use (z.lazy), not at import (issue 15).
const historyQuery = z.lazy(() =>
  z.object({ since: z.optional(isoTime()), limit: pageLimit(DEFAULT_LIMIT, MAX_LIMIT) }),
);

const routes: Record<string, (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>> = {
  'GET /admin/health': async () => {
    const [latest] = await listReports({ limit: 1 });
    if (!latest) throw new HttpError(404, NO_REPORT);
    return json(200, latest);
  },
  'GET /admin/health/history': async (event) => {
    const { since, limit } = parseOr400(historyQuery, event.queryStringParameters ?? {}, 'query');
    const items = await listReports({
      limit,
      ...(since === undefined ? {} : { since: new Date(since).toISOString() }),
    });
    return json(200, { items });
  },
};

/**
 * Routes a health admin request by its API Gateway route key.
 *
 * @example
 * await handleHealthAdmin({ routeKey: 'GET /admin/health', ... });
 */
const handleHealthAdmin = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const route = routes[event.routeKey];
  if (!route) throw new HttpError(404, `No health admin route ${event.routeKey}`);
  return route(event);
};

export { handleHealthAdmin, historyQuery as healthHistoryQuery };
