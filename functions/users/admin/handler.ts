import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { httpErrors } from '../../kernel/http/http-errors.js';
import { logger } from '../../kernel/observability.js';
import { handleUsersAdmin } from './users-admin-api.js';

/** GET /admin/users/{id}, behind the admin authorizer. */
export const handler = middy(handleUsersAdmin).use(injectLambdaContext(logger)).use(httpErrors());
