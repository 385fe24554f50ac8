import { deadLetterQueueEnvName, queueEnvName, queueMaxReceiveEnvName, tableEnvName } from '../wiring/env-names.js';

/**
 * Physical names come from the environment the CDK stack (or the offline
 * runtime) sets from the topology; no code outside this module spells a
 * table or queue name.
 *
 * @example
 * await dynamo().send(new GetCommand({ TableName: tableName('records'), Key }));
 */
const tableName = (table: string): string => requireEnv(tableEnvName(table));

const queueUrl = (queue: string): string => requireEnv(queueEnvName(queue));

/** The URL of a queue's dead-letter queue, for a function granted `deadLetterQueues` in its topology. */
const deadLetterQueueUrl = (queue: string): string => requireEnv(deadLetterQueueEnvName(queue));

const requireEnv = (name: string): string => {
  const value = process.env[name];
  if (!value)
    throw new Error(
      `Environment variable ${name} is not set; the stack (or the offline runtime) sets it from the topology`,
    );
  return value;
};

/** After how many receives SQS moves a message of `queue` to its DLQ (set for the queue's consumer). */
const queueMaxReceiveCount = (queue: string): number => Number(requireEnv(queueMaxReceiveEnvName(queue)));

export { tableName, queueUrl, deadLetterQueueUrl, queueMaxReceiveCount };
