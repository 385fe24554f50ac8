import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { HttpError } from '../../kernel/http/responses.js';

/** One admin route's handler, keyed by its API Gateway route key (`GET /admin/events`). */
export type AdminRoutes = Readonly<
  Record<string, (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>>
>;

/** Larger bodies are refused with 413 before they are parsed. */
const MAX_BODY_BYTES = 100_000;

/** The request body as JSON: 400 when it is missing or not JSON, 413 when it is too large. */
const readJsonBody = (event: APIGatewayProxyEventV2): unknown => {
  if (!event.body) throw new HttpError(400, 'A JSON object body is required');
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES) throw new HttpError(413, `Body is larger than ${MAX_BODY_BYTES} bytes`);
  try {
    return JSON.parse(raw);
  } catch {
    throw new HttpError(400, 'Body is not valid JSON');
  }
};

export { readJsonBody };
