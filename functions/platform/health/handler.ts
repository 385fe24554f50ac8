import middy from '@middy/core';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { json } from '../../kernel/http/responses.js';

/** Liveness only: no versions, no configuration, nothing an attacker could use. */
const health = async (): Promise<APIGatewayProxyStructuredResultV2> => json(200, { status: 'ok' });

export const handler = middy(health);
