import { beforeAll, describe, expect, it } from 'vitest';
import { type Topology, topology } from '../../lib/topology.js';
import {
  getAtt,
  logicalIdOf,
  nagFindings,
  ref,
  resourcesOf,
  type SynthesizedApp,
  synthesizeApp,
} from './stack-fixture.js';

/**
 * The project topology plus members of every kind the stack must handle
 * although the real one may not have them yet: a second stream consumer
 * with two filter patterns and a schedule. Both point to the health handler,
 * which exists and bundles fast.
 */
const extended: Topology = {
  ...topology,
  functions: {
    ...topology.functions,
    conflictWatcher: {
      description: 'Test: reads records changes.',
      entry: 'functions/platform/health/handler.ts',
      memoryMb: 384,
      timeoutSeconds: 20,
      tables: { conflicts: ['GetItem', 'PutItem'] },
    },
    nightlyReport: {
      description: 'Test: runs on a schedule.',
      entry: 'functions/platform/health/handler.ts',
      memoryMb: 256,
      timeoutSeconds: 120,
      tables: { syncLog: ['Query'], control: ['UpdateItem'] },
      queues: { outbound: 'send' },
    },
  },
  streamConsumers: [
    ...topology.streamConsumers,
    {
      table: 'records',
      function: 'conflictWatcher',
      batchSize: 7,
      maxBatchingWindowSeconds: 2,
      startingPosition: 'TRIM_HORIZON',
      retryAttempts: 4,
      bisectBatchOnError: false,
      onFailure: 'streamFailures',
      filters: [
        { eventName: ['REMOVE'] },
        { eventName: ['MODIFY'], dynamodb: { NewImage: { origin: { S: [{ 'anything-but': 'local' }] } } } },
      ],
    },
  ],
  schedules: [
    ...topology.schedules,
    { name: 'nightly-report', function: 'nightlyReport', expression: 'cron(0 3 * * ? *)' },
    { name: 'hourly-report', function: 'nightlyReport', expression: 'rate(1 hour)' },
  ],
};

let built: SynthesizedApp;

beforeAll(() => {
  built = synthesizeApp({ topology: extended });
}, 120_000);

const fnId = (name: string): string => {
  const fn = built.stack.functions.get(name);
  if (!fn) throw new Error(`no function ${name}`);
  return logicalIdOf(fn.function);
};

describe('Class: SyncToolsStack with an extended topology', () => {
  it('builds the added stream consumer with its own settings and both filter patterns', () => {
    // Prepare
    const records = built.stack.tables.get('records');
    const failures = built.stack.queues.get('streamFailures');
    if (!records || !failures) throw new Error('topology changed');

    // Assess
    built.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: ref(fnId('conflictWatcher')),
      EventSourceArn: getAtt(logicalIdOf(records), 'StreamArn'),
      BatchSize: 7,
      MaximumBatchingWindowInSeconds: 2,
      StartingPosition: 'TRIM_HORIZON',
      MaximumRetryAttempts: 4,
      BisectBatchOnFunctionError: false,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: getAtt(logicalIdOf(failures.queue), 'Arn') } },
      FilterCriteria: {
        Filters: [
          { Pattern: '{"eventName":["REMOVE"]}' },
          { Pattern: '{"eventName":["MODIFY"],"dynamodb":{"NewImage":{"origin":{"S":[{"anything-but":"local"}]}}}}' },
        ],
      },
    });
  });

  it.each([
    ['nightly-report', 'cron(0 3 * * ? *)'],
    ['hourly-report', 'rate(1 hour)'],
  ])('runs the %s schedule with bounded retries and a DLQ', (name, expression) => {
    // Prepare
    const failures = built.stack.scheduleFailures;
    if (!failures) throw new Error('no schedule failures queue');

    // Assess
    built.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: expression,
      State: 'ENABLED',
      Description: `sync-tools ${name}: runs nightlyReport on ${expression}.`,
      Targets: [
        {
          Arn: getAtt(fnId('nightlyReport'), 'Arn'),
          Id: 'Target0',
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: { Arn: getAtt(logicalIdOf(failures), 'Arn') },
        },
      ],
    });
  });

  it('sends failed asynchronous invocations of a scheduled function to the schedule failures queue', () => {
    // Prepare
    const failures = built.stack.scheduleFailures;
    if (!failures) throw new Error('no schedule failures queue');
    const functions = resourcesOf(built.template, 'AWS::Lambda::Function');

    // Assess
    expect(functions[fnId('nightlyReport')]?.Properties?.DeadLetterConfig).toEqual({
      TargetArn: getAtt(logicalIdOf(failures), 'Arn'),
    });
    expect(functions[fnId('conflictWatcher')]?.Properties?.DeadLetterConfig).toBeUndefined();
    expect(resourcesOf(built.template, 'AWS::SQS::Queue')[logicalIdOf(failures)]?.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 86_400,
    });
  });

  it('lets only the schedule rules send to the schedule failures queue, over TLS', () => {
    // Prepare
    const failures = built.stack.scheduleFailures;
    if (!failures) throw new Error('no schedule failures queue');
    const policy = Object.values(resourcesOf(built.template, 'AWS::SQS::QueuePolicy')).find(
      (p) => JSON.stringify(p.Properties?.Queues) === JSON.stringify([ref(logicalIdOf(failures))]),
    );
    const statements = (policy?.Properties?.PolicyDocument as { Statement: Record<string, unknown>[] } | undefined)
      ?.Statement;

    // Assess
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        expect.objectContaining({
          Effect: 'Allow',
          Action: 'sqs:SendMessage',
          Principal: { Service: 'events.amazonaws.com' },
          Condition: { ArnEquals: { 'aws:SourceArn': expect.anything() } },
        }),
      ]),
    );
  });

  it('stays free of unacknowledged nag findings', () => {
    // Assess
    expect(nagFindings(built)).toEqual([]);
  });
});
