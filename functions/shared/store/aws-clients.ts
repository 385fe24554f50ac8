import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';

/**
 * One place that builds AWS clients. On Lambda they use the runtime's
 * credentials and region. Offline and in tests, `AWS_ENDPOINT_URL_DYNAMODB`,
 * `AWS_ENDPOINT_URL_SQS` and `AWS_ENDPOINT_URL_SES` (or `AWS_ENDPOINT_URL`)
 * point them at DynamoDB Local, fauxqs and aws-ses-v2-local; the SDK reads
 * those variables itself, so no code path differs between the two.
 *
 * Clients are created lazily and kept for the life of the container.
 */
let documentClient: DynamoDBDocumentClient | undefined;
let sqsClient: SQSClient | undefined;
let sesClient: SESv2Client | undefined;

const dynamo = (): DynamoDBDocumentClient => {
  documentClient ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return documentClient;
};

const sqs = (): SQSClient => {
  sqsClient ??= new SQSClient({});
  return sqsClient;
};

const ses = (): SESv2Client => {
  sesClient ??= new SESv2Client({});
  return sesClient;
};

/** Forget cached clients (tests that move endpoints between engines). */
const resetAwsClients = (): void => {
  documentClient = undefined;
  sqsClient = undefined;
  sesClient = undefined;
};

export { dynamo, sqs, ses, resetAwsClients };
