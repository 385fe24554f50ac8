import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { requireIntegration } from '../../kernel/config/secrets.js';
import { httpErrors } from '../../kernel/http/http-errors.js';
import { json } from '../../kernel/http/responses.js';
import { webhookChain } from '../../kernel/http/webhook.js';
import { logger } from '../../kernel/observability.js';
import { standardWebhookVerifier } from '../../kernel/signatures/standard-webhooks.js';
import { crmChangeEvent, receiveCrmChange } from './receive-change.js';

const receive = webhookChain({
  verify: standardWebhookVerifier(async () => (await requireIntegration('crm', ['webhookSecret'])).webhookSecret),
  schema: crmChangeEvent,
});

const receiveCrmWebhook = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> =>
  json(200, await receive(event, receiveCrmChange));

export const handler = middy(receiveCrmWebhook).use(injectLambdaContext(logger)).use(httpErrors());
