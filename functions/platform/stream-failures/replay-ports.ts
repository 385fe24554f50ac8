import { InvokeCommand } from '@aws-sdk/client-lambda';
import { lambda } from '../../kernel/aws/lambda-client.js';
import type { StreamConsumerCatalogueEntry } from '../../kernel/wiring/stream-consumers.js';
import { readFailedBatch } from './read-batch.js';
import { invokeFailure, type ReplayPorts } from './replay.js';

/**
 * The real ports of a replay: DynamoDB Streams to re-read the batch, Lambda
 * Invoke (synchronous) to hand it to its consumer. The stack grants exactly
 * these: GetShardIterator and GetRecords on the streams of the tables whose
 * consumers fail to this queue, and InvokeFunction on those consumers.
 *
 * @example
 * const ports = lambdaReplayPorts(catalogue);
 */
const lambdaReplayPorts = (consumers: readonly StreamConsumerCatalogueEntry[]): ReplayPorts => ({
  consumers,
  region: process.env.AWS_REGION ?? '',
  readBatch: (failure) => readFailedBatch(failure.DDBStreamBatchInfo),
  invoke: async (functionArn, event) => {
    const out = await lambda().send(
      new InvokeCommand({ FunctionName: functionArn, Payload: Buffer.from(JSON.stringify(event)) }),
    );
    return invokeFailure(out.FunctionError, Buffer.from(out.Payload ?? new Uint8Array()).toString('utf8'));
  },
});

export { lambdaReplayPorts };
