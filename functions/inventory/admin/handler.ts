import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { httpErrors } from '../../kernel/http/http-errors.js';
import { logger } from '../../kernel/observability.js';
import { handleInventoryAdmin } from './inventory-admin-api.js';

/** GET /admin/inventory/{sku}/{warehouse}[/transactions], behind the admin authorizer. */
export const handler = middy(handleInventoryAdmin).use(injectLambdaContext(logger)).use(httpErrors());
