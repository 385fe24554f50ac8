import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { httpErrors } from '../../kernel/http/http-errors.js';
import { logger } from '../../kernel/observability.js';
import { handleAdminRequest } from './admin-api.js';

export const handler = middy(handleAdminRequest).use(injectLambdaContext(logger)).use(httpErrors());
