import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { HttpError } from '../../kernel/http/responses.js';
import type { AdminRoutes } from './admin-route.js';
import { dlqRoutes } from './dlq-routes.js';
import { recordRoutes } from './record-routes.js';
import { scheduleRoutes } from './schedule-routes.js';
import { settingsRoutes } from './settings-routes.js';

/**
 * The admin API: records and sync events (`record-routes.ts`),
 * run-time settings (`settings-routes.ts`), schedules
 * (`schedule-routes.ts`) and the dead-letter queues (`dlq-routes.ts`). The bearer-token authorizer has already run; this
 * module only routes by API Gateway's route key.
 */
const routes: AdminRoutes = { ...recordRoutes, ...settingsRoutes, ...scheduleRoutes, ...dlqRoutes };

/**
 * Routes an admin request by its API Gateway route key.
 *
 * @example
 * await handleAdminRequest({ routeKey: 'GET /admin/events', queryStringParameters: { record_id: 'c-1' }, ... });
 */
const handleAdminRequest = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const route = routes[event.routeKey];
  if (!route) throw new HttpError(404, `No admin route ${event.routeKey}`);
  return route(event);
};

export { handleAdminRequest };
