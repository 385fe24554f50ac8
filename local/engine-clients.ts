import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { EngineEndpoints } from './engines.js';

/** The runtime's own AWS clients, pointed at the engines explicitly. */
interface EngineClients {
  readonly dynamodb: DynamoDBClient;
  readonly streams: DynamoDBStreamsClient;
  readonly sqs: SQSClient;
  destroy(): void;
}

/** Offline engines accept any credentials; fixed ones keep the SDK from searching for real ones. */
const OFFLINE_CREDENTIALS = { accessKeyId: 'offline', secretAccessKey: 'offline' } as const;

/**
 * Clients with explicit endpoints and credentials, so the runtime's own
 * calls never depend on the environment it prepares for the handlers (and
 * never reach a real account by accident).
 *
 * @example
 * const clients = createEngineClients(engines.endpoints, 'us-east-1');
 */
const createEngineClients = (endpoints: EngineEndpoints, region: string): EngineClients => {
  const common = { region, credentials: OFFLINE_CREDENTIALS };
  const dynamodb = new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb });
  // DynamoDB Local serves Streams on the same port.
  const streams = new DynamoDBStreamsClient({ ...common, endpoint: endpoints.dynamodb });
  const sqs = new SQSClient({ ...common, endpoint: endpoints.sqs });
  return {
    dynamodb,
    streams,
    sqs,
    destroy: () => {
      dynamodb.destroy();
      streams.destroy();
      sqs.destroy();
    },
  };
};

export { createEngineClients, OFFLINE_CREDENTIALS };
export type { EngineClients };
