import { randomUUID } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { HttpError } from '../../kernel/http/responses.js';
import { logger } from '../../kernel/observability.js';
import { ScimError } from '../scim/scim-error.js';
import { UserNameTakenError, VersionMovedError } from '../store/items.js';
import { scimJson } from './scim-answers.js';

/**
 * The SCIM service's refusal for any error, or undefined for our own
 * failures. The kernel's `HttpError` (a body too large, not JSON) keeps
 * its status and becomes a SCIM error body; a 400 from the body readers is
 * `invalidSyntax`.
 */
const scimErrorOf = (error: unknown): ScimError | undefined => {
  if (error instanceof ScimError) return error;
  if (error instanceof UserNameTakenError) return new ScimError(409, 'uniqueness', error.message);
  // Left after the handler's retries: another write keeps winning; the provider retries later.
  if (error instanceof VersionMovedError) return new ScimError(409, undefined, error.message);
  if (error instanceof HttpError) {
    return new ScimError(error.statusCode, error.statusCode === 400 ? 'invalidSyntax' : undefined, error.message);
  }
  return undefined;
};

/**
 * Middy middleware of the SCIM handler: a correlation id on every log line
 * of the request, and every error answered in the SCIM error schema
 * (`schemas`, `status` as a string, `detail`, `scimType`), which Okta and
 * Entra ID read to decide whether to retry. Our own failures answer 500
 * with the correlation id; the stack trace goes to the log only.
 *
 * @example
 * export const handler = middy(routeScim).use(scimErrors());
 */
const scimErrors = (): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> => ({
  name: 'scimErrors',
  before: (request) => {
    logger.appendKeys({ correlation_id: request.event.requestContext?.requestId ?? randomUUID() });
  },
  after: () => {
    logger.removeKeys(['correlation_id']);
  },
  onError: (request) => {
    const correlationId = request.event.requestContext?.requestId ?? 'unknown';
    const refusal = scimErrorOf(request.error);
    if (refusal) {
      logger.warn('request refused', { status: refusal.status, scim_type: refusal.scimType, reason: refusal.message });
      request.response = scimJson(refusal.status, refusal.body);
    } else {
      logger.error('request failed', { error: request.error as Error, correlation_id: correlationId });
      request.response = scimJson(500, new ScimError(500, undefined, `Internal error (${correlationId})`).body);
    }
    logger.removeKeys(['correlation_id']);
  },
});

export { scimErrors };
