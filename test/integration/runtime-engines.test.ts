import { spawn } from 'node:child_process';
import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngines } from '../../local/engines.js';
import { REPOSITORY_ROOT } from '../../local/runtime.js';
import { runtimeTestTopology } from '../helpers/fixtures/runtime-topology.js';
import { startTestStack, type TestStack } from '../helpers/test-stack.js';

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('Offline runtime: provisioning from the plan', () => {
  let stack: TestStack;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    stack = await startTestStack({
      topology: runtimeTestTopology,
      env: { EXTRA_SETTING: 'x' },
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('creates tables with their keys, GSIs (all attributes projected), stream and TTL', async () => {
    // Act
    const table = stack.resources.tables.items?.physicalName;
    const described = await stack.dynamodb.send(new DescribeTableCommand({ TableName: table }));
    const ttl = await stack.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: table }));

    // Assess
    expect(table).toBe(`${stack.namePrefix}items`);
    expect(described.Table?.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }]);
    expect(described.Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(described.Table?.GlobalSecondaryIndexes?.[0]).toMatchObject({
      IndexName: 'byKind',
      KeySchema: [
        { AttributeName: 'kind', KeyType: 'HASH' },
        { AttributeName: 'pk', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    });
    expect(ttl.TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expires_at' });
  });

  it('creates each queue with its DLQ, redrive policy and visibility timeout; FIFO queues and their DLQs end in .fifo', async () => {
    // Act
    const ordered = stack.resources.queues.ordered;
    const attributes = await stack.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: ordered?.url, AttributeNames: ['All'] }),
    );

    // Assess
    expect(ordered?.physicalName).toBe(`${stack.namePrefix}ordered.fifo`);
    expect(ordered?.dlq.physicalName).toBe(`${stack.namePrefix}ordered-dlq.fifo`);
    expect(attributes.Attributes).toMatchObject({ FifoQueue: 'true', VisibilityTimeout: '1' });
    expect(JSON.parse(attributes.Attributes?.RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: ordered?.dlq.arn,
      maxReceiveCount: 2,
    });
    expect(new URL(ordered?.url ?? '').origin).toBe(new URL(stack.endpoints.sqs).origin);
  });

  it('tells handlers where everything is through the environment, as the CDK stack does on Lambda', () => {
    // Assess
    expect(process.env).toMatchObject({
      ITEMS_TABLE: `${stack.namePrefix}items`,
      JOBS_QUEUE_URL: stack.resources.queues.jobs?.url,
      ORDERED_QUEUE_URL: stack.resources.queues.ordered?.url,
      AWS_ENDPOINT_URL_DYNAMODB: stack.endpoints.dynamodb,
      AWS_ENDPOINT_URL_SQS: stack.endpoints.sqs,
      AWS_ENDPOINT_URL_SESV2: stack.endpoints.ses,
      EXTRA_SETTING: 'x',
    });
  });

  it('restores the environment when stopped', async () => {
    // Act
    await stack.stop();

    // Assess
    expect(process.env.ITEMS_TABLE).toBe(savedEnv.ITEMS_TABLE);
    expect(process.env.EXTRA_SETTING).toBeUndefined();
  });
});

// Each test starts a JVM of its own; running them side by side halves the wait.
describe('Offline runtime: engines never outlive their owner', () => {
  it.concurrent('leaves no java process behind after stop()', async ({ expect }) => {
    // Prepare
    const engines = await startEngines();
    expect(isAlive(engines.javaPid)).toBe(true);

    // Act
    await engines.stop();

    // Assess
    expect(isAlive(engines.javaPid)).toBe(false);
  }, 60_000);

  it.concurrent('kills java when the process that started it is killed outright (SIGKILL, no exit handlers)', async ({
    expect,
  }) => {
    // Prepare: a separate node process starts the engines and reports java's pid.
    const owner = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        "import('./local/engines.ts').then(async (m) => { const e = await m.startEngines(); console.log(JSON.stringify({ javaPid: e.javaPid })); })",
      ],
      { cwd: REPOSITORY_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const javaPid = await new Promise<number>((resolve, reject) => {
      let out = '';
      owner.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /"javaPid":(\d+)/.exec(out);
        if (match) resolve(Number(match[1]));
      });
      owner.once('exit', () => reject(new Error(`engine owner exited early: ${out}`)));
    });
    expect(isAlive(javaPid)).toBe(true);

    // Act
    owner.kill('SIGKILL');

    // Assess: the watchdog notices within a second or so.
    await expect.poll(() => isAlive(javaPid), { timeout: 5_000, interval: 100 }).toBe(false);
  }, 60_000);
});
