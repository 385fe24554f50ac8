import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { SyncFunction } from './sync-function.js';
import type { SyncHttpApi } from './sync-http-api.js';
import type { SyncQueue } from './sync-queue.js';

/** The CloudWatch namespace of the project's own metrics (`POWERTOOLS_METRICS_NAMESPACE`, written as EMF by `functions/kernel/integration-metric.ts`). */
const METRICS_NAMESPACE = 'SyncTools';

/**
 * Every threshold of the alarms, with why it is that number. Exported so
 * the template test checks the alarms against the very same values.
 */
const alarmThresholds = {
  /** Any message in a DLQ is a change that did not get through and waits for a person. */
  deadLetterMessages: 0,
  /**
   * One hour. A healthy message leaves the queue within seconds; a failing
   * one spends at most about 11 minutes of backoff (5 s doubling to 320 s:
   * 635 s for the 8 failures of the budget) before it is dead-lettered, and
   * the stream-failure replayer spends at most 5 receives of 60 s. Older
   * than an hour means a vendor has rate-limited us that long (the dispatcher
   * waits up to 24 h), the consumer is stuck, or a group is blocked behind
   * one message: changes are an hour late, the default `max_sync_lag_minutes`.
   */
  oldestMessageSeconds: 3600,
  /**
   * Ten minutes behind the stream. Consumers read with no batching window,
   * so a healthy one is seconds behind; a failing batch can hold its shard
   * for a few minutes (3 retries with bisection, each up to the consumer's
   * 30 s timeout). Past that, changes are late and the stream's 24 h
   * retention is being eaten into.
   */
  iteratorAgeMs: 600_000,
  /**
   * Any error in five minutes. Handled failures do not count as Lambda
   * errors (HTTP handlers answer 4xx or 5xx, queue and stream consumers
   * report failed items), so an error is a crash, a timeout or a bug.
   */
  functionErrors: 0,
  /** Any throttle: a function hit its reserved concurrency or the account's limit, and work waited. */
  functionThrottles: 0,
  /**
   * 5 % of requests in five minutes answered 5xx, once there are at least
   * {@link MIN_REQUESTS_FOR_RATE} of them. Vendors redeliver a webhook
   * answered 5xx, so a stray one heals itself (and a crash behind it raises
   * the function's Errors alarm anyway); one in twenty is systematic.
   */
  serverErrorPercent: 5,
} as const;

/** Below this many requests in a period, the 5xx rate reads 0: one failure of three requests is noise. */
const MIN_REQUESTS_FOR_RATE = 10;

const FIVE_MINUTES = Duration.minutes(5);

/** What one alarm watches, for the dashboard and the tests. */
export type AlarmKind =
  | 'dead-letter-depth'
  | 'oldest-message-age'
  | 'iterator-age'
  | 'function-errors'
  | 'function-throttles'
  | 'api-server-error-rate';

/** One alarm as built, with what it watches. */
export interface MonitoredAlarm {
  readonly kind: AlarmKind;
  /** The topology name it concerns (queue, function) or `api`. */
  readonly subject: string;
  readonly alarm: cloudwatch.Alarm;
}

export interface SyncMonitoringProps {
  /** Every queue of the topology: each DLQ gets a depth alarm. */
  readonly queues: ReadonlyMap<string, SyncQueue>;
  /** Queues something consumes (topology `queueConsumers`): each gets an age-of-oldest-message alarm. */
  readonly consumedQueues: readonly string[];
  /** Other dead-letter queues by name (the schedules' failures), each with a depth alarm. */
  readonly otherDeadLetterQueues?: ReadonlyMap<string, sqs.IQueue>;
  /** Every function: each gets an Errors and a Throttles alarm. */
  readonly functions: ReadonlyMap<string, SyncFunction>;
  /** Functions that consume a DynamoDB stream (topology `streamConsumers`): each gets an IteratorAge alarm. */
  readonly streamConsumers: readonly string[];
  readonly api: SyncHttpApi;
  /** Who gets the alarm mail; without it the topic has no subscription (subscribe by hand, or chat). */
  readonly alarmEmail?: string;
}

/**
 * The CloudWatch side of sync-tools: an alarm per thing that can go wrong
 * unseen, built from the topology's pieces so a new queue, function or
 * stream consumer gets its alarms without an edit here, one SNS topic every
 * alarm notifies (on alarm and on recovery), and a dashboard with a widget
 * per alarm and the project's own metrics (changes in and out per
 * integration, conflicts, alerts sent).
 *
 * The topic is encrypted with a customer-managed KMS key: CloudWatch cannot
 * publish to a topic under the AWS-managed SNS key, whose policy it cannot
 * be added to. Plain `aws-cloudwatch` constructs rather than cdklabs'
 * `cdk-monitoring-constructs`: see the README's "Monitoring" section.
 *
 * @example
 * const monitoring = new SyncMonitoring(this, 'Monitoring', {
 *   queues, consumedQueues: ['outbound'], functions, streamConsumers: ['syncLogWriter'], api,
 *   alarmEmail: 'ops@example.com',
 * });
 */
export class SyncMonitoring extends Construct {
  public readonly topic: sns.Topic;
  public readonly topicKey: kms.Key;
  /** The mail subscription, when an address was given. */
  public readonly emailSubscription?: sns.Subscription;
  public readonly alarms: readonly MonitoredAlarm[];
  public readonly dashboard: cloudwatch.Dashboard;

  public constructor(scope: Construct, id: string, props: SyncMonitoringProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.topicKey = new kms.Key(this, 'TopicKey', {
      description: 'sync-tools: encrypts the alarm topic; CloudWatch may use it to publish alarms.',
      enableKeyRotation: true,
    });
    const fromThisAccount = { StringEquals: { 'aws:SourceAccount': stack.account } };
    this.topicKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromThisAccount,
      }),
    );
    this.topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'sync-tools alarms',
      masterKey: this.topicKey,
      enforceSSL: true,
    });
    // enforceSSL gives the topic a policy of its own, which replaces SNS's default one: CloudWatch needs its leave.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: fromThisAccount,
      }),
    );
    if (props.alarmEmail) {
      this.emailSubscription = this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    }

    const alarms: MonitoredAlarm[] = [];
    const action = new SnsAction(this.topic);
    const add = (kind: AlarmKind, subject: string, alarm: cloudwatch.Alarm): void => {
      alarm.addAlarmAction(action);
      // The recovery notice: the same mail says when it is over.
      alarm.addOkAction(action);
      alarms.push({ kind, subject, alarm });
    };
    const above = (
      name: string,
      metric: cloudwatch.IMetric,
      threshold: number,
      description: string,
    ): cloudwatch.Alarm =>
      new cloudwatch.Alarm(this, name, {
        alarmName: `${stack.stackName}-${name}`,
        alarmDescription: description,
        metric,
        threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        // No data means no traffic (SQS and Lambda publish nothing for idle resources): nothing is wrong.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });

    const deadLetterQueues = new Map<string, sqs.IQueue>([
      ...[...props.queues].map(([name, queue]): [string, sqs.IQueue] => [name, queue.deadLetterQueue]),
      ...(props.otherDeadLetterQueues ?? new Map()),
    ]);
    for (const [name, queue] of deadLetterQueues) {
      add(
        'dead-letter-depth',
        name,
        above(
          `${idOf(name)}DlqDepth`,
          queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: FIVE_MINUTES }),
          alarmThresholds.deadLetterMessages,
          `The ${name} dead-letter queue holds messages: each is a change or call that did not get through. ` +
            'See GET /admin/dlq for the causes; redrive with POST /admin/dlq/redrive after a fix.',
        ),
      );
    }

    for (const name of new Set(props.consumedQueues)) {
      const queue = props.queues.get(name);
      if (!queue) throw new Error(`Queue "${name}" has a consumer but is not declared in the topology.`);
      add(
        'oldest-message-age',
        name,
        above(
          `${idOf(name)}OldestMessageAge`,
          queue.queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period: FIVE_MINUTES }),
          alarmThresholds.oldestMessageSeconds,
          `The oldest message of the ${name} queue waited over ${alarmThresholds.oldestMessageSeconds / 60} minutes: ` +
            'a vendor is rate-limiting or failing, or the consumer is stuck. Changes are late.',
        ),
      );
    }

    for (const name of new Set(props.streamConsumers)) {
      add(
        'iterator-age',
        name,
        above(
          `${idOf(name)}IteratorAge`,
          lookup(props.functions, name).function.metric('IteratorAge', {
            statistic: 'Maximum',
            period: FIVE_MINUTES,
          }),
          alarmThresholds.iteratorAgeMs,
          `The stream consumer ${name} is over ${alarmThresholds.iteratorAgeMs / 60_000} minutes behind its stream: ` +
            'it fails or is too slow, and stream records expire after 24 hours.',
        ),
      );
    }

    for (const [name, fn] of props.functions) {
      add(
        'function-errors',
        name,
        above(
          `${idOf(name)}Errors`,
          fn.function.metricErrors({ statistic: 'Sum', period: FIVE_MINUTES }),
          alarmThresholds.functionErrors,
          `The ${name} function crashed or timed out (handled failures are not Lambda errors): see its log group.`,
        ),
      );
      add(
        'function-throttles',
        name,
        above(
          `${idOf(name)}Throttles`,
          fn.function.metricThrottles({ statistic: 'Sum', period: FIVE_MINUTES }),
          alarmThresholds.functionThrottles,
          `Invocations of the ${name} function were throttled: it reached its reserved concurrency or the account's.`,
        ),
      );
    }

    const serverErrorRate = new cloudwatch.MathExpression({
      label: '5xx %',
      expression: `IF(requests >= ${MIN_REQUESTS_FOR_RATE}, 100 * errors / requests, 0)`,
      usingMetrics: {
        errors: props.api.api.metricServerError({ statistic: 'Sum', period: FIVE_MINUTES }),
        requests: props.api.api.metricCount({ statistic: 'Sum', period: FIVE_MINUTES }),
      },
      period: FIVE_MINUTES,
    });
    add(
      'api-server-error-rate',
      'api',
      above(
        'ApiServerErrorRate',
        serverErrorRate,
        alarmThresholds.serverErrorPercent,
        `Over ${alarmThresholds.serverErrorPercent} % of HTTP API requests answered 5xx in five minutes ` +
          `(with ${MIN_REQUESTS_FOR_RATE} requests or more): see the access logs and the functions' Errors alarms.`,
      ),
    );
    this.alarms = alarms;

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${stack.stackName}-sync-tools`,
      defaultInterval: Duration.hours(24),
    });
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: '# sync-tools\nChanges in and out per integration, conflicts and alerts, then one widget per alarm.',
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      perIntegration('Changes in (synced) per integration', 'Inbound_synced'),
      perIntegration('Changes out (delivered) per integration', 'Outbound_delivered'),
      perIntegration('Conflicts opened per integration', 'Conflict_opened'),
      perIntegration('Alerts sent per channel', 'Alert_sent'),
    );
    const titles: Record<AlarmKind, string> = {
      'dead-letter-depth': 'DLQ depth',
      'oldest-message-age': 'Age of the oldest message (s)',
      'iterator-age': 'Stream iterator age (ms)',
      'function-errors': 'Errors',
      'function-throttles': 'Throttles',
      'api-server-error-rate': 'HTTP API 5xx rate (%)',
    };
    this.dashboard.addWidgets(
      ...alarms.map(
        ({ kind, subject, alarm }) =>
          new cloudwatch.AlarmWidget({ title: `${subject}: ${titles[kind]}`, alarm, width: 6, height: 5 }),
      ),
    );
  }
}

/**
 * A graph of one of the project's own metrics, one line per integration:
 * a search, so an integration added later shows up without an edit.
 * Every count also carries the `service` dimension (`countForIntegration`).
 */
const perIntegration = (title: string, metricName: string): cloudwatch.GraphWidget =>
  new cloudwatch.GraphWidget({
    title,
    width: 6,
    height: 6,
    stacked: true,
    left: [
      new cloudwatch.MathExpression({
        expression: `SEARCH('{${METRICS_NAMESPACE},integration,service} MetricName="${metricName}"', 'Sum', 300)`,
        label: '',
        period: FIVE_MINUTES,
      }),
    ],
  });

const lookup = <V>(map: ReadonlyMap<string, V>, key: string): V => {
  const value = map.get(key);
  if (value === undefined) throw new Error(`"${key}" is not declared in the topology.`);
  return value;
};

/** `streamFailures` -> `StreamFailures`, for construct ids and alarm names. */
const idOf = (name: string): string =>
  name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');

export { METRICS_NAMESPACE, MIN_REQUESTS_FOR_RATE, alarmThresholds };
