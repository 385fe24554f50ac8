import { queueEnvName, tableEnvName, type QueueName, type TableName } from '../../../lib/topology.js';

/**
 * Physical names come from the environment the CDK stack (or the offline
 * runtime) sets from the topology; no code outside this module spells a
 * table or queue name.
 *
 * @example
 * await dynamo().send(new GetCommand({ TableName: tableName('records'), Key }));
 */
const tableName = (table: TableName): string => requireEnv(tableEnvName(table));

const queueUrl = (queue: QueueName): string => requireEnv(queueEnvName(queue));

const requireEnv = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`Environment variable ${name} is not set; the stack sets it from lib/topology.ts`);
  return value;
};

export { tableName, queueUrl };
