import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { signStandardWebhook } from '../functions/kernel/signatures/standard-webhooks.js';

/**
 * A Standard-Webhooks-signed POST as API Gateway (payload format 2.0) hands
 * it to a function. Signing happens here, when the event is built, so a
 * suite that builds its events before the timed loop times the handler's
 * verification but not the sender's signing.
 *
 * The signature's timestamp is now: use the event within the 5-minute
 * window the verifier allows, so build events just before each round.
 *
 * @example
 * const event = aSignedWebhookEvent({ path: '/webhooks/crm', secret, body: JSON.stringify(change) });
 */
const aSignedWebhookEvent = ({
  path,
  secret,
  body,
  id = `msg_${randomUUID()}`,
}: {
  readonly path: string;
  readonly secret: string;
  readonly body: string;
  /** The delivery id (`webhook-id`); a fresh one unless a redelivery is meant. */
  readonly id?: string;
}): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: `POST ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: {
      'content-type': 'application/json',
      host: 'bench.local',
      ...signStandardWebhook({ secret, id, body }),
    },
    requestContext: {
      requestId: randomUUID(),
      domainName: 'bench.local',
      http: { method: 'POST', path },
    },
    body,
    isBase64Encoded: false,
  }) as unknown as APIGatewayProxyEventV2;

export { aSignedWebhookEvent };

/**
 * The Lambda context a handler receives, counting down from the function's
 * timeout as Lambda's does: handlers read `getRemainingTimeInMillis()` (the
 * inventory webhook sizes its idempotency lease by it).
 *
 * @example
 * await handler(event, benchLambdaContext('inventoryWebhook', 10));
 */
const benchLambdaContext = (functionName: string, timeoutSeconds: number): Context => {
  const deadline = Date.now() + timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'bench',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

export { benchLambdaContext };
