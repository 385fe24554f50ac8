import type { APIGatewayProxyResultV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/**
 * An error a handler throws to answer with a 4xx (or a deliberate 5xx such as
 * 503 for an integration that is not configured). Anything else thrown is our
 * own failure and becomes a 500 with a correlation id.
 *
 * @example
 * throw new HttpError(400, 'Unknown record type: lead');
 */
class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** A JSON response with the content type set. */
const json = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/** The body of every error answer: `{error, ...details}`; never a stack trace. */
const errorResponse = (error: HttpError): APIGatewayProxyStructuredResultV2 =>
  json(error.statusCode, { error: error.message, ...error.details }, error.headers);

export type HttpResponse = APIGatewayProxyResultV2;
export { HttpError, json, errorResponse };
