import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { requireIntegration } from '../../kernel/config/secrets.js';
import { httpErrors } from '../../kernel/http/http-errors.js';
import { parseOr400 } from '../../kernel/http/parse-or-400.js';
import { HttpError, json } from '../../kernel/http/responses.js';
import { readStorableJson } from '../../kernel/http/storable-json.js';
import { webhookRequestOf } from '../../kernel/http/webhook.js';
import { logger } from '../../kernel/observability.js';
import { verifyApiKey } from '../../kernel/signatures/api-key.js';
import { erpEnvelope } from '../../kernel/erp/erp-events.js';
import { receiveErpEvent } from './receive-erp-event.js';

/**
 * POST /webhooks/erp, in this order, each refusal before anything is written:
 *
 * 1. `?validationToken=...`: a subscription validation (Business Central
 *    sends it, without our key, when a subscription is made or renewed):
 *    200 text/plain echoing the token. It is answered before the key check
 *    because the caller has no key to send; it reads and writes nothing,
 *    and the token is bounded and answered as plain text, never as HTML.
 * 2. `x-api-key` against `ERP_WEBHOOK_KEY` (several during a rotation),
 *    constant time: 401; 503 naming the setting when it is not configured.
 * 3. The envelope: 400 naming `eventType` / `entity` / `entityId` and
 *    listing the known values; then the payload: 400 naming `payload.<path>`.
 * 4. The event (`receive-erp-event.ts`): 200 processed / duplicate / stale,
 *    202 queued for an id-only notification.
 */

const MAX_VALIDATION_TOKEN = 1024;
const MAX_IDEMPOTENCY_KEY = 256;
const utf8 = new TextDecoder('utf-8', { fatal: true });

const validationAnswer = (token: string): APIGatewayProxyStructuredResultV2 => {
  if (token.length === 0 || token.length > MAX_VALIDATION_TOKEN) {
    throw new HttpError(400, `validationToken must be 1 to ${MAX_VALIDATION_TOKEN} characters`);
  }
  return {
    statusCode: 200,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
    body: token,
  };
};

const bodyText = (rawBody: Buffer): string => {
  try {
    return utf8.decode(rawBody);
  } catch {
    throw new HttpError(400, 'Body is not valid UTF-8');
  }
};

const receiveErpWebhook = async (
  event: APIGatewayProxyEventV2,
  context: Context,
): Promise<APIGatewayProxyStructuredResultV2> => {
  const token = event.queryStringParameters?.validationToken;
  if (token !== undefined) return validationAnswer(token);

  const request = webhookRequestOf(event);
  const { webhookKey } = await requireIntegration('erp', ['webhookKey']);
  const verified = verifyApiKey({ keys: webhookKey, header: 'x-api-key', headers: request.headers });
  if (!verified.ok) throw new HttpError(401, `Invalid API key: ${verified.reason}`);

  const envelope = parseOr400(erpEnvelope, readStorableJson(bodyText(request.rawBody), 'body'), 'body');
  const headerKey = request.headers['idempotency-key']?.trim() || undefined;
  if (headerKey !== undefined && headerKey.length > MAX_IDEMPOTENCY_KEY) {
    throw new HttpError(400, `Idempotency-Key must be at most ${MAX_IDEMPOTENCY_KEY} characters`);
  }
  const deliveryKey = envelope.eventId ?? headerKey;

  logger.appendKeys({ delivery_id: deliveryKey, entity: envelope.entity, entity_id: envelope.entityId });
  try {
    const answer = await receiveErpEvent(envelope, {
      ...(deliveryKey === undefined ? {} : { deliveryKey }),
      rawBody: request.rawBody,
      remainingMs: context.getRemainingTimeInMillis(),
    });
    return json(answer.httpStatus, answer.body);
  } finally {
    logger.removeKeys(['delivery_id', 'entity', 'entity_id']);
  }
};

export const handler = middy(receiveErpWebhook).use(injectLambdaContext(logger)).use(httpErrors());
