import { Stack, Validations } from 'aws-cdk-lib';
import type { CfnTable } from 'aws-cdk-lib/aws-dynamodb';
import { AwsSolutionsChecks, type NagPack, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { SyncFunction } from './constructs/sync-function.js';
import type { Invocation, SyncToolsStack } from './stack.js';

/**
 * Registers the cdk-nag packs the project is held to (AwsSolutions and
 * Serverless) on an app. cdk-nag 3 runs them as CDK policy-validation
 * plugins: `app.synth()` (and so `npx cdk synth`) fails on any finding not
 * acknowledged below. The packs are returned so a test can also ask them for
 * their findings directly (`pack.validateScope(app)`).
 *
 * @example
 * const app = new App();
 * new SyncToolsStack(app, 'SyncTools');
 * addNagChecks(app);
 */
export const addNagChecks = (app: IConstruct): NagPack[] => {
  const packs: NagPack[] = [new AwsSolutionsChecks(app), new ServerlessChecks(app)];
  Validations.of(app).addPlugins(...packs);
  return packs;
};

/**
 * Every cdk-nag acknowledgement of the project, in one place so a reviewer
 * can read them all at once. Each is attached to the narrowest construct it
 * concerns (never the whole stack) and says why the finding does not apply
 * or what covers it instead. Anything not listed here fails the synth.
 *
 * The stack calls this last, once everything it acknowledges exists.
 */
export const acknowledgeNagFindings = (stack: SyncToolsStack): void => {
  for (const fn of stack.functions.values()) {
    acknowledgeFunction(fn, stack.invocations.get(fn.topologyName) ?? new Set());
  }

  for (const secret of stack.secrets.values()) {
    acknowledge(
      secret,
      'AwsSolutions-SMG4',
      'The secret holds credentials issued by outside systems (CRM, ERP, shop API keys, webhook signing secrets); ' +
        'they can only be rotated at the vendor, so there is no rotation Lambda to schedule. Operators rotate them ' +
        'by hand and the signature checks accept several secrets at once during a rotation.',
    );
  }

  for (const { spec, route } of stack.api.routes) {
    if (spec.auth !== 'public') continue;
    acknowledge(
      route,
      'AwsSolutions-APIG4',
      `${spec.method} ${spec.path} is public by design (auth 'public' in lib/topology.ts): /health reveals nothing, ` +
        '/console serves a static page holding no data (what it shows comes from the admin API behind the authorizer), ' +
        'and a vendor webhook cannot send our bearer token, so its handler verifies the vendor signature ' +
        '(constant time, timestamp tolerance) before it reads the body.',
    );
  }

  const deadLetterQueues = [...stack.queues.values()].map((queue) => queue.deadLetterQueue);
  if (stack.scheduleFailures) deadLetterQueues.push(stack.scheduleFailures);
  for (const queue of deadLetterQueues) {
    acknowledge(
      queue,
      'Serverless-SQSRedrivePolicy',
      'This queue is itself a dead-letter queue: nothing consumes it automatically, so no receive count can be ' +
        'exceeded; operators inspect it and redrive messages by hand after a fix.',
    );
  }

  if (stack.monitoring.emailSubscription) {
    acknowledge(
      stack.monitoring.emailSubscription,
      'Serverless-SNSRedrivePolicy',
      'The alarm mail subscription: a notification SNS could not deliver after its retries would sit unread in a ' +
        'DLQ nobody watches. The alarm itself stays in its state in CloudWatch and on the dashboard, and its OK ' +
        'notification follows on recovery, so a lost mail loses no information.',
    );
  }

  for (const mapping of stack.queueEventSourceMappings) {
    acknowledge(
      mapping,
      'Serverless-LambdaEventSourceMappingDestination',
      'Lambda does not support on-failure destinations for SQS event sources; the source queue has a redrive ' +
        'policy instead, which moves a message to its own DLQ after maxReceiveCount failed receives.',
    );
  }
};

const acknowledgeFunction = (fn: SyncFunction, invocations: ReadonlySet<Invocation>): void => {
  const stack = Stack.of(fn);

  // CDK adds the X-Ray actions (active tracing) and, for stream consumers,
  // dynamodb:ListStreams on `*`: neither supports resource-level permissions.
  const starReasons = ['xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing)'];
  if (invocations.has('stream')) starReasons.push('dynamodb:ListStreams (stream event source)');
  acknowledge(
    fn,
    'AwsSolutions-IAM5[Resource::*]',
    `Only actions that support no resource-level permissions are granted on "*": ${starReasons.join(' and ')}.`,
  );

  // Table grants cover the table's indexes too, which IAM can only name with a wildcard.
  for (const table of new Set(fn.boundTables)) {
    if (table.indexNames.length === 0) continue;
    const logicalId = stack.getLogicalId(table.node.defaultChild as CfnTable);
    acknowledge(
      fn,
      `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/index/*]`,
      `Queries use the indexes of the ${table.topologyName} table (${table.indexNames.join(', ')}); the grant is limited ` +
        'to that one table and its index ARNs end in a wildcard only because IAM names indexes that way.',
    );
  }

  if (fn.mailIdentities.length === 0 && fn.sendsMail) {
    acknowledge(
      fn,
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*]',
      'ses:SendEmail only, on SES identities of this account and region: the sender address is filled in after ' +
        'deploy (mail secret), and in the SES sandbox each recipient is an identity as well. Deploy with the ' +
        'context value mailIdentities to narrow it to named identities.',
    );
  }

  if (!invocations.has('schedule')) {
    acknowledge(fn, 'Serverless-LambdaDLQ', syncInvocationReason(invocations));
  }
};

/** Why a function that is never invoked asynchronously needs no DLQ, from how it is invoked. */
const syncInvocationReason = (invocations: ReadonlySet<Invocation>): string => {
  const how: Record<Invocation, string> = {
    http: 'API Gateway invokes it synchronously and the caller gets the error response (vendors redeliver webhooks)',
    authorizer: 'API Gateway invokes it synchronously as the authorizer; a failure denies the request',
    stream:
      'a DynamoDB stream mapping invokes it synchronously; failed batches go to its on-failure queue after bounded retries',
    queue: 'an SQS mapping invokes it synchronously; failing messages go to the queue DLQ after maxReceiveCount',
    schedule: '',
  };
  const reasons = [...invocations].filter((kind) => kind !== 'schedule').map((kind) => how[kind]);
  if (reasons.length === 0)
    return 'Nothing in the topology invokes this function, so no invocation can fail into a DLQ.';
  return `A Lambda DLQ only receives failed asynchronous invocations, and this function has none: ${reasons.join('; ')}.`;
};

/** Acknowledges one rule on one construct; a reason must say something concrete. */
const acknowledge = (scope: IConstruct, id: string, reason: string): void => {
  if (reason.trim().length < 40) throw new Error(`cdk-nag acknowledgement ${id} needs a concrete reason.`);
  Validations.of(scope).acknowledge({ id, reason });
};
