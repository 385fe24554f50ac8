import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { requireIntegration } from '../../kernel/config/secrets.js';
import { httpErrors } from '../../kernel/http/http-errors.js';
import { json } from '../../kernel/http/responses.js';
import { webhookChain } from '../../kernel/http/webhook.js';
import { logger } from '../../kernel/observability.js';
import { standardWebhookVerifier } from '../../kernel/signatures/standard-webhooks.js';
import { hrEventSchema } from '../domain/hr-event.js';
import { receiveHrEvent } from './receive-hr-event.js';

/**
 * POST /webhooks/hr: Standard Webhooks signed with the `hr` integration's
 * secret (`HR_WEBHOOK_SECRET`; 503 while it is not configured), then the
 * HR event schema (400 naming the field, nothing written), then the event,
 * once per webhook-id.
 */
const receive = webhookChain({
  verify: standardWebhookVerifier(async () => (await requireIntegration('hr')).webhookSecret),
  schema: hrEventSchema,
});

const receiveHrWebhook = async (
  event: APIGatewayProxyEventV2,
  context: Context,
): Promise<APIGatewayProxyStructuredResultV2> =>
  json(200, await receive(event, (delivery) => receiveHrEvent(delivery, context.getRemainingTimeInMillis())));

export const handler = middy(receiveHrWebhook).use(injectLambdaContext(logger)).use(httpErrors());
