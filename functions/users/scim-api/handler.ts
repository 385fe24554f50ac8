import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '../../kernel/observability.js';
import { routeScim } from './scim-router.js';
import { scimErrors } from './scim-errors.js';

/** Every /scim/v2 route: Users, Groups and discovery, behind the SCIM bearer token. */
export const handler = middy(routeScim).use(injectLambdaContext(logger)).use(scimErrors());
