import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import {
  compareSequenceNumbers,
  functionNameOfArn,
  NotAStreamFailure,
  parseStreamFailureRecord,
} from '../../functions/platform/stream-failures/failure-record.js';
import { RecordsGone } from '../../functions/platform/stream-failures/read-batch.js';
import {
  invokeFailure,
  type ReplayPorts,
  replayStreamFailure,
} from '../../functions/platform/stream-failures/replay.js';
import { streamFailureRecord } from '../../local/stream-records.js';

const STREAM = 'arn:aws:dynamodb:us-east-1:123456789012:table/records/stream/2025-01-01T00:00:00.000';
const FUNCTION = 'arn:aws:lambda:us-east-1:123456789012:function:crm-outbound';

/** The example invocation record AWS documents for a DynamoDB stream. */
const awsExample = {
  requestContext: {
    requestId: '316aa6d0-8154-xmpl-9af7-85d5f4a6bc81',
    functionArn: 'arn:aws:lambda:us-east-2:123456789012:function:myfunction',
    condition: 'RetryAttemptsExhausted',
    approximateInvokeCount: 1,
  },
  responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
  version: '1.0',
  timestamp: '2019-11-14T00:13:49.717Z',
  DDBStreamBatchInfo: {
    shardId: 'shardId-00000001573689847184-864758bb',
    startSequenceNumber: '800000000003126276362',
    endSequenceNumber: '800000000003126276362',
    approximateArrivalOfFirstRecord: '2019-11-14T00:13:19Z',
    approximateArrivalOfLastRecord: '2019-11-14T00:13:19Z',
    batchSize: 1,
    streamArn: 'arn:aws:dynamodb:us-east-2:123456789012:table/mytable/stream/2019-11-14T00:04:06.388',
  },
};

const failure = (start = '100', end = '300') =>
  parseStreamFailureRecord(
    JSON.stringify({
      ...awsExample,
      requestContext: { ...awsExample.requestContext, functionArn: FUNCTION },
      DDBStreamBatchInfo: {
        ...awsExample.DDBStreamBatchInfo,
        startSequenceNumber: start,
        endSequenceNumber: end,
        streamArn: STREAM,
      },
    }),
  );

const raw = (sequence: string, origin: string): _Record => ({
  eventID: `e-${sequence}`,
  eventName: 'MODIFY',
  dynamodb: {
    Keys: { pk: { S: `contact#${sequence}` } },
    NewImage: { pk: { S: `contact#${sequence}` }, origin: { S: origin }, photo: { B: new Uint8Array([1, 2]) } },
    SequenceNumber: sequence,
    SizeBytes: 10,
    StreamViewType: 'NEW_AND_OLD_IMAGES',
    ApproximateCreationDateTime: new Date('2025-06-01T10:00:00Z'),
  },
});

const ports = (overrides: Partial<ReplayPorts> = {}): ReplayPorts => ({
  consumers: [
    {
      function: 'crm-outbound',
      table: 'records',
      filters: [{ dynamodb: { NewImage: { origin: { S: [{ 'anything-but': ['crm'] }] } } } }],
    },
  ],
  region: 'us-east-1',
  readBatch: async () => [raw('100', 'local'), raw('200', 'crm'), raw('300', 'local')],
  invoke: async () => undefined,
  ...overrides,
});

describe('Stream failures: the on-failure record', () => {
  it('parses the example AWS documents', () => {
    // Act
    const parsed = parseStreamFailureRecord(JSON.stringify(awsExample));

    // Assess
    expect(parsed.DDBStreamBatchInfo).toMatchObject({ startSequenceNumber: '800000000003126276362', batchSize: 1 });
    expect(functionNameOfArn(parsed.requestContext.functionArn)).toBe('myfunction');
  });

  it('parses what the offline stream poller sends, with the same fields as AWS', () => {
    // Prepare
    const record = { dynamodb: { SequenceNumber: '42', ApproximateCreationDateTime: 1_748_772_000 } } as DynamoDBRecord;
    const sent = streamFailureRecord([record], {
      requestId: 'r-1',
      functionArn: FUNCTION,
      approximateInvokeCount: 4,
      functionError: 'Unhandled',
      shardId: 'shard-1',
      streamArn: STREAM,
    });

    // Act
    const parsed = parseStreamFailureRecord(JSON.stringify(sent));

    // Assess
    expect(Object.keys(sent).sort()).toEqual(Object.keys(awsExample).sort());
    expect(Object.keys(sent.DDBStreamBatchInfo).sort()).toEqual(Object.keys(awsExample.DDBStreamBatchInfo).sort());
    expect(Object.keys(sent.requestContext).sort()).toEqual(Object.keys(awsExample.requestContext).sort());
    expect(sent.DDBStreamBatchInfo.approximateArrivalOfFirstRecord).toBe('2025-06-01T10:00:00Z');
    expect(parsed.DDBStreamBatchInfo).toMatchObject({
      shardId: 'shard-1',
      startSequenceNumber: '42',
      endSequenceNumber: '42',
    });
  });

  it.each([
    ['not JSON', 'nope', 'not JSON'],
    ['a Kinesis record', JSON.stringify({ ...awsExample, DDBStreamBatchInfo: undefined }), 'DDBStreamBatchInfo'],
    [
      'a sequence number that is not one',
      JSON.stringify({
        ...awsExample,
        DDBStreamBatchInfo: { ...awsExample.DDBStreamBatchInfo, startSequenceNumber: '12a' },
      }),
      'startSequenceNumber',
    ],
    [
      'a function that is not an ARN',
      JSON.stringify({ ...awsExample, requestContext: { ...awsExample.requestContext, functionArn: 'crm-outbound' } }),
      'functionArn',
    ],
  ])('refuses %s, naming what is wrong', (_label, body, named) => {
    // Act / Assess
    expect(() => parseStreamFailureRecord(body)).toThrow(NotAStreamFailure);
    expect(() => parseStreamFailureRecord(body)).toThrow(named);
  });

  it('compares sequence numbers longer than a double holds', () => {
    // Act / Assess
    expect(compareSequenceNumbers('800000000003126276362', '800000000003126276363')).toBe(-1);
    expect(compareSequenceNumbers('900', '1000')).toBe(-1);
    expect(compareSequenceNumbers('1000', '1000')).toBe(0);
  });
});

describe('Stream failures: replaying a batch', () => {
  it("replays only the records the consumer's filters let through, as Lambda delivers them", async () => {
    // Prepare
    const invoke = vi.fn<ReplayPorts['invoke']>(async () => undefined);

    // Act
    const outcome = await replayStreamFailure(failure(), ports({ invoke }));

    // Assess
    expect(outcome).toEqual({ kind: 'replayed', records: 2, filteredOut: 1 });
    expect(invoke).toHaveBeenCalledTimes(1);
    const [arn, event] = invoke.mock.calls[0] ?? [];
    expect(arn).toBe(FUNCTION);
    expect(event?.Records.map((r) => r.dynamodb?.SequenceNumber)).toEqual(['100', '300']);
    expect(event?.Records[0]).toMatchObject({
      eventSource: 'aws:dynamodb',
      eventSourceARN: STREAM,
      awsRegion: 'us-east-1',
      dynamodb: { ApproximateCreationDateTime: 1_748_772_000, NewImage: { photo: { B: 'AQI=' } } },
    });
  });

  it('invokes nothing when the filters drop every record', async () => {
    // Prepare
    const invoke = vi.fn<ReplayPorts['invoke']>(async () => undefined);

    // Act
    const outcome = await replayStreamFailure(failure(), ports({ invoke, readBatch: async () => [raw('200', 'crm')] }));

    // Assess
    expect(outcome).toEqual({ kind: 'nothing-to-replay', filteredOut: 1 });
    expect(invoke).not.toHaveBeenCalled();
  });

  it('calls a batch whose records are gone unreplayable, with the reason', async () => {
    // Act
    const outcome = await replayStreamFailure(
      failure(),
      ports({ readBatch: async () => Promise.reject(new RecordsGone('the records are no longer in the stream')) }),
    );

    // Assess
    expect(outcome).toEqual({ kind: 'unreplayable', reason: 'the records are no longer in the stream' });
  });

  it('lets a passing read error through, to be retried', async () => {
    // Act / Assess
    await expect(
      replayStreamFailure(failure(), ports({ readBatch: async () => Promise.reject(new Error('throttled')) })),
    ).rejects.toThrow('throttled');
  });

  it('calls a batch for an unknown consumer unreplayable', async () => {
    // Act
    const outcome = await replayStreamFailure(failure(), ports({ consumers: [] }));

    // Assess
    expect(outcome).toEqual({
      kind: 'unreplayable',
      reason: 'no stream consumer named crm-outbound is known to the replayer',
    });
  });

  it('reports a consumer that fails again as failed, with why', async () => {
    // Act
    const outcome = await replayStreamFailure(failure(), ports({ invoke: async () => 'it threw (Unhandled): boom' }));

    // Assess
    expect(outcome).toEqual({ kind: 'failed', reason: 'crm-outbound failed again: it threw (Unhandled): boom' });
  });

  it.each([
    [undefined, '{"batchItemFailures":[]}', undefined],
    [undefined, '', undefined],
    [undefined, 'null', undefined],
    [undefined, '{"batchItemFailures":[{"itemIdentifier":"100"}]}', 'it reported 1 record(s) as failed'],
    ['Unhandled', '{"errorType":"Error","errorMessage":"boom"}', 'it threw (Unhandled): boom'],
  ])('reads the answer (%s, %s) of a consumer as %s', (functionError, payload, expected) => {
    // Act / Assess
    expect(invokeFailure(functionError, payload)).toBe(expected);
  });
});
