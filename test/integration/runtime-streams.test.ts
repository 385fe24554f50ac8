import { randomUUID } from 'node:crypto';
import { DynamoDBStreamSchema } from '@aws-lambda-powertools/parser/schemas';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordedEvents } from '../helpers/fixtures/recorder.js';
import { runtimeTestTopology } from '../helpers/fixtures/runtime-topology.js';
import { startTestStack, type TestStack } from '../helpers/test-stack.js';

let stack: TestStack;
let table: string;

type Item = { pk: string; origin?: string; behaviour?: string; [key: string]: unknown };

/** Every stream record the fixture consumer was invoked with for `pk`, across retries. */
const deliveriesOf = (pk: string): DynamoDBRecord[] =>
  recordedEvents<DynamoDBStreamEvent>('stream')
    .flatMap((event) => event.Records)
    .filter((record) => record.dynamodb?.Keys?.pk?.S === pk);

/** The batches the consumer was invoked with that held `pk`, failed ones included. */
const invocationsWith = (pk: string): DynamoDBRecord[][] =>
  recordedEvents<DynamoDBStreamEvent>('stream')
    .map((event) => event.Records)
    .filter((records) => records.some((r) => r.dynamodb?.Keys?.pk?.S === pk));

/** Whether `pk` was in a batch without a poison record, i.e. one that succeeded. */
const succeeded = (pk: string): boolean =>
  invocationsWith(pk).some((batch) => !batch.some((r) => r.dynamodb?.NewImage?.behaviour?.S === 'poison'));

const put = (item: Item) => stack.dynamodb.send(new PutCommand({ TableName: table, Item: item }));

const writeTogether = (items: Item[]) =>
  stack.dynamodb.send(
    new BatchWriteCommand({ RequestItems: { [table]: items.map((Item) => ({ PutRequest: { Item } })) } }),
  );

/** On-failure messages that describe a batch starting at `sequenceNumber`. */
const onFailureFor = async (sequenceNumber: string) =>
  (await stack.receive('failures', { max: 10 }))
    .map(
      (m) =>
        JSON.parse(m.Body ?? '{}') as { DDBStreamBatchInfo: { startSequenceNumber: string } } & Record<string, unknown>,
    )
    .filter((m) => m.DDBStreamBatchInfo.startSequenceNumber === sequenceNumber);

beforeAll(async () => {
  stack = await startTestStack({ topology: runtimeTestTopology });
  table = stack.resources.tables.items?.physicalName as string;
});

afterAll(async () => {
  await stack?.stop();
});

describe('Offline runtime: stream consumers', () => {
  it('invokes the consumer with a DynamoDB stream event Powertools parses', async () => {
    // Prepare
    const pk = `item-${randomUUID()}`;
    const described = await stack.dynamodb.send(new DescribeTableCommand({ TableName: table }));

    // Act
    await put({ pk, origin: 'local', behaviour: 'ok', kind: 'contact', n: 3 });

    // Assess
    await expect.poll(() => deliveriesOf(pk).length, { timeout: 5_000 }).toBe(1);
    const event = recordedEvents<DynamoDBStreamEvent>('stream').find((e) =>
      e.Records.some((r) => r.dynamodb?.Keys?.pk?.S === pk),
    );
    expect(DynamoDBStreamSchema.safeParse(event).success).toBe(true);
    expect(deliveriesOf(pk)[0]).toMatchObject({
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      eventSourceARN: described.Table?.LatestStreamArn,
      dynamodb: {
        Keys: { pk: { S: pk } },
        NewImage: { pk: { S: pk }, origin: { S: 'local' }, n: { N: '3' } },
        StreamViewType: 'NEW_AND_OLD_IMAGES',
        ApproximateCreationDateTime: expect.any(Number),
      },
    });
  });

  it('drops records that match no filter pattern for good, and still delivers the ones after them', async () => {
    // Prepare
    const fromCrm = `item-${randomUUID()}`;
    const withoutOrigin = `item-${randomUUID()}`;
    const removed = `item-${randomUUID()}`;
    const after = `item-${randomUUID()}`;
    await put({ pk: removed, origin: 'local' });
    await expect.poll(() => deliveriesOf(removed).length, { timeout: 5_000 }).toBe(1);

    // Act
    await put({ pk: fromCrm, origin: 'crm' });
    await put({ pk: withoutOrigin });
    await stack.dynamodb.send(new DeleteCommand({ TableName: table, Key: { pk: removed } }));
    await put({ pk: after, origin: 'local' });

    // Assess
    await expect.poll(() => deliveriesOf(after).length, { timeout: 5_000 }).toBe(1);
    expect(deliveriesOf(fromCrm)).toEqual([]);
    expect(deliveriesOf(withoutOrigin)).toEqual([]);
    expect(deliveriesOf(removed).map((r) => r.eventName)).toEqual(['INSERT']);
  });

  it('sends a record that keeps failing to the on-failure queue after its bounded retries, and processes the records after it', async () => {
    // Prepare
    const [before, poison, next, later] = ['before', 'poison', 'next', 'later'].map(
      (name) => `${name}-${randomUUID()}`,
    ) as [string, string, string, string];

    // Act
    await writeTogether([
      { pk: before, origin: 'local' },
      { pk: poison, origin: 'local', behaviour: 'poison' },
      { pk: next, origin: 'local' },
    ]);
    await put({ pk: later, origin: 'local' });

    // Assess: bisection isolates the poison record, which then runs 1 + retryAttempts (2) times.
    await expect.poll(() => succeeded(later), { timeout: 10_000 }).toBe(true);
    const poisonSequence = deliveriesOf(poison)[0]?.dynamodb?.SequenceNumber as string;
    const alone = invocationsWith(poison).filter((batch) => batch.length === 1);
    expect(alone).toHaveLength(3);
    await expect.poll(() => onFailureFor(poisonSequence).then((m) => m.length), { timeout: 5_000 }).toBe(1);
    const [failure] = await onFailureFor(poisonSequence);
    expect(failure).toMatchObject({
      requestContext: {
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 3,
        functionArn: expect.stringMatching(/:function:t[0-9a-f]{6}-stream$/),
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      DDBStreamBatchInfo: {
        batchSize: 1,
        startSequenceNumber: poisonSequence,
        endSequenceNumber: poisonSequence,
        streamArn: expect.any(String),
      },
    });
    expect(succeeded(before)).toBe(true);
    expect(succeeded(next)).toBe(true);
  });

  it('checkpoints before a reported item failure, retries from it, and gives up on that record alone', async () => {
    // Prepare
    const [first, rejected, last] = ['first', 'rejected', 'last'].map((name) => `${name}-${randomUUID()}`) as [
      string,
      string,
      string,
    ];

    // Act
    await writeTogether([
      { pk: first, origin: 'local' },
      { pk: rejected, origin: 'local', behaviour: 'reject' },
      { pk: last, origin: 'local' },
    ]);

    // Assess
    await expect.poll(() => deliveriesOf(rejected).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    const rejectedSequence = deliveriesOf(rejected)[0]?.dynamodb?.SequenceNumber as string;
    await expect.poll(() => onFailureFor(rejectedSequence).then((m) => m.length), { timeout: 5_000 }).toBe(1);
    const [failure] = await onFailureFor(rejectedSequence);
    expect(failure).toMatchObject({ DDBStreamBatchInfo: { batchSize: 1 }, responseContext: { statusCode: 200 } });
    expect(failure?.responseContext).not.toHaveProperty('functionError');
    // The record before the failure was checkpointed: never sent again.
    expect(deliveriesOf(first)).toHaveLength(1);
    await expect.poll(() => deliveriesOf(last).length, { timeout: 5_000 }).toBeGreaterThan(0);
  });
});
