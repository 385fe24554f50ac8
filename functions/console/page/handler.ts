import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { httpErrors } from '../../kernel/http/http-errors.js';
import { logger } from '../../kernel/observability.js';
import { serveConsole } from './console-assets.js';

/** GET /console and GET /console/{asset}: the operator console's page, script and stylesheet. */
export const handler = middy(serveConsole).use(injectLambdaContext(logger)).use(httpErrors());
