import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logger } from '../../kernel/observability.js';
import { authorizeAdmin } from './authorize.js';

export const handler = middy(authorizeAdmin).use(injectLambdaContext(logger));
