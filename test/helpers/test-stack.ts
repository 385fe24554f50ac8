import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { OFFLINE_CREDENTIALS } from '../../local/engine-clients.js';
import { type EngineEndpoints, type RunningEngines, startEngines } from '../../local/engines.js';
import { logLevelFrom } from '../../local/log.js';
import { type OfflineStack, type OfflineStackOptions, startOfflineStack } from '../../local/runtime.js';
import './global-engines.js';

/** Options of a test stack: those of the runtime, minus what the harness decides. */
type TestStackOptions = Omit<OfflineStackOptions, 'engines' | 'port' | 'enginePorts'>;

/** A running offline stack on the shared engines, with clients for assertions. */
interface TestStack extends OfflineStack {
  /** Unique per stack: every table and queue name starts with it. */
  readonly namePrefix: string;
  readonly sqs: SQSClient;
  readonly dynamodb: DynamoDBDocumentClient;
  /** `fetch` against the stack's API: `stack.fetch('/health')`. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /**
   * Receives what is waiting on a queue of the topology (or its DLQ) without
   * deleting it, for assertions; waits up to `waitSeconds` for a first message.
   */
  receive(queue: string, options?: { dlq?: boolean; waitSeconds?: number; max?: number }): Promise<Message[]>;
}

const sharedEngines = async (): Promise<{ endpoints: EngineEndpoints; own?: RunningEngines }> => {
  const broker = inject('offlineEngineBroker');
  if (!broker) {
    // globalSetup not wired: this file starts (and stops) engines of its own.
    const own = await startEngines();
    return { endpoints: own.endpoints, own };
  }
  const res = await fetch(`${broker}/engines`);
  const body = (await res.json()) as { endpoints?: EngineEndpoints; message?: string };
  if (!res.ok || !body.endpoints) throw new Error(`The offline engines did not start: ${body.message ?? res.status}`);
  return { endpoints: body.endpoints };
};

/**
 * Starts the offline runtime for one integration test file, on the engines
 * shared by the whole run, under a unique name prefix so files running in
 * parallel never see each other's tables or messages. Pollers run fast
 * (100 ms between stream reads, 1 s long polls), schedules fire only when
 * triggered (or with `scheduleEveryMs`), and the runtime log is
 * silent unless `OFFLINE_LOG_LEVEL` asks for it.
 *
 * @example
 * let stack: TestStack;
 * beforeAll(async () => { stack = await startTestStack({ topology: runtimeTestTopology }); });
 * afterAll(() => stack.stop());
 */
const startTestStack = async (options: TestStackOptions = {}): Promise<TestStack> => {
  const { endpoints, own } = await sharedEngines();
  const namePrefix = options.namePrefix ?? `t${randomBytes(3).toString('hex')}-`;
  const region = options.region ?? process.env.AWS_REGION ?? 'us-east-1';
  let stack: OfflineStack;
  try {
    stack = await startOfflineStack({
      logLevel: logLevelFrom(process.env.OFFLINE_LOG_LEVEL, 'silent'),
      pollIntervalMs: 100,
      queueWaitTimeSeconds: 1,
      // Real schedules (the conflict resolver's quarter hours) must not fire mid-test; a test that
      // wants them passes `scheduleEveryMs` or `fireSchedules: true`, or triggers a run itself.
      fireSchedules: options.scheduleEveryMs !== undefined,
      ...options,
      namePrefix,
      region,
      engines: endpoints,
      port: 0,
    });
  } catch (error) {
    await own?.stop();
    throw error;
  }
  const common = { region, credentials: OFFLINE_CREDENTIALS };
  const sqs = new SQSClient({ ...common, endpoint: endpoints.sqs });
  const dynamodb = DynamoDBDocumentClient.from(new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb }), {
    marshallOptions: { removeUndefinedValues: true },
  });

  return {
    ...stack,
    namePrefix,
    sqs,
    dynamodb,
    fetch: (path, init) => fetch(`${stack.url}${path}`, init),
    receive: async (queue, { dlq = false, waitSeconds = 0, max = 10 } = {}) => {
      const provisioned = stack.resources.queues[queue];
      if (!provisioned) throw new Error(`No queue "${queue}" in the test topology`);
      const out = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: dlq ? provisioned.dlq.url : provisioned.url,
          MaxNumberOfMessages: max,
          WaitTimeSeconds: waitSeconds,
          // Seen but not taken: a visibility of 0 leaves the message for the next look.
          VisibilityTimeout: 0,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      return out.Messages ?? [];
    },
    stop: async () => {
      sqs.destroy();
      dynamodb.destroy();
      await stack.stop();
      await own?.stop();
    },
  };
};

export { startTestStack };
export type { TestStack, TestStackOptions };
