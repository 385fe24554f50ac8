import { beforeAll, describe, expect, it } from 'vitest';
import { MIN_REQUESTS_FOR_RATE, alarmThresholds } from '../../lib/constructs/sync-monitoring.js';
import { type Topology, topology } from '../../lib/topology.js';
import {
  type CfnResourceJson,
  getAtt,
  logicalIdOf,
  nagFindings,
  ref,
  resourcesOf,
  type SynthesizedApp,
  synthesizeApp,
} from './stack-fixture.js';

/** The project topology plus a queue with a consumer and a second stream consumer, none of which the alarms name. */
const extended: Topology = {
  ...topology,
  queues: {
    ...topology.queues,
    reports: {
      description: 'Test: a queue with a consumer.',
      fifo: false,
      visibilityTimeoutSeconds: 60,
      maxReceiveCount: 3,
      retentionDays: 4,
    },
  },
  functions: {
    ...topology.functions,
    reportWriter: {
      description: 'Test: consumes reports and reads records changes.',
      entry: 'functions/platform/health/handler.ts',
      memoryMb: 256,
      timeoutSeconds: 10,
      queues: { reports: 'consume' },
    },
  },
  streamConsumers: [
    ...topology.streamConsumers,
    {
      table: 'records',
      function: 'reportWriter',
      batchSize: 10,
      maxBatchingWindowSeconds: 0,
      startingPosition: 'LATEST',
      retryAttempts: 3,
      bisectBatchOnError: true,
      onFailure: 'streamFailures',
      filters: [{ eventName: ['INSERT'] }],
    },
  ],
  queueConsumers: [
    ...topology.queueConsumers,
    { queue: 'reports', function: 'reportWriter', batchSize: 1, maxBatchingWindowSeconds: 0, maxConcurrency: 2 },
  ],
};

/** How many alarms a topology must get: what the brief asks for, counted from the topology alone. */
const expectedAlarmCount = (given: Topology): number =>
  Object.keys(given.queues).length + // each queue's DLQ
  (given.schedules.length > 0 ? 1 : 0) + // the schedules' failure queue
  new Set(given.queueConsumers.map((consumer) => consumer.queue)).size + // age of the oldest message
  new Set(given.streamConsumers.map((consumer) => consumer.function)).size + // iterator age
  2 * Object.keys(given.functions).length + // errors and throttles
  1; // the HTTP API's 5xx rate

type AlarmProps = Record<string, unknown> & {
  MetricName?: string;
  Namespace?: string;
  Dimensions?: { Name: string; Value: unknown }[];
  Metrics?: Record<string, unknown>[];
};

/** The alarms on one metric of one resource (found by the logical id in its dimensions). */
const alarmsOn = (built: SynthesizedApp, metricName: string, dimensionValue: unknown): AlarmProps[] =>
  Object.values(resourcesOf(built.template, 'AWS::CloudWatch::Alarm'))
    .map((alarm: CfnResourceJson) => alarm.Properties as AlarmProps)
    .filter(
      (props) =>
        props.MetricName === metricName &&
        (props.Dimensions ?? []).some(
          (dimension) => JSON.stringify(dimension.Value) === JSON.stringify(dimensionValue),
        ),
    );

/** The one alarm on a metric of a resource; fails when there is none or more than one. */
const onlyAlarmOn = (built: SynthesizedApp, metricName: string, dimensionValue: unknown): AlarmProps => {
  const found = alarmsOn(built, metricName, dimensionValue);
  expect(found, `alarms on ${metricName} of ${JSON.stringify(dimensionValue)}`).toHaveLength(1);
  return found[0] as AlarmProps;
};

/** What every alarm shares: above the threshold, one period, quiet without data, mail on alarm and on recovery. */
const expectNotifies = (built: SynthesizedApp, props: AlarmProps, threshold: number): void => {
  const topic = ref(logicalIdOf(built.stack.monitoring.topic));
  expect(props).toMatchObject({
    Threshold: threshold,
    ComparisonOperator: 'GreaterThanThreshold',
    EvaluationPeriods: 1,
    TreatMissingData: 'notBreaching',
    AlarmActions: [topic],
    OKActions: [topic],
  });
};

describe('the CloudWatch alarms of the project stack', () => {
  let built: SynthesizedApp;
  beforeAll(() => {
    built = synthesizeApp();
  });

  it('has one alarm per DLQ, consumed queue, stream consumer, function (two) and the API', () => {
    // Prepare
    const expected = expectedAlarmCount(topology);

    // Act
    const alarms = resourcesOf(built.template, 'AWS::CloudWatch::Alarm');

    // Assess
    expect(Object.keys(alarms)).toHaveLength(expected);
    expect(expected).toBeGreaterThan(30);
  });

  it('alarms when any dead-letter queue holds a message', () => {
    // Prepare
    const deadLetterQueues = [...built.stack.queues.values()].map((queue) => queue.deadLetterQueue);
    if (built.stack.scheduleFailures) deadLetterQueues.push(built.stack.scheduleFailures);

    for (const queue of deadLetterQueues) {
      // Act
      const alarm = onlyAlarmOn(built, 'ApproximateNumberOfMessagesVisible', getAtt(logicalIdOf(queue), 'QueueName'));

      // Assess
      expect(alarm).toMatchObject({ Namespace: 'AWS/SQS', Statistic: 'Maximum', Period: 300 });
      expectNotifies(built, alarm, 0);
    }
    expect(deadLetterQueues.length).toBe(Object.keys(topology.queues).length + 1);
  });

  it('alarms when the oldest message of a consumed queue is older than an hour', () => {
    // Prepare
    const consumed = [...new Set(topology.queueConsumers.map((consumer) => consumer.queue))];
    expect(consumed).toContain('outbound');

    for (const name of consumed) {
      const queue = built.stack.queues.get(name)?.queue;
      if (!queue) throw new Error(`no queue ${name}`);

      // Act
      const alarm = onlyAlarmOn(built, 'ApproximateAgeOfOldestMessage', getAtt(logicalIdOf(queue), 'QueueName'));

      // Assess
      expect(alarm).toMatchObject({ Namespace: 'AWS/SQS', Statistic: 'Maximum', Period: 300 });
      expectNotifies(built, alarm, 3600);
    }
  });

  it('alarms when a stream consumer is ten minutes behind its stream', () => {
    // Prepare
    const consumers = [...new Set(topology.streamConsumers.map((consumer) => consumer.function))];
    expect(consumers.length).toBeGreaterThan(0);

    for (const name of consumers) {
      const fn = built.stack.functions.get(name)?.function;
      if (!fn) throw new Error(`no function ${name}`);

      // Act
      const alarm = onlyAlarmOn(built, 'IteratorAge', ref(logicalIdOf(fn)));

      // Assess
      expect(alarm).toMatchObject({ Namespace: 'AWS/Lambda', Statistic: 'Maximum', Period: 300 });
      expectNotifies(built, alarm, 600_000);
    }
  });

  it('alarms on any error and any throttle of every function', () => {
    for (const [name, syncFunction] of built.stack.functions) {
      // Prepare
      const functionName = ref(logicalIdOf(syncFunction.function));

      // Act
      const errors = onlyAlarmOn(built, 'Errors', functionName);
      const throttles = onlyAlarmOn(built, 'Throttles', functionName);

      // Assess
      expect(errors, name).toMatchObject({ Namespace: 'AWS/Lambda', Statistic: 'Sum', Period: 300 });
      expect(throttles, name).toMatchObject({ Namespace: 'AWS/Lambda', Statistic: 'Sum', Period: 300 });
      expectNotifies(built, errors, 0);
      expectNotifies(built, throttles, 0);
    }
    expect(built.stack.functions.size).toBe(Object.keys(topology.functions).length);
  });

  it('alarms when over 5 % of the HTTP API requests answer 5xx, from ten requests on', () => {
    // Prepare
    const apiId = ref(logicalIdOf(built.stack.api.api));

    // Act
    const rateAlarms = Object.values(resourcesOf(built.template, 'AWS::CloudWatch::Alarm'))
      .map((alarm) => alarm.Properties as AlarmProps)
      .filter((props) => props.Metrics !== undefined);

    // Assess
    expect(rateAlarms).toHaveLength(1);
    const alarm = rateAlarms[0] as AlarmProps;
    expectNotifies(built, alarm, 5);
    const metrics = alarm.Metrics ?? [];
    const expression = metrics.find((metric) => metric.Expression !== undefined);
    expect(expression).toMatchObject({
      Expression: `IF(requests >= ${MIN_REQUESTS_FOR_RATE}, 100 * errors / requests, 0)`,
      ReturnData: true,
    });
    const stat = (id: string) => metrics.find((metric) => metric.Id === id)?.MetricStat;
    expect(stat('errors')).toEqual({
      Metric: { Namespace: 'AWS/ApiGateway', MetricName: '5xx', Dimensions: [{ Name: 'ApiId', Value: apiId }] },
      Period: 300,
      Stat: 'Sum',
    });
    expect(stat('requests')).toEqual({
      Metric: { Namespace: 'AWS/ApiGateway', MetricName: 'Count', Dimensions: [{ Name: 'ApiId', Value: apiId }] },
      Period: 300,
      Stat: 'Sum',
    });
  });

  it('states every threshold the tests hold the alarms to', () => {
    // Assess: a change of a threshold is a decision, made here and in the README together.
    expect(alarmThresholds).toEqual({
      deadLetterMessages: 0,
      oldestMessageSeconds: 3600,
      iteratorAgeMs: 600_000,
      functionErrors: 0,
      functionThrottles: 0,
      serverErrorPercent: 5,
    });
  });

  it('notifies an SNS topic that is encrypted with a rotated key and refuses plain HTTP', () => {
    // Prepare
    const topicId = logicalIdOf(built.stack.monitoring.topic);
    const keyId = logicalIdOf(built.stack.monitoring.topicKey);

    // Act
    const topic = resourcesOf(built.template, 'AWS::SNS::Topic')[topicId];
    const key = resourcesOf(built.template, 'AWS::KMS::Key')[keyId];
    const policies = Object.values(resourcesOf(built.template, 'AWS::SNS::TopicPolicy'));

    // Assess
    expect(topic?.Properties?.KmsMasterKeyId).toEqual(getAtt(keyId, 'Arn'));
    expect(key?.Properties?.EnableKeyRotation).toBe(true);
    expect(JSON.stringify(key?.Properties?.KeyPolicy)).toContain('cloudwatch.amazonaws.com');
    const statements = policies.flatMap(
      (policy) =>
        (policy.Properties?.PolicyDocument as { Statement: Record<string, unknown>[] } | undefined)?.Statement ?? [],
    );
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Action: 'sns:Publish',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
      }),
    );
  });

  it('subscribes no address to the topic when no alarm email is given', () => {
    // Act
    const subscriptions = resourcesOf(built.template, 'AWS::SNS::Subscription');

    // Assess
    expect(subscriptions).toEqual({});
  });

  it('shows a widget per alarm and the project metrics per integration on one dashboard', () => {
    // Prepare
    const alarms = Object.keys(resourcesOf(built.template, 'AWS::CloudWatch::Alarm'));

    // Act
    const dashboards = Object.values(resourcesOf(built.template, 'AWS::CloudWatch::Dashboard'));

    // Assess
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]?.Properties?.DashboardBody);
    for (const alarm of alarms) expect(body).toContain(JSON.stringify(getAtt(alarm, 'Arn')));
    for (const metric of ['Inbound_synced', 'Outbound_delivered', 'Conflict_opened', 'Alert_sent']) {
      expect(body).toMatch(new RegExp(`SEARCH\\(.{0,80}MetricName=.{0,8}${metric}`));
    }
  });

  it('leaves cdk-nag with nothing to report', () => {
    expect(nagFindings(built)).toEqual([]);
  });
});

describe('the CloudWatch alarms of a grown topology', () => {
  it('alarm on a new queue, function and stream consumer with no edit to the monitoring', () => {
    // Prepare
    const built = synthesizeApp({ topology: extended });
    const added = built.stack.queues.get('reports');
    const fn = built.stack.functions.get('reportWriter')?.function;
    if (!added || !fn) throw new Error('the extended topology was not built');

    // Act
    const alarms = resourcesOf(built.template, 'AWS::CloudWatch::Alarm');

    // Assess
    expect(Object.keys(alarms)).toHaveLength(expectedAlarmCount(extended));
    expect(expectedAlarmCount(extended)).toBe(expectedAlarmCount(topology) + 5);
    onlyAlarmOn(built, 'ApproximateNumberOfMessagesVisible', getAtt(logicalIdOf(added.deadLetterQueue), 'QueueName'));
    onlyAlarmOn(built, 'ApproximateAgeOfOldestMessage', getAtt(logicalIdOf(added.queue), 'QueueName'));
    onlyAlarmOn(built, 'IteratorAge', ref(logicalIdOf(fn)));
    onlyAlarmOn(built, 'Errors', ref(logicalIdOf(fn)));
    onlyAlarmOn(built, 'Throttles', ref(logicalIdOf(fn)));
  });

  it('mails the alarms to the address given', () => {
    // Act
    const built = synthesizeApp({ alarmEmail: 'ops@example.com' });

    // Assess
    const subscriptions = Object.values(resourcesOf(built.template, 'AWS::SNS::Subscription'));
    expect(subscriptions).toHaveLength(1);
    expect(subscriptions[0]?.Properties).toMatchObject({
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: ref(logicalIdOf(built.stack.monitoring.topic)),
    });
  });
});
