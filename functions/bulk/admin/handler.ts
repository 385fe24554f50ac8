import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { httpErrors } from '../../kernel/http/http-errors.js';
import { logger } from '../../kernel/observability.js';
import { handleBulkAdmin } from './bulk-admin-api.js';

/** The bulk sync admin routes (see `bulk-admin-api.ts`), behind the admin authorizer. */
export const handler = middy(handleBulkAdmin).use(injectLambdaContext(logger)).use(httpErrors());
