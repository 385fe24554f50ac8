import { randomUUID } from 'node:crypto';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Topology } from '../../lib/topology-spec.js';
import type { EnvironmentEvent } from '../helpers/fixtures/lambda-environment-handler.js';
import { recordedEvents } from '../helpers/fixtures/recorder.js';
import { anSqsEvent, anSqsRecord } from '../helpers/lambda-events.js';
import { messagesOnQueue } from '../helpers/queue-depth.js';
import { startTestStack, type TestStack } from '../helpers/test-stack.js';

/**
 * The offline runtime runs each invocation in a Lambda execution
 * environment of its own (a worker thread): module state, Powertools'
 * cold start flag and correlation ids, and Lambda's variables behave as on
 * AWS. The fixtures keep their state in a module they import, as the
 * project's handlers keep theirs in the kernel.
 */
const fixtures = 'test/helpers/fixtures';

const topology = {
  tables: {},
  queues: {
    batchJobs: {
      description: 'Batches of the batch fixture.',
      fifo: false,
      visibilityTimeoutSeconds: 2,
      maxReceiveCount: 1,
      retentionDays: 1,
    },
  },
  functions: {
    describer: {
      description: 'Describes its environment.',
      entry: `${fixtures}/lambda-environment-handler.ts`,
      memoryMb: 256,
      timeoutSeconds: 3,
    },
    otherDescriber: {
      description: 'The same code as another function.',
      entry: `${fixtures}/lambda-environment-handler.ts`,
      memoryMb: 512,
      timeoutSeconds: 3,
    },
    batches: {
      description: 'Partial batch responses from a module-level batch processor.',
      entry: `${fixtures}/batch-handler.ts`,
      memoryMb: 256,
      timeoutSeconds: 2,
    },
  },
  routes: [],
  streamConsumers: [],
  queueConsumers: [
    { queue: 'batchJobs', function: 'batches', batchSize: 5, maxBatchingWindowSeconds: 0, maxConcurrency: 3 },
  ],
  schedules: [],
  integrations: {},
} as const satisfies Topology;

interface Described {
  readonly environmentId: string;
  readonly invocations: number;
  readonly log: Readonly<Record<string, unknown>>;
  readonly env: Readonly<Record<string, string | undefined>>;
}

let stack: TestStack;

const describeEnvironment = async (fn: 'describer' | 'otherDescriber', event: EnvironmentEvent = {}) => {
  const result = await stack.invoke(fn, event);
  if (!result.ok) throw result.error;
  return result.value as Described;
};

/** A batch of `size` records of which those at `failing` fail, each held so that batches overlap. */
const aBatch = (size: number, failing: readonly number[]): SQSEvent =>
  anSqsEvent(
    Array.from({ length: size }, (_, i) =>
      anSqsRecord({ body: JSON.stringify({ fail: failing.includes(i), holdMs: 40 + 30 * i }) }),
    ),
  );

const failedIds = (event: SQSEvent, failing: readonly number[]): string[] =>
  failing.map((i) => event.Records[i]?.messageId ?? '').sort();

beforeAll(async () => {
  stack = await startTestStack({ topology });
});

afterAll(async () => {
  await stack?.stop();
});

describe('Offline runtime: execution environments', () => {
  it('runs concurrent invocations in distinct environments, each with its own module state and correlation id', async () => {
    // Act
    const answers = await Promise.all(
      ['a', 'b', 'c'].map((id) => describeEnvironment('describer', { holdMs: 200, correlationId: `request-${id}` })),
    );

    // Assess
    expect(new Set(answers.map((a) => a.environmentId)).size).toBe(3);
    expect(answers.map((a) => a.invocations)).toEqual([1, 1, 1]);
    expect(answers.map((a) => a.log.correlation_id)).toEqual(['request-a', 'request-b', 'request-c']);
    expect(answers.map((a) => a.log.cold_start)).toEqual([true, true, true]);
  });

  it('logs cold_start false on a warm environment, which keeps its module state', async () => {
    // Prepare
    const first = await describeEnvironment('otherDescriber');

    // Act
    const second = await describeEnvironment('otherDescriber');

    // Assess
    expect(second.environmentId).toBe(first.environmentId);
    expect(second.invocations).toBe(first.invocations + 1);
    expect(second.log.cold_start).toBe(false);
  });

  it.each([
    ['describer', 'describer', '256'],
    ['otherDescriber', 'other-describer', '512'],
  ] as const)('gives %s its own Lambda variables, service name %s and memory %s', async (fn, service, memory) => {
    // Act
    const answer = await describeEnvironment(fn);

    // Assess
    const name = `${stack.namePrefix}${fn}`;
    expect(answer.env).toEqual({
      AWS_LAMBDA_FUNCTION_NAME: name,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: memory,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: expect.stringMatching(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/),
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      AWS_REGION: 'us-east-1',
      POWERTOOLS_SERVICE_NAME: service,
    });
    expect(answer.log).toMatchObject({ service, function_name: name });
  });

  it('reports exactly its own failures from each of several batches run at once', async () => {
    // Prepare: the failing records differ per batch, and every batch is still running when the others start.
    const failing = [[0], [1, 3], [4], [0, 2, 4]] as const;
    const batches = failing.map((at) => aBatch(5, at));

    // Act
    const results = await Promise.all(batches.map((event) => stack.invoke('batches', event)));

    // Assess
    results.forEach((result, i) => {
      expect(result.ok).toBe(true);
      const reported = (result.ok ? (result.value as SQSBatchResponse) : { batchItemFailures: [] }).batchItemFailures;
      expect(reported.map((f) => f.itemIdentifier).sort()).toEqual(failedIds(batches[i] as SQSEvent, failing[i] ?? []));
    });
  });

  it('loses no message of a queue whose consumer runs several failing batches at once: each is deleted or dead-lettered', async () => {
    // Prepare: 30 messages, every third failing, consumed five at a time by up to three environments.
    const queue = stack.resources.queues.batchJobs;
    if (!queue) throw new Error('the batchJobs queue was not created');
    const run = randomUUID();
    const bodies = Array.from({ length: 30 }, (_, n) => ({ run, n, fail: n % 3 === 0, holdMs: 60 }));

    // Act
    for (let at = 0; at < bodies.length; at += 10) {
      await stack.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queue.url,
          Entries: bodies.slice(at, at + 10).map((body) => ({ Id: String(body.n), MessageBody: JSON.stringify(body) })),
        }),
      );
    }
    await expect.poll(() => messagesOnQueue(stack.sqs, queue.url), { timeout: 20_000, interval: 250 }).toBe(0);

    // Assess
    const dead = await stack.receive('batchJobs', { dlq: true, max: 10, waitSeconds: 1 });
    const more = dead.length === 10 ? await stack.receive('batchJobs', { dlq: true, max: 10 }) : [];
    const deadNumbers = [...dead, ...more]
      .map((m) => JSON.parse(m.Body ?? '{}') as { run?: string; n?: number })
      .filter((b) => b.run === run)
      .map((b) => b.n);
    expect(new Set(deadNumbers)).toEqual(new Set(bodies.filter((b) => b.fail).map((b) => b.n)));
    const batches = recordedEvents<{ event: SQSEvent; response: SQSBatchResponse }>('batch').filter((b) =>
      b.event.Records.some((r) => r.body.includes(run)),
    );
    for (const { event, response } of batches) {
      const ids = new Set(event.Records.map((r) => r.messageId));
      const failingIds = event.Records.filter((r) => (JSON.parse(r.body) as { fail: boolean }).fail).map(
        (r) => r.messageId,
      );
      expect(response.batchItemFailures.every((f) => ids.has(f.itemIdentifier))).toBe(true);
      expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(failingIds.sort());
    }
  });
});
