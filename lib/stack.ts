import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import { SCHEDULES_ENV, type ScheduleCatalogueEntry, scheduleDetail } from '../functions/kernel/wiring/schedules.js';
import { type BindableSecret, existingSecret } from './constructs/existing-secret.js';
import { IntegrationSecret } from './constructs/integration-secret.js';
import { SyncFunction } from './constructs/sync-function.js';
import { SyncHttpApi } from './constructs/sync-http-api.js';
import { SyncMonitoring } from './constructs/sync-monitoring.js';
import { SyncQueue } from './constructs/sync-queue.js';
import { SyncTable } from './constructs/sync-table.js';
import { assertDeployable } from './check-topology.js';
import { acknowledgeNagFindings } from './nag.js';
import { topology as projectTopology } from './topology.js';
import type {
  DeadLetterAccess,
  QueueAccess,
  RouteSpec,
  RouteThrottle,
  TableAccess,
  Topology,
} from './topology-spec.js';

/** How a function gets invoked; decides which failure handling applies to it. */
export type Invocation = 'http' | 'authorizer' | 'stream' | 'queue' | 'schedule';

export interface SyncToolsStackProps extends StackProps {
  /** What to build. @default the project's topology (`lib/topology.ts`) */
  readonly topology?: Topology;
  /**
   * SES identities (verified domains or addresses) mail may be sent from.
   * @default any identity of the account and region
   */
  readonly mailIdentities?: readonly string[];
  /** How long function and access logs are kept. @default one month */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Whether functions get the reserved concurrency their spec asks for (the
   * public webhooks). Turn off (`-c reserveConcurrency=false`) only on an
   * account whose Lambda concurrency quota is below 100 plus the sum
   * reserved: Lambda refuses a reservation that leaves fewer than 100
   * unreserved, and new accounts may start with a quota far below 1,000.
   * @default true
   */
  readonly reserveConcurrency?: boolean;
  /**
   * Address the CloudWatch alarms mail (`-c alarmEmail=ops@example.com`);
   * AWS asks it to confirm once. Without it the alarm topic has no
   * subscription. @default none
   */
  readonly alarmEmail?: string;
  /**
   * Secrets that already exist, by integration (`-c secretArns.crm=arn:...`):
   * the stack reads these instead of creating a secret for the integration.
   * Each must name an integration of the topology. @default none, every secret created
   */
  readonly existingSecrets?: Readonly<Record<string, string>>;
  /**
   * The budget of routes that name none, by `auth` (`-c throttle.public=50/100`).
   * @default `routeThrottleDefaults` (public 50/100, admin 10/20)
   */
  readonly routeThrottles?: Partial<Record<RouteSpec['auth'], RouteThrottle>>;
  /** The stage's throttle, the ceiling of any route built without a budget (`-c throttle.stage=100/200`). @default 100/200 */
  readonly stageThrottle?: RouteThrottle;
}

/** How often EventBridge retries a schedule whose target cannot be invoked, before its DLQ. */
const SCHEDULE_RETRY_ATTEMPTS = 2;

/**
 * Every AWS resource of sync-tools, built from the topology and from
 * nothing else: adding a table, queue, function, route, consumer or
 * schedule to `lib/topology.ts` is all it takes to deploy it.
 *
 * The stack is environment-agnostic (no account or region is looked up), so
 * `npx cdk synth` works without AWS credentials. Stateful resources sit in
 * the `Tables` and `Queues` scopes with construct ids derived from their
 * topology names; renaming one replaces it, which the unit tests catch.
 *
 * @example
 * new SyncToolsStack(app, 'SyncTools');
 * new SyncToolsStack(app, 'Test', { topology: { ...topology, schedules: [...] } });
 */
export class SyncToolsStack extends Stack {
  public readonly tables: ReadonlyMap<string, SyncTable>;
  public readonly queues: ReadonlyMap<string, SyncQueue>;
  /** The secrets the stack creates, by integration. */
  public readonly secrets: ReadonlyMap<string, IntegrationSecret>;
  /** The secrets it imports instead (`existingSecrets`), by integration; none of them is created. */
  public readonly existingSecrets: ReadonlyMap<string, BindableSecret>;
  public readonly functions: ReadonlyMap<string, SyncFunction>;
  /** How each function is invoked, by topology name. */
  public readonly invocations: ReadonlyMap<string, ReadonlySet<Invocation>>;
  public readonly api: SyncHttpApi;
  /** Where failed schedule deliveries and invocations go; only when schedules exist. */
  public readonly scheduleFailures?: sqs.Queue;
  /** The SQS event source mappings, which cannot have an on-failure destination. */
  public readonly queueEventSourceMappings: readonly IConstruct[];
  /** The alarms, their topic and the dashboard, built from the topology. */
  public readonly monitoring: SyncMonitoring;

  public constructor(scope: Construct, id: string, props: SyncToolsStackProps = {}) {
    const {
      topology: given,
      mailIdentities,
      logRetention,
      reserveConcurrency,
      alarmEmail,
      existingSecrets = {},
      routeThrottles,
      stageThrottle,
      ...stackProps
    } = props;
    super(scope, id, {
      description: 'sync-tools: keeps business records in step with CRM, ERP, shop, POS, warehouse and HR systems.',
      ...stackProps,
    });
    const topology = given ?? projectTopology;
    // Fail before bundling anything, with every problem at once.
    assertDeployable(topology, 'The topology cannot be deployed');
    const invocations = invocationsOf(topology);
    this.invocations = invocations;

    const tableScope = new Construct(this, 'Tables');
    this.tables = new Map(
      Object.entries(topology.tables).map(([name, spec]) => [
        name,
        new SyncTable(tableScope, constructId(name), { name, spec }),
      ]),
    );

    const queueScope = new Construct(this, 'Queues');
    this.queues = new Map(
      Object.entries(topology.queues).map(([name, spec]) => [
        name,
        new SyncQueue(queueScope, constructId(name), { name, spec }),
      ]),
    );

    const secretScope = new Construct(this, 'Secrets');
    const unknownSecrets = Object.keys(existingSecrets).filter((name) => !Object.hasOwn(topology.integrations, name));
    if (unknownSecrets.length > 0) {
      throw new Error(
        `Existing secrets for integrations the topology does not have: ${unknownSecrets.join(', ')}. ` +
          `Its integrations are: ${Object.keys(topology.integrations).join(', ')}.`,
      );
    }
    this.secrets = new Map(
      Object.entries(topology.integrations)
        .filter(([integration]) => existingSecrets[integration] === undefined)
        .map(([integration, spec]) => [
          integration,
          new IntegrationSecret(secretScope, constructId(integration), { integration, spec }),
        ]),
    );
    this.existingSecrets = new Map(
      Object.entries(existingSecrets).map(([integration, arn]) => [
        integration,
        existingSecret(secretScope, constructId(integration), integration, arn),
      ]),
    );
    const secretOf = (integration: string): BindableSecret | undefined =>
      this.secrets.get(integration) ?? this.existingSecrets.get(integration);

    const scheduleScope = new Construct(this, 'Schedules');
    if (topology.schedules.length > 0) {
      this.scheduleFailures = new sqs.Queue(scheduleScope, 'Failures', {
        enforceSSL: true,
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        retentionPeriod: Duration.days(14),
      });
    }

    const functionScope = new Construct(this, 'Functions');
    this.functions = new Map(
      Object.entries(topology.functions).map(([name, spec]) => {
        const scheduled = invocations.get(name)?.has('schedule') ?? false;
        const fn = new SyncFunction(functionScope, constructId(name), {
          name,
          spec,
          ...(logRetention ? { logRetention } : {}),
          ...(reserveConcurrency === false ? { reserveConcurrency } : {}),
          ...(scheduled && this.scheduleFailures ? { asyncFailureQueue: this.scheduleFailures } : {}),
        });
        for (const [table, access] of entriesOf<TableAccess>(spec.tables)) {
          if (access) fn.bindTable(lookup(this.tables, table, `function ${name}`), access);
        }
        for (const [queue, access] of entriesOf<QueueAccess>(spec.queues)) {
          if (access) fn.bindQueue(lookup(this.queues, queue, `function ${name}`), access);
        }
        for (const [queue, access] of entriesOf<DeadLetterAccess>(spec.deadLetterQueues)) {
          if (access) fn.bindDeadLetterQueue(lookup(this.queues, queue, `function ${name}`), access);
        }
        for (const integration of spec.integrations ?? []) {
          const secret = secretOf(integration);
          if (!secret)
            throw new Error(`function ${name}: integration "${integration}" is not declared in the topology.`);
          fn.bindSecret(secret);
        }
        if (spec.sendsMail) fn.allowSendingMail(mailIdentities);
        return [name, fn];
      }),
    );

    for (const consumer of topology.streamConsumers) {
      const where = `stream consumer ${consumer.function} of ${consumer.table}`;
      const table = lookup(this.tables, consumer.table, where);
      lookup(this.functions, consumer.function, where).function.addEventSource(
        new DynamoEventSource(table, {
          startingPosition: lambda.StartingPosition[consumer.startingPosition],
          batchSize: consumer.batchSize,
          maxBatchingWindow: Duration.seconds(consumer.maxBatchingWindowSeconds),
          retryAttempts: consumer.retryAttempts,
          bisectBatchOnError: consumer.bisectBatchOnError,
          reportBatchItemFailures: true,
          onFailure: new SqsDlq(lookup(this.queues, consumer.onFailure, where).queue),
          // Lambda takes EventBridge-style patterns; the topology holds them as such.
          filters: consumer.filters.map((pattern) => lambda.FilterCriteria.filter(pattern)),
        }),
      );
    }

    for (const [name, spec] of Object.entries(topology.functions)) {
      if (spec.replaysStreamFailures === undefined) continue;
      const consumers = topology.streamConsumers
        .filter((consumer) => consumer.onFailure === spec.replaysStreamFailures)
        .map((consumer) => {
          const where = `stream consumer ${consumer.function} of ${consumer.table}`;
          return {
            fn: lookup(this.functions, consumer.function, where),
            table: lookup(this.tables, consumer.table, where),
            filters: consumer.filters,
          };
        });
      lookup(this.functions, name, 'a stream-failure replayer').allowReplayingStreams(consumers);
    }

    const queueMappings: IConstruct[] = [];
    for (const consumer of topology.queueConsumers) {
      const where = `queue consumer ${consumer.function} of ${consumer.queue}`;
      const queue = lookup(this.queues, consumer.queue, where);
      const fn = lookup(this.functions, consumer.function, where).function;
      const before = new Set(fn.node.children);
      fn.addEventSource(
        new SqsEventSource(queue.queue, {
          batchSize: consumer.batchSize,
          // FIFO sources take no batching window at all, not even zero.
          ...(consumer.maxBatchingWindowSeconds > 0
            ? { maxBatchingWindow: Duration.seconds(consumer.maxBatchingWindowSeconds) }
            : {}),
          maxConcurrency: consumer.maxConcurrency,
          reportBatchItemFailures: true,
        }),
      );
      queueMappings.push(...fn.node.children.filter((child) => !before.has(child)));
    }
    this.queueEventSourceMappings = queueMappings;

    const adminAuthorizer = topology.authorizer === undefined ? undefined : this.functions.get(topology.authorizer);
    this.api = new SyncHttpApi(this, 'Api', {
      routes: topology.routes,
      functions: this.functions,
      ...(adminAuthorizer ? { adminAuthorizer } : {}),
      ...(logRetention ? { logRetention } : {}),
      ...(routeThrottles ? { routeThrottles } : {}),
      ...(stageThrottle ? { rateLimit: stageThrottle.rateLimit, burstLimit: stageThrottle.burstLimit } : {}),
    });

    for (const schedule of topology.schedules) {
      const where = `schedule ${schedule.name}`;
      const fn = lookup(this.functions, schedule.function, where).function;
      new events.Rule(scheduleScope, constructId(schedule.name), {
        description: `sync-tools ${schedule.name}: runs ${schedule.function} on ${schedule.expression}.`,
        schedule: events.Schedule.expression(schedule.expression),
        targets: [
          new targets.LambdaFunction(fn, {
            event: scheduledEventInput(schedule.name),
            retryAttempts: SCHEDULE_RETRY_ATTEMPTS,
            // A run that could not start within the hour is stale; the next one will do.
            maxEventAge: Duration.hours(1),
            ...(this.scheduleFailures ? { deadLetterQueue: this.scheduleFailures } : {}),
          }),
        ],
      });
    }

    if (topology.scheduleRunner !== undefined) {
      // The runner lists the schedules and runs one now: it learns them from its environment (Lambda
      // code never imports the topology) and may invoke exactly the scheduled functions.
      const runner = lookup(this.functions, topology.scheduleRunner, 'the schedule runner').function;
      const catalogue: ScheduleCatalogueEntry[] = topology.schedules.map((schedule) => ({
        name: schedule.name,
        expression: schedule.expression,
        function: lookup(this.functions, schedule.function, `schedule ${schedule.name}`).function.functionName,
      }));
      runner.addEnvironment(SCHEDULES_ENV, this.toJsonString(catalogue));
      const scheduled = [...new Set(topology.schedules.map((schedule) => schedule.function))];
      if (scheduled.length > 0) {
        // Not `grantInvoke`: it adds every version and alias (`<arn>:*`), a wildcard cdk-nag rightly
        // flags; the runner invokes the unqualified function ($LATEST) only, so exactly the ARNs.
        runner.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['lambda:InvokeFunction'],
            resources: scheduled.map(
              (name) => lookup(this.functions, name, `schedule of ${name}`).function.functionArn,
            ),
          }),
        );
      }
    }

    this.monitoring = new SyncMonitoring(this, 'Monitoring', {
      queues: this.queues,
      consumedQueues: topology.queueConsumers.map((consumer) => consumer.queue),
      ...(this.scheduleFailures
        ? { otherDeadLetterQueues: new Map([['scheduleFailures', this.scheduleFailures]]) }
        : {}),
      functions: this.functions,
      streamConsumers: topology.streamConsumers.map((consumer) => consumer.function),
      api: this.api,
      ...(alarmEmail ? { alarmEmail } : {}),
    });

    new CfnOutput(this, 'ApiUrl', {
      value: this.api.url,
      description: 'Base URL of the HTTP API (webhooks, /health, /admin).',
    });
    for (const [integration, secret] of this.secrets) {
      new CfnOutput(this, `${constructId(integration)}SecretArn`, {
        value: secret.secretArn,
        description: `Fill in after deploy. ${secret.instructions}`.slice(0, 1024),
      });
    }

    acknowledgeNagFindings(this);
  }
}

/**
 * What a schedule's rule sends its function: the scheduled event EventBridge
 * would send anyway, field by field, plus a detail naming the schedule and
 * the run (the event's id), because the function cannot tell its schedule
 * from the rule's generated physical name. Manual runs and the offline
 * scheduler send the same shape (`functions/kernel/schedules/schedule-event.ts`).
 */
const scheduledEventInput = (schedule: string): events.RuleTargetInput =>
  events.RuleTargetInput.fromObject({
    version: events.EventField.fromPath('$.version'),
    id: events.EventField.eventId,
    'detail-type': events.EventField.detailType,
    source: events.EventField.source,
    account: events.EventField.account,
    time: events.EventField.time,
    region: events.EventField.region,
    // Unquoted in the template, so EventBridge inserts the array itself (the rule's ARN).
    resources: events.EventField.fromPath('$.resources'),
    detail: scheduleDetail(schedule, 'schedule', events.EventField.eventId),
  });

/** Who invokes each function, from routes, consumers and schedules. */
const invocationsOf = (topology: Topology): Map<string, Set<Invocation>> => {
  const result = new Map<string, Set<Invocation>>(Object.keys(topology.functions).map((name) => [name, new Set()]));
  const add = (name: string, how: Invocation): void => {
    result.get(name)?.add(how);
  };
  for (const route of topology.routes) add(route.function, 'http');
  if (topology.authorizer && topology.routes.some((route) => route.auth === 'admin'))
    add(topology.authorizer, 'authorizer');
  for (const consumer of topology.streamConsumers) add(consumer.function, 'stream');
  for (const consumer of topology.queueConsumers) add(consumer.function, 'queue');
  for (const schedule of topology.schedules) add(schedule.function, 'schedule');
  return result;
};

/** The entries of a partial record keyed by topology names (Object.entries loses the value type). */
const entriesOf = <V>(record: Readonly<Partial<Record<string, V>>> | undefined): [string, V | undefined][] =>
  Object.entries(record ?? {}) as [string, V | undefined][];

/** A topology reference that must resolve, or a message naming who made it. */
const lookup = <K, V>(map: ReadonlyMap<K, V>, key: K, where: string): V => {
  const value = map.get(key);
  if (value === undefined) throw new Error(`${where}: "${String(key)}" is not declared in the topology.`);
  return value;
};

/**
 * Construct id of a topology name: `syncLog` -> `SyncLog`. It feeds the
 * logical ids of stateful resources, so it must never change.
 */
const constructId = (name: string): string =>
  name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');
