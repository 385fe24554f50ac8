import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { BatchWriteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Topology } from '../../lib/topology-spec.js';
import { startTestStack, type TestStack } from '../helpers/test-stack.js';

/**
 * The stream-failure replayer over the real offline stack: a stream
 * consumer fails a batch past its retries, the poller sends the batch's
 * description to `streamFailures` in Lambda's format, and the real
 * replayer (functions/platform/stream-failures) re-reads the records from
 * DynamoDB Local's stream, drops the ones the consumer's filter drops, and
 * invokes the consumer through the offline Lambda API; what cannot be
 * replayed is parked in the control table with its reason.
 */
const fixtures = 'test/helpers/fixtures';

const replayTopology = {
  tables: {
    items: { description: 'Items the flaky consumer reads.', partitionKey: 'pk', stream: 'NEW_AND_OLD_IMAGES' },
    control: { description: 'Parked stream failures.', partitionKey: 'pk', sortKey: 'sk', ttlAttribute: 'expires_at' },
  },
  queues: {
    // Short visibility and few receives, so a failing replay is retried, then parked, within seconds.
    streamFailures: {
      description: 'On-failure destination.',
      fifo: false,
      visibilityTimeoutSeconds: 2,
      maxReceiveCount: 5,
      retentionDays: 1,
    },
  },
  functions: {
    flaky: {
      description: 'Flaky consumer.',
      entry: `${fixtures}/flaky-stream-handler.ts`,
      memoryMb: 256,
      timeoutSeconds: 2,
    },
    streamFailureReplayer: {
      description: 'The real replayer.',
      entry: 'functions/platform/stream-failures/handler.ts',
      memoryMb: 256,
      timeoutSeconds: 2,
      tables: { control: ['PutItem'] },
      queues: { streamFailures: 'consume' },
      replaysStreamFailures: 'streamFailures',
    },
  },
  routes: [],
  streamConsumers: [
    {
      table: 'items',
      function: 'flaky',
      batchSize: 10,
      maxBatchingWindowSeconds: 0,
      startingPosition: 'LATEST',
      retryAttempts: 0,
      bisectBatchOnError: false,
      onFailure: 'streamFailures',
      filters: [{ eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { kind: { S: ['change'] } } } }],
    },
  ],
  queueConsumers: [
    {
      queue: 'streamFailures',
      function: 'streamFailureReplayer',
      batchSize: 1,
      maxBatchingWindowSeconds: 0,
      maxConcurrency: 2,
    },
  ],
  schedules: [],
  integrations: {},
} as const satisfies Topology;

let stack: TestStack;
let flagDir: string;
let flag: string;
let items: string;
let control: string;

const tally = async (pk: string): Promise<number> => {
  const out = await stack.dynamodb.send(new GetCommand({ TableName: items, Key: { pk }, ConsistentRead: true }));
  return Number(out.Item?.n ?? 0);
};

type Parked = { reason: string; function: string; start_sequence_number?: string; failure_record: string };

const parkedFor = async (text: string): Promise<Parked[]> => {
  const out = await stack.dynamodb.send(
    new QueryCommand({
      TableName: control,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'stream-failures#parked' },
      ConsistentRead: true,
    }),
  );
  return ((out.Items ?? []) as Parked[]).filter(
    (item) => item.failure_record.includes(text) || item.reason.includes(text),
  );
};

beforeAll(async () => {
  flagDir = mkdtempSync(join(tmpdir(), 'stream-failures-'));
  flag = join(flagDir, 'fail');
  stack = await startTestStack({ topology: replayTopology, env: { FLAKY_FAIL_FLAG: flag } });
  items = stack.resources.tables.items?.physicalName as string;
  control = stack.resources.tables.control?.physicalName as string;
});

afterAll(async () => {
  await stack?.stop();
  rmSync(flagDir, { recursive: true, force: true });
});

describe('Stream failures: read back within their 24 h', () => {
  it('replays a batch that failed past its retries once the consumer recovers, applying each record once and none its filter drops', async () => {
    // Prepare
    const [first, noise, second] = ['first', 'noise', 'second'].map((name) => `${name}-${randomUUID()}`) as [
      string,
      string,
      string,
    ];
    writeFileSync(flag, 'fail');

    // Act
    await stack.dynamodb.send(
      new BatchWriteCommand({
        RequestItems: {
          [items]: [
            { PutRequest: { Item: { pk: first, kind: 'change' } } },
            { PutRequest: { Item: { pk: noise, kind: 'other' } } },
            { PutRequest: { Item: { pk: second, kind: 'change' } } },
          ],
        },
      }),
    );
    // The poller's attempt, then at least one replay that failed too (the flag is still there).
    await expect.poll(() => tally(`attempts#${first}`), { timeout: 15_000, interval: 200 }).toBeGreaterThanOrEqual(2);
    rmSync(flag);

    // Assess
    await expect.poll(() => tally(`applied#${first}`), { timeout: 15_000, interval: 200 }).toBe(1);
    await expect.poll(() => tally(`applied#${second}`), { timeout: 5_000, interval: 200 }).toBe(1);
    // A later receive of the same failure would apply it again; give it time to show.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await tally(`applied#${first}`)).toBe(1);
    expect(await tally(`attempts#${noise}`)).toBe(0);
    expect(await tally(`unexpected#${noise}`)).toBe(0);
    expect(await parkedFor(first)).toEqual([]);
  }, 40_000);

  it("parks a batch whose consumer keeps failing, with the failure as its reason, after the queue's receives", async () => {
    // Prepare
    const poison = `poison-${randomUUID()}`;

    // Act
    await stack.dynamodb.send(
      new PutCommand({ TableName: items, Item: { pk: poison, kind: 'change', behaviour: 'poison' } }),
    );

    // Assess
    await expect
      .poll(async () => (await parkedFor('failed again')).length, { timeout: 30_000, interval: 500 })
      .toBeGreaterThan(0);
    expect(await tally(`applied#${poison}`)).toBe(0);
    const [parked] = await parkedFor('failed again');
    expect(parked?.function).toBe(`${stack.namePrefix}flaky`);
    expect(parked?.reason).toMatch(
      /flaky failed again: it threw \(Unhandled\): flaky stream fixture: failing on purpose \(gave up after 5 replays\)/,
    );
    // One poller attempt and five replays, then nothing more.
    expect(await tally(`attempts#${poison}`)).toBe(6);
  }, 40_000);

  it('parks a batch whose records are no longer in the stream, saying so', async () => {
    // Prepare
    const streamArn = `arn:aws:dynamodb:us-east-1:000000000000:table/${items}/stream/2000-01-01T00:00:00.000`;
    const body = {
      requestContext: {
        requestId: randomUUID(),
        functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${stack.namePrefix}flaky`,
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 1,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: new Date().toISOString(),
      DDBStreamBatchInfo: {
        shardId: 'shardId-00000001573689847184-864758bb',
        startSequenceNumber: '800000000003126276362',
        endSequenceNumber: '800000000003126276362',
        approximateArrivalOfFirstRecord: '2000-01-01T00:00:00Z',
        approximateArrivalOfLastRecord: '2000-01-01T00:00:00Z',
        batchSize: 1,
        streamArn,
      },
    };

    // Act
    await stack.sqs.send(
      new SendMessageCommand({
        QueueUrl: stack.resources.queues.streamFailures?.url,
        MessageBody: JSON.stringify(body),
      }),
    );

    // Assess
    await expect
      .poll(async () => (await parkedFor(body.requestContext.requestId)).length, { timeout: 15_000, interval: 300 })
      .toBe(1);
    const [parked] = await parkedFor(body.requestContext.requestId);
    expect(parked?.reason).toMatch(/no longer in the stream/);
  }, 20_000);
});
