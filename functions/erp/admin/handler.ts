import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { httpErrors } from '../../kernel/http/http-errors.js';
import { logger } from '../../kernel/observability.js';
import { handleErpAdmin } from './erp-admin-api.js';

/** GET /admin/orders/{orderId} and GET /admin/erp/{entity}/{id}, behind the admin authorizer. */
export const handler = middy(handleErpAdmin).use(injectLambdaContext(logger)).use(httpErrors());
