import { SQSClient } from '@aws-sdk/client-sqs';
import { onReset } from './client-cache.js';

/** The SQS client, created on first use (`AWS_ENDPOINT_URL_SQS` offline); see `dynamo-client.ts`. */
let client: SQSClient | undefined;
onReset(() => {
  client = undefined;
});

const sqs = (): SQSClient => {
  client ??= new SQSClient({});
  return client;
};

export { sqs };
