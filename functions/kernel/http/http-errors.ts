import { randomUUID } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { logger } from '../observability.js';
import { type ErrorAnswer, kernelErrorAnswers } from './error-answers.js';
import { HttpError, errorResponse, json } from './responses.js';

export interface HttpErrorsOptions {
  /**
   * Answers to a tool's own domain errors, asked before the kernel's
   * ({@link kernelErrorAnswers}); built with `answerFor()`.
   */
  readonly answers?: readonly ErrorAnswer[];
}

/**
 * Middy middleware for HTTP handlers: gives every request a correlation id
 * (API Gateway's request id when there is one) and turns errors into
 * answers. An {@link HttpError} is the caller's problem and answers with its
 * own status and message, as does a domain error that has an answer (the
 * tool's, then the kernel's: a delivery in progress is a 409); anything
 * else is ours and answers 500 with the correlation id, while the stack
 * trace goes to the log only.
 *
 * @example
 * export const handler = middy(getRecord).use(httpErrors());
 */
const httpErrors = (
  options: HttpErrorsOptions = {},
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> => {
  const answers = [...(options.answers ?? []), ...kernelErrorAnswers];
  const answerTo = (error: unknown): HttpError | undefined => {
    if (error instanceof HttpError) return error;
    for (const answer of answers) {
      const http = answer(error);
      if (http) return http;
    }
    return undefined;
  };
  return {
    name: 'httpErrors',
    // Before: so every log line of the request, the handler's too, carries the id.
    before: (request) => {
      const correlationId = request.event.requestContext?.requestId ?? randomUUID();
      logger.appendKeys({ correlation_id: correlationId });
    },
    // After: the keys belong to this request only; a warm container serves the next one.
    after: () => {
      logger.removeKeys(['correlation_id']);
    },
    // On error: a clear answer, and for our own failures a log line to search by id.
    onError: (request) => {
      const correlationId = request.event.requestContext?.requestId ?? 'unknown';
      const error = request.error;
      const refusal = answerTo(error);
      if (refusal) {
        logger.warn('request refused', { status: refusal.statusCode, reason: refusal.message });
        request.response = errorResponse(refusal);
      } else {
        logger.error('request failed', { error: error as Error, correlation_id: correlationId });
        request.response = json(500, { error: 'Internal error', correlation_id: correlationId });
      }
      logger.removeKeys(['correlation_id']);
    },
  };
};

export { httpErrors };
