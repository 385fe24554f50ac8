import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { bundlingDefaults } from '../bundling.js';
import {
  deadLetterQueueEnvName,
  queueEnvName,
  queueMaxReceiveEnvName,
  secretEnvName,
  tableEnvName,
} from '../../functions/kernel/wiring/env-names.js';
import { serviceName } from '../../functions/kernel/wiring/service-name.js';
import {
  STREAM_CONSUMERS_ENV,
  type StreamConsumerCatalogueEntry,
} from '../../functions/kernel/wiring/stream-consumers.js';
import type { DeadLetterAccess, FilterPattern, FunctionSpec, QueueAccess, TableAccess } from '../topology-spec.js';
import type { BindableSecret } from './existing-secret.js';
import type { SyncQueue } from './sync-queue.js';
import type { SyncTable } from './sync-table.js';

/** The repository root: topology entries are relative to it, and esbuild resolves from it. */
const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface SyncFunctionProps {
  /** The function's key in the topology (`dispatcher`); names its service in logs and metrics. */
  readonly name: string;
  readonly spec: FunctionSpec;
  /** How long its log lines are kept. @default one month */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Where events of failed asynchronous invocations go (schedules invoke
   * asynchronously). Only set for functions something invokes that way: a
   * DLQ means nothing to API Gateway or an event source mapping.
   */
  readonly asyncFailureQueue?: sqs.IQueue;
  /**
   * Whether the spec's `reservedConcurrency` is applied. Off only for an
   * account whose concurrency quota cannot spare it (new accounts may start
   * far below the default 1,000; Lambda keeps 100 unreserved).
   * @default true
   */
  readonly reserveConcurrency?: boolean;
}

/**
 * One Lambda function of sync-tools, with the project's defaults fixed in
 * one place so no handler can drift from them: Node.js 24 on ARM64 (cheaper
 * per millisecond), memory and timeout from the topology, a log group with
 * retention, its own role (no AWS managed policy, only what the intent
 * methods grant), X-Ray active tracing, and a minified ESM bundle built by
 * the local esbuild with the same settings `bench/` measures.
 *
 * Wiring goes through intent methods that both grant and set the
 * environment variable the handler reads, so the two can never disagree.
 *
 * @example
 * const dispatcher = new SyncFunction(this, 'Dispatcher', { name: 'dispatcher', spec: topology.functions.dispatcher });
 * dispatcher.bindTable(records, ['GetItem', 'UpdateItem']); // grants, and sets RECORDS_TABLE
 */
export class SyncFunction extends Construct {
  /** The function's key in the topology. */
  public readonly topologyName: string;
  public readonly function: NodejsFunction;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;
  /** Whether {@link allowSendingMail} was called. */
  public sendsMail = false;
  /** The SES identities mail may be sent from; empty means any of the account. */
  public mailIdentities: readonly string[] = [];
  private readonly tables: SyncTable[] = [];

  public constructor(scope: Construct, id: string, props: SyncFunctionProps) {
    super(scope, id);
    const { name, spec } = props;
    this.topologyName = name;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      // Operational logs only: the audit trail of every sync lives in the
      // syncLog table, so the group need not outlive the stack.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Our own role instead of the default one: the default attaches the AWS
    // managed AWSLambdaBasicExecutionRole (logs on every group in the
    // account); this one may write to its own log group and nothing else
    // until an intent method grants more.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `sync-tools ${name}: ${spec.description}`.slice(0, 1000),
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Handler', {
      entry: path.join(projectRoot, spec.entry),
      handler: 'handler',
      projectRoot,
      depsLockFilePath: path.join(projectRoot, 'package-lock.json'),
      description: spec.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      ...(spec.reservedConcurrency !== undefined && props.reserveConcurrency !== false
        ? { reservedConcurrentExecutions: spec.reservedConcurrency }
        : {}),
      role: this.role,
      logGroup: this.logGroup,
      tracing: lambda.Tracing.ACTIVE,
      ...(props.asyncFailureQueue ? { deadLetterQueue: props.asyncFailureQueue } : {}),
      environment: {
        POWERTOOLS_SERVICE_NAME: serviceName(name),
        POWERTOOLS_METRICS_NAMESPACE: 'SyncTools',
        LOG_LEVEL: 'INFO',
        // The bundle is minified; stack traces should still name our sources.
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: bundlingDefaults.target,
        minify: bundlingDefaults.minify,
        sourceMap: bundlingDefaults.sourcemap,
        // Mappings are enough for stack traces; embedding the sources would
        // only make the package bigger.
        sourcesContent: false,
        externalModules: [...bundlingDefaults.external],
        banner: bundlingDefaults.banner,
        mainFields: [...bundlingDefaults.mainFields],
        // NodejsFunction has no `alias` option; esbuild's command line takes one flag per alias.
        esbuildArgs: Object.fromEntries(
          Object.entries(bundlingDefaults.alias).map(([from, to]) => [`--alias:${from}`, to]),
        ),
        // `npx cdk synth` must work on a machine without Docker.
        forceDockerBundling: false,
      },
    });
  }

  /**
   * Grants exactly the operations the topology lists on a table (and its
   * indexes) and tells the handler its name (`RECORDS_TABLE`, ...).
   * Never `grantReadData` / `grantReadWriteData`: those add Scan,
   * BatchWriteItem and DeleteItem whether the code calls them or not.
   *
   * @example
   * admin.bindTable(syncLog, ['Query']);
   */
  public bindTable(table: SyncTable, access: TableAccess): this {
    if (access.length > 0) table.grant(this.function, ...access.map((operation) => `dynamodb:${operation}`));
    this.function.addEnvironment(tableEnvName(table.topologyName), table.tableName);
    this.tables.push(table);
    return this;
  }

  /** The tables bound with {@link bindTable}, in order. */
  public get boundTables(): readonly SyncTable[] {
    return this.tables;
  }

  /**
   * Lets the function send to (`send`) or receive from and acknowledge
   * (`consume`) a queue, and tells it the queue URL (`OUTBOUND_QUEUE_URL`):
   * a consumer needs the URL too, to change a message's visibility when it
   * asks for a later retry.
   *
   * @example
   * crmInbound.bindQueue(outbound, 'send');
   */
  public bindQueue(queue: SyncQueue, access: QueueAccess): this {
    if (access !== 'consume') queue.queue.grantSendMessages(this.function);
    if (access !== 'send') {
      queue.queue.grantConsumeMessages(this.function);
      // The consumer says "last attempt" in its log and sync event when a retry would go to the DLQ.
      this.function.addEnvironment(queueMaxReceiveEnvName(queue.topologyName), String(queue.maxReceiveCount));
    }
    this.function.addEnvironment(queueEnvName(queue.topologyName), queue.queue.queueUrl);
    return this;
  }

  /**
   * Gives the function a queue's dead-letter queue: `send` to put a message
   * there itself (with its cause, when a failure is known to be permanent);
   * `redrive` to list it and move messages back to the queue. The URL
   * arrives as `{QUEUE}_DLQ_URL`.
   *
   * @example
   * dispatcher.bindDeadLetterQueue(outbound, 'send');
   */
  public bindDeadLetterQueue(queue: SyncQueue, access: DeadLetterAccess): this {
    if (access === 'send') queue.deadLetterQueue.grantSendMessages(this.function);
    else {
      queue.deadLetterQueue.grantConsumeMessages(this.function);
      queue.queue.grantSendMessages(this.function);
      this.function.addEnvironment(queueEnvName(queue.topologyName), queue.queue.queueUrl);
    }
    this.function.addEnvironment(deadLetterQueueEnvName(queue.topologyName), queue.deadLetterQueue.queueUrl);
    return this;
  }

  /**
   * Lets the function replay failed stream batches: read the streams of the
   * consumers' tables (GetShardIterator and GetRecords on exactly those
   * stream ARNs) and invoke exactly those consumer functions (their
   * unqualified ARNs, as their event source mappings run them), and tells
   * it who they are and what their filters let through (`STREAM_CONSUMERS`).
   *
   * @example
   * replayer.allowReplayingStreams([{ fn: crmOutbound, table: records, filters }]);
   */
  public allowReplayingStreams(
    consumers: readonly { fn: SyncFunction; table: SyncTable; filters: readonly FilterPattern[] }[],
  ): this {
    if (consumers.length === 0) return this;
    const streamArns = [...new Set(consumers.map(({ table }) => table.tableStreamArn))].filter(
      (arn): arn is string => arn !== undefined,
    );
    this.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['dynamodb:GetShardIterator', 'dynamodb:GetRecords'], resources: streamArns }),
    );
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [...new Set(consumers.map(({ fn }) => fn.function.functionArn))],
      }),
    );
    const catalogue: StreamConsumerCatalogueEntry[] = consumers.map(({ fn, table, filters }) => ({
      function: fn.function.functionName,
      table: table.topologyName,
      filters,
    }));
    this.function.addEnvironment(STREAM_CONSUMERS_ENV, Stack.of(this).toJsonString(catalogue));
    return this;
  }

  /**
   * Lets the function read an integration's secret and tells it the ARN
   * (`CRM_SECRET_ARN`, ...); the handler fetches and caches the value itself.
   *
   * @example
   * dispatcher.bindSecret(crmSecret);
   */
  public bindSecret(secret: BindableSecret): this {
    secret.grantRead(this.function);
    this.function.addEnvironment(secretEnvName(secret.integration), secret.secretArn);
    return this;
  }

  /**
   * Lets the function send mail through SES from the given identities
   * (domains or addresses verified in SES), or from any identity of this
   * account and region when none are given. SES authorises a send against
   * the sender's identity (and, in the sandbox, the recipient's), so the
   * resource is an identity ARN, never `*`.
   *
   * @example
   * dispatcher.allowSendingMail(['example.com']);
   */
  public allowSendingMail(identities: readonly string[] = []): this {
    const stack = Stack.of(this);
    const names = identities.length > 0 ? identities : ['*'];
    this.sendsMail = true;
    this.mailIdentities = [...identities];
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        // SES v2 authorises every SendEmail (simple, raw or templated) with this one action.
        actions: ['ses:SendEmail'],
        resources: names.map((resourceName) => stack.formatArn({ service: 'ses', resource: 'identity', resourceName })),
      }),
    );
    return this;
  }
}
