import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { HttpError } from './responses.js';
import { readStorableJson } from './storable-json.js';

/**
 * The JSON body of an admin request (the admin API and each tool's admin
 * routes), read one way everywhere: base64 bodies decoded, oversized ones
 * refused before they are parsed, values that cannot be stored refused
 * with a 400 naming the field before any route sees them
 * (`readStorableJson`).
 */
/** Larger bodies are refused with 413 before they are parsed. */
const MAX_BODY_BYTES = 100_000;

/**
 * The request body as JSON: 400 when it is missing, not JSON or holds a
 * value that cannot be stored, 413 when it is too large. Numbers a double
 * would change come back as `DecimalText` (see `exact-json.ts`).
 *
 * @example
 * const data = parseOr400(recordBody, readJsonBody(event), 'body');
 */
const readJsonBody = (event: APIGatewayProxyEventV2): unknown => {
  if (!event.body) throw new HttpError(400, 'A JSON object body is required');
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES) throw new HttpError(413, `Body is larger than ${MAX_BODY_BYTES} bytes`);
  return readStorableJson(raw, 'body');
};

export { readJsonBody };
