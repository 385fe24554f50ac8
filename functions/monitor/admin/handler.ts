import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { httpErrors } from '../../kernel/http/http-errors.js';
import { logger } from '../../kernel/observability.js';
import { handleHealthAdmin } from './health-admin-api.js';

/** GET /admin/health and GET /admin/health/history, behind the admin authorizer. */
export const handler = middy(handleHealthAdmin).use(injectLambdaContext(logger)).use(httpErrors());
