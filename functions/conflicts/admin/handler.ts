import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { httpErrors } from '../../kernel/http/http-errors.js';
import { logger } from '../../kernel/observability.js';
import { handleConflictsAdmin } from './conflicts-admin-api.js';

/** GET /admin/conflicts[/{id}] and POST /admin/conflicts/{id}/resolve, behind the admin authorizer. */
export const handler = middy(handleConflictsAdmin).use(injectLambdaContext(logger)).use(httpErrors());
