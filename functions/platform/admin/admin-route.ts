import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** One admin route's handler, keyed by its API Gateway route key (`GET /admin/events`). */
export type AdminRoutes = Readonly<
  Record<string, (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>>
>;
