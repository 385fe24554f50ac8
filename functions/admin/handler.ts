import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { httpErrors } from '../shared/http/http-errors.js';
import { logger } from '../shared/observability.js';
import { handleAdminRequest } from './admin-api.js';

export const handler = middy(handleAdminRequest).use(injectLambdaContext(logger)).use(httpErrors());
