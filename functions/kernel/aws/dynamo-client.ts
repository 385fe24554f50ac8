import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { onReset } from './client-cache.js';

/**
 * The DynamoDB document client, created on first use and kept for the life
 * of the container. On Lambda it uses the runtime's credentials and region;
 * offline, `AWS_ENDPOINT_URL_DYNAMODB` points it at DynamoDB Local (the SDK
 * reads that variable itself, so no code path differs).
 *
 * One module per client, so a function loads only the SDK clients it uses:
 * each costs tens of milliseconds of cold start.
 */
let client: DynamoDBDocumentClient | undefined;
onReset(() => {
  client = undefined;
});

const dynamo = (): DynamoDBDocumentClient => {
  client ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return client;
};

export { dynamo };
