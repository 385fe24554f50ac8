import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { requireIntegration } from '../shared/config/secrets.js';
import { httpErrors } from '../shared/http/http-errors.js';
import { json } from '../shared/http/responses.js';
import { webhookChain } from '../shared/http/webhook.js';
import { inventoryAdjustment } from '../shared/inventory/adjustment.js';
import { logger } from '../shared/observability.js';
import { standardWebhookVerifier } from '../shared/signatures/standard-webhooks.js';
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

const receiveInventoryWebhook = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> =>
  json(200, await receive(event, receiveInventoryAdjustment));

export const handler = middy(receiveInventoryWebhook).use(injectLambdaContext(logger)).use(httpErrors());
