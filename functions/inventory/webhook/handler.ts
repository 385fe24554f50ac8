import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { requireIntegration } from '../../kernel/config/secrets.js';
import { httpErrors } from '../../kernel/http/http-errors.js';
import { json } from '../../kernel/http/responses.js';
import { webhookChain } from '../../kernel/http/webhook.js';
import { inventoryAdjustment } from '../../kernel/stock/adjustment.js';
import { logger } from '../../kernel/observability.js';
import { standardWebhookVerifier } from '../../kernel/signatures/standard-webhooks.js';
import { receiveInventoryAdjustment } from './receive-adjustment.js';

/**
 * POST /webhooks/inventory: Standard Webhooks signed with the `inventory`
 * integration's secret (503 while it is not configured), then the
 * adjustment schema (400 naming the field), then the adjustment, once per
 * webhook-id.
 */
const receive = webhookChain({
  verify: standardWebhookVerifier(async () => (await requireIntegration('inventory')).webhookSecret),
  schema: inventoryAdjustment,
});

const receiveInventoryWebhook = async (
  event: APIGatewayProxyEventV2,
  context: Context,
): Promise<APIGatewayProxyStructuredResultV2> =>
  json(
    200,
    await receive(event, (delivery) => receiveInventoryAdjustment(delivery, context.getRemainingTimeInMillis())),
  );

export const handler = middy(receiveInventoryWebhook).use(injectLambdaContext(logger)).use(httpErrors());
