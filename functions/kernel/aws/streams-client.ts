import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { onReset } from './client-cache.js';

/**
 * The DynamoDB Streams client, created on first use
 * (`AWS_ENDPOINT_URL_DYNAMODB_STREAMS` offline, DynamoDB Local's port); see
 * `dynamo-client.ts`. Only the stream-failure replayer reads streams itself.
 */
let client: DynamoDBStreamsClient | undefined;
onReset(() => {
  client = undefined;
});

const streams = (): DynamoDBStreamsClient => {
  client ??= new DynamoDBStreamsClient({});
  return client;
};

export { streams };
