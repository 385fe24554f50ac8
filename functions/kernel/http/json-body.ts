import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { HttpError } from './responses.js';

/**
 * The JSON body of an admin request (the admin API and each tool's admin
 * routes), read one way everywhere: base64 bodies decoded, oversized ones
 * refused before they are parsed.
 */
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
