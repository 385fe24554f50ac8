import { randomUUID } from 'node:crypto';
import { SqsSchema } from '@aws-lambda-powertools/parser/schemas';
import { SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordedEvents } from '../helpers/fixtures/recorder.js';
import { runtimeTestTopology } from '../helpers/fixtures/runtime-topology.js';
import { messagesOnQueue } from '../helpers/queue-depth.js';
import { startTestStack, type TestStack } from '../helpers/test-stack.js';

let stack: TestStack;

/** Every record the queue fixture received whose body carries `marker`. */
const deliveriesOf = (marker: string): SQSRecord[] =>
  recordedEvents<SQSEvent>('queue')
    .flatMap((event) => event.Records)
    .filter((record) => record.body.includes(marker));

const body = (marker: string, behaviour: 'ok' | 'fail' | 'throw', n = 0): string =>
  JSON.stringify({ marker, behaviour, n });

const jobs = () => stack.resources.queues.jobs as NonNullable<TestStack['resources']['queues'][string]>;

beforeAll(async () => {
  stack = await startTestStack({ topology: runtimeTestTopology });
});

afterAll(async () => {
  await stack?.stop();
});

describe('Offline runtime: queue consumers', () => {
  it('invokes the consumer with an SQS event Powertools parses, then deletes the message', async () => {
    // Prepare
    const marker = randomUUID();

    // Act
    await stack.sqs.send(
      new SendMessageCommand({
        QueueUrl: jobs().url,
        MessageBody: body(marker, 'ok'),
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'test' } },
      }),
    );

    // Assess
    await expect.poll(() => deliveriesOf(marker).length, { timeout: 5_000 }).toBe(1);
    const event = recordedEvents<SQSEvent>('queue').find((e) => e.Records.some((r) => r.body.includes(marker)));
    expect(SqsSchema.safeParse(event).success).toBe(true);
    expect(deliveriesOf(marker)[0]).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: jobs().arn,
      messageAttributes: { kind: { stringValue: 'test', dataType: 'String' } },
      attributes: { ApproximateReceiveCount: '1' },
    });
    await expect.poll(() => messagesOnQueue(stack.sqs, jobs().url), { timeout: 5_000 }).toBe(0);
  });

  it('passes FIFO attributes (group, deduplication id, sequence number) from a FIFO queue', async () => {
    // Prepare
    const marker = randomUUID();
    const ordered = stack.resources.queues.ordered;

    // Act
    await stack.sqs.send(
      new SendMessageCommand({
        QueueUrl: ordered?.url,
        MessageBody: body(marker, 'ok'),
        MessageGroupId: 'g-1',
        MessageDeduplicationId: marker,
      }),
    );

    // Assess
    await expect.poll(() => deliveriesOf(marker).length, { timeout: 5_000 }).toBe(1);
    const record = deliveriesOf(marker)[0];
    expect(SqsSchema.safeParse({ Records: [record] }).success).toBe(true);
    expect(record?.attributes).toMatchObject({
      MessageGroupId: 'g-1',
      MessageDeduplicationId: marker,
      SequenceNumber: expect.any(String),
    });
    expect(record?.eventSourceARN).toMatch(/:t[0-9a-f]{6}-ordered\.fifo$/);
  });

  it('deletes only the messages a partial batch response does not list, and the failing one ends in the DLQ', async () => {
    // Prepare
    const marker = randomUUID();

    // Act: one batch call, so the three arrive together.
    await stack.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: jobs().url,
        Entries: [
          { Id: 'a', MessageBody: body(marker, 'ok', 1) },
          { Id: 'b', MessageBody: body(marker, 'fail', 2) },
          { Id: 'c', MessageBody: body(marker, 'ok', 3) },
        ],
      }),
    );

    // Assess: the failing message is redelivered until maxReceiveCount (2), then moved to the DLQ by SQS's redrive.
    await expect
      .poll(
        async () =>
          (await stack.receive('jobs', { dlq: true })).filter((m) => m.Body?.includes(marker)).map((m) => m.Body),
        {
          timeout: 10_000,
          interval: 200,
        },
      )
      .toEqual([body(marker, 'fail', 2)]);
    const byBody = (n: number) =>
      deliveriesOf(marker).filter((r) => r.body === body(marker, n === 2 ? 'fail' : 'ok', n));
    expect(byBody(1)).toHaveLength(1);
    expect(byBody(3)).toHaveLength(1);
    expect(byBody(2).map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
  });

  it('keeps every message of a batch whose handler throws, until SQS moves them to the DLQ after maxReceiveCount', async () => {
    // Prepare
    const marker = randomUUID();

    // Act
    await stack.sqs.send(new SendMessageCommand({ QueueUrl: jobs().url, MessageBody: body(marker, 'throw') }));

    // Assess
    await expect
      .poll(async () => (await stack.receive('jobs', { dlq: true })).some((m) => m.Body?.includes(marker)), {
        timeout: 10_000,
        interval: 200,
      })
      .toBe(true);
    expect(deliveriesOf(marker)).toHaveLength(2);
  });
});
