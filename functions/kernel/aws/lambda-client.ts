import { LambdaClient } from '@aws-sdk/client-lambda';
import { onReset } from './client-cache.js';

/**
 * The Lambda client, created on first use (`AWS_ENDPOINT_URL_LAMBDA`
 * offline, where `local/lambda-api.ts` answers the Invoke API); see
 * `dynamo-client.ts`.
 */
let client: LambdaClient | undefined;
onReset(() => {
  client = undefined;
});

const lambda = (): LambdaClient => {
  client ??= new LambdaClient({});
  return client;
};

export { lambda };
