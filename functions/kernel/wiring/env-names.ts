/**
 * The environment variables through which the infrastructure (the CDK stack
 * on AWS, the offline runtime on a laptop) tells a handler where its
 * resources are. Both sides derive the names here, so they cannot disagree.
 *
 * Part of `wiring/`: the contract between infrastructure and code. Modules
 * here import nothing, so `lib/` may read them without pulling Lambda code
 * into the CDK app, and Lambda code may read them without bundling the
 * topology.
 *
 * @example
 * tableEnvName('syncLog'); // 'SYNC_LOG_TABLE'
 */
const constantCases = new Map<string, string>();
/** `syncLog` -> `SYNC_LOG`; remembered, as handlers ask for the same few names on every request. */
const constantCase = (name: string): string => {
  let cased = constantCases.get(name);
  if (cased === undefined) {
    cased = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
    constantCases.set(name, cased);
  }
  return cased;
};

/** The variable that carries a table's physical name: `RECORDS_TABLE`, `SYNC_LOG_TABLE`. */
const tableEnvName = (table: string): string => `${constantCase(table)}_TABLE`;

/** The variable that carries a queue's URL: `OUTBOUND_QUEUE_URL`. */
const queueEnvName = (queue: string): string => `${constantCase(queue)}_QUEUE_URL`;

/** The variable that carries the URL of a queue's dead-letter queue: `OUTBOUND_DLQ_URL`. */
const deadLetterQueueEnvName = (queue: string): string => `${constantCase(queue)}_DLQ_URL`;

/** The variable that tells a queue's consumer after how many receives SQS moves a message to the DLQ. */
const queueMaxReceiveEnvName = (queue: string): string => `${constantCase(queue)}_QUEUE_MAX_RECEIVE_COUNT`;

/** The variable that carries an integration's secret ARN on AWS: `CRM_SECRET_ARN`. */
const secretEnvName = (integration: string): string => `${constantCase(integration)}_SECRET_ARN`;

export { tableEnvName, queueEnvName, deadLetterQueueEnvName, queueMaxReceiveEnvName, secretEnvName };
