import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { queueEnvName, secretEnvName, tableEnvName } from '../../functions/kernel/wiring/env-names.js';
import { integrationNames, integrations } from '../../functions/kernel/wiring/integrations.js';
import { bundlingDefaults } from '../../lib/bundling.js';
import { type Topology, topology as projectTopology } from '../../lib/topology.js';
import type { FunctionSpec } from '../../lib/topology-spec.js';
import {
  acknowledgements,
  actionsOf,
  getAtt,
  logicalIdOf,
  mentions,
  nagFindings,
  ref,
  resourcesOf,
  statementsOfRole,
  type SynthesizedApp,
  synthesizeApp,
} from './stack-fixture.js';

const topology: Topology = projectTopology;

/**
 * Logical ids of the stateful resources as deployed. If one changes,
 * CloudFormation replaces the resource: a new, empty table or secret, and
 * the old one orphaned (tables and secrets are retained) or deleted with its
 * messages (queues). A change here must be deliberate: add new ids, never
 * edit or remove one without a migration plan.
 */
const statefulLogicalIds = {
  'AWS::DynamoDB::Table': [
    'TablesRecords353FBC94',
    'TablesSyncLogF7C29856',
    'TablesIdempotency498FF680',
    'TablesInventoryF8594D2C',
    'TablesConflicts8D427898',
    'TablesControlDF2E6BDD',
    // ERP sync's entities (functions/erp/topology.ts).
    'TablesErp78F7B10D',
    // User sync's people and groups (functions/users/topology.ts).
    'TablesUsersBA34CAA2',
    // Bulk sync's jobs, checkpoints and errors (functions/bulk/topology.ts).
    'TablesBulk60190460',
  ],
  'AWS::SQS::Queue': [
    'QueuesOutboundQueueFA5F324B',
    'QueuesOutboundDlq83FE6D5A',
    'QueuesStreamFailuresQueueC1B6375C',
    'QueuesStreamFailuresDlqD2788920',
    // The schedules' dead-letter queue, there since the first schedule (conflict-resolver).
    'SchedulesFailuresA71BED24',
    // Bulk sync's pages (functions/bulk/topology.ts).
    'QueuesBulkPagesQueue84985F12',
    'QueuesBulkPagesDlqF038E0E0',
  ],
  'AWS::SecretsManager::Secret': [
    'SecretsAdmin3D879B6C',
    'SecretsCrm08E035D7',
    'SecretsInventory501E22EA',
    'SecretsErp3F83F3CA',
    'SecretsEcommerce3878C662',
    'SecretsPos40D1A4EA',
    'SecretsWmsCE36CB53',
    'SecretsSlack37D267AB',
    'SecretsPagerduty54BA6BD8',
    'SecretsMail4E755BA3',
    // The SCIM bearer token identity providers send (functions/users).
    'SecretsIdpA56528C2',
    // The Standard Webhooks secret of the HR feed (functions/users/hr).
    'SecretsHr0ECB239F',
    // The downstream SCIM directory users and groups are pushed to (functions/users/push).
    'SecretsDirectoryDBA1FAE5',
  ],
} as const;

let built: SynthesizedApp;

// The one synth of the test run that bundles every function and runs CloudFormation's validation,
// as `npx cdk synth` does; every other file synthesizes without them (see stack-fixture.ts).
beforeAll(() => {
  built = synthesizeApp({}, { asDeployed: true });
}, 120_000);

const functionIds = (name: string) => {
  const fn = built.stack.functions.get(name);
  if (!fn) throw new Error(`no function ${name}`);
  return { function: logicalIdOf(fn.function), role: logicalIdOf(fn.role), logGroup: logicalIdOf(fn.logGroup) };
};
const tableId = (name: string): string => {
  const table = built.stack.tables.get(name);
  if (!table) throw new Error(`no table ${name}`);
  return logicalIdOf(table);
};
const queueIds = (name: string) => {
  const queue = built.stack.queues.get(name);
  if (!queue) throw new Error(`no queue ${name}`);
  return { queue: logicalIdOf(queue.queue), dlq: logicalIdOf(queue.deadLetterQueue) };
};
const secretId = (name: (typeof integrationNames)[number]): string => {
  const secret = built.stack.secrets.get(name);
  if (!secret) throw new Error(`no secret ${name}`);
  return logicalIdOf(secret);
};
/** The directory of the code asset the function deploys, in the synthesized cloud assembly. */
const bundleDirOf = (name: string): string => {
  const code = resourcesOf(built.template, 'AWS::Lambda::Function')[functionIds(name).function]?.Properties?.Code as {
    S3Key: string;
  };
  return join(built.app.synth().directory, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
};

describe('Class: SyncToolsStack', () => {
  describe('functions', () => {
    it.each(Object.entries(topology.functions))(
      'builds %s as a nodejs24.x ARM64 function with its memory and timeout',
      (name, spec) => {
        // Assess
        const fn = resourcesOf(built.template, 'AWS::Lambda::Function')[functionIds(name).function];
        expect(fn?.Properties).toMatchObject({
          Runtime: 'nodejs24.x',
          Architectures: ['arm64'],
          MemorySize: spec.memoryMb,
          Timeout: spec.timeoutSeconds,
          Handler: 'index.handler',
          TracingConfig: { Mode: 'Active' },
          Role: getAtt(functionIds(name).role, 'Arn'),
          LoggingConfig: { LogGroup: ref(functionIds(name).logGroup) },
        });
      },
    );

    it('creates exactly one role per function, with no AWS managed policy', () => {
      // Prepare
      const roles = resourcesOf(built.template, 'AWS::IAM::Role');
      const functions = Object.values(resourcesOf(built.template, 'AWS::Lambda::Function'));

      // Assess
      const roleOfEach = functions.map((fn) => JSON.stringify(fn.Properties?.Role));
      expect(new Set(roleOfEach).size).toBe(functions.length);
      expect(Object.keys(roles)).toHaveLength(functions.length);
      for (const role of Object.values(roles)) expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
    });

    it('gives every function a log group with a retention period', () => {
      // Assess
      for (const name of Object.keys(topology.functions)) {
        const group = resourcesOf(built.template, 'AWS::Logs::LogGroup')[functionIds(name).logGroup];
        expect(group?.Properties?.RetentionInDays).toBeGreaterThan(0);
      }
    });

    it.each(Object.entries(topology.functions))(
      'sets the environment %s reads: service name, tables, queues, secrets',
      (name, spec) => {
        // Prepare
        const expected: Record<string, unknown> = { POWERTOOLS_SERVICE_NAME: Match.stringLikeRegexp('^[a-z0-9-]+$') };
        for (const table of Object.keys(spec.tables ?? {})) expected[tableEnvName(table)] = ref(tableId(table));
        for (const queue of Object.keys(spec.queues ?? {})) expected[queueEnvName(queue)] = ref(queueIds(queue).queue);
        for (const integration of spec.integrations ?? [])
          expected[secretEnvName(integration)] = ref(secretId(integration));

        // Assess
        built.template.hasResource('AWS::Lambda::Function', {
          Properties: Match.objectLike({
            Environment: { Variables: Match.objectLike(expected) },
            Role: getAtt(functionIds(name).role, 'Arn'),
          }),
        });
      },
    );
  });

  describe('least privilege', () => {
    it('grants no wildcard action in any IAM policy', () => {
      // Prepare
      const statements = Object.values(resourcesOf(built.template, 'AWS::IAM::Policy')).flatMap(
        (policy) =>
          (policy.Properties?.PolicyDocument as { Statement: { Action: string | string[] }[] } | undefined)
            ?.Statement ?? [],
      );

      // Assess
      expect(statements.length).toBeGreaterThan(0);
      const actions = statements.flatMap((statement) =>
        Array.isArray(statement.Action) ? statement.Action : [statement.Action],
      );
      expect(actions.filter((action) => action.includes('*'))).toEqual([]);
    });

    it.each(Object.entries(topology.functions))('grants %s exactly the table operations it declares', (name, spec) => {
      // Prepare
      const statements = statementsOfRole(built.template, functionIds(name).role);
      // What a stream event source adds on its own table, whatever the function declares.
      const streamReads = [
        'dynamodb:DescribeStream',
        'dynamodb:GetRecords',
        'dynamodb:GetShardIterator',
        'dynamodb:ListStreams',
      ];

      // Assess
      for (const table of Object.keys(topology.tables)) {
        const declared = (spec.tables?.[table] ?? []).map((operation) => `dynamodb:${operation}`);
        const actions = statements
          .filter((s) => mentions(s, tableId(table)))
          .flatMap(actionsOf)
          .filter((action) => !streamReads.includes(action));
        expect([...new Set(actions)].sort(), `${name} on ${table}`).toEqual([...declared].sort());
      }
    });

    it.each(Object.entries(topology.functions))('lets %s read only the secrets of its integrations', (name, spec) => {
      // Prepare
      const statements = statementsOfRole(built.template, functionIds(name).role);

      // Assess
      for (const integration of integrationNames) {
        const actions = statements.filter((s) => mentions(s, secretId(integration))).flatMap(actionsOf);
        if (spec.integrations?.includes(integration)) expect(actions).toContain('secretsmanager:GetSecretValue');
        else expect(actions).toEqual([]);
      }
    });

    it.each(Object.entries(topology.functions))('lets %s use only the queues it declares', (name, spec) => {
      // Prepare
      const statements = statementsOfRole(built.template, functionIds(name).role);
      const onFailure = new Set(topology.streamConsumers.filter((c) => c.function === name).map((c) => c.onFailure));

      // Assess
      for (const queue of Object.keys(topology.queues)) {
        const access = spec.queues?.[queue as keyof typeof spec.queues];
        const actions = statements.filter((s) => mentions(s, queueIds(queue).queue)).flatMap(actionsOf);
        // Redriving a queue's DLQ means sending its messages back to the queue.
        const redrives = (spec as FunctionSpec).deadLetterQueues?.[queue] === 'redrive';
        const consumes = access === 'consume' || access === 'consume-send';
        if (consumes) expect(actions).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']));
        if (access === 'consume-send') expect(actions).toContain('sqs:SendMessage');
        else if (access === 'send' || redrives || onFailure.has(queue)) expect(actions).toContain('sqs:SendMessage');
        if (!consumes) expect(actions).not.toContain('sqs:ReceiveMessage');
        if (!access && !redrives && !onFailure.has(queue)) expect(actions).toEqual([]);
      }
    });

    it.each(Object.entries(topology.functions))(
      'lets %s send mail only when it says so, and never on "*"',
      (name, spec) => {
        // Prepare
        const mail = statementsOfRole(built.template, functionIds(name).role).filter((s) =>
          actionsOf(s).some((a) => a.startsWith('ses:')),
        );

        // Assess
        if (!spec.sendsMail) expect(mail).toEqual([]);
        else {
          expect(mail.flatMap(actionsOf)).toEqual(['ses:SendEmail']);
          for (const statement of mail) {
            expect(statement.Resource).not.toBe('*');
            expect(JSON.stringify(statement.Resource)).toContain(':identity/');
          }
        }
      },
    );
  });

  describe('tables', () => {
    it.each(Object.entries(topology.tables))(
      'builds %s on demand, with PITR, encryption, stream, TTL and indexes',
      (name, spec) => {
        // Assess
        const table = resourcesOf(built.template, 'AWS::DynamoDB::Table')[tableId(name)];
        expect(table).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
        expect(table?.Properties).toMatchObject({
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: { SSEEnabled: true },
          DeletionProtectionEnabled: true,
          KeySchema: [
            { AttributeName: spec.partitionKey, KeyType: 'HASH' },
            ...(spec.sortKey ? [{ AttributeName: spec.sortKey, KeyType: 'RANGE' }] : []),
          ],
        });
        expect(table?.Properties?.StreamSpecification).toEqual(
          spec.stream ? { StreamViewType: spec.stream } : undefined,
        );
        expect(table?.Properties?.TimeToLiveSpecification).toEqual(
          spec.ttlAttribute ? { AttributeName: spec.ttlAttribute, Enabled: true } : undefined,
        );
        const indexes = (table?.Properties?.GlobalSecondaryIndexes ?? []) as { IndexName: string }[];
        expect(indexes.map((index) => index.IndexName)).toEqual((spec.indexes ?? []).map((index) => index.name));
        expect(table?.Properties?.TableName).toBeUndefined();
      },
    );
  });

  describe('queues', () => {
    it.each(Object.entries(topology.queues))(
      'gives %s its own DLQ, redrive count, timeouts and encryption',
      (name, spec) => {
        // Prepare
        const ids = queueIds(name);
        const queues = resourcesOf(built.template, 'AWS::SQS::Queue');

        // Assess
        expect(queues[ids.queue]?.Properties).toMatchObject({
          VisibilityTimeout: spec.visibilityTimeoutSeconds,
          MessageRetentionPeriod: spec.retentionDays * 86_400,
          SqsManagedSseEnabled: true,
          RedrivePolicy: { deadLetterTargetArn: getAtt(ids.dlq, 'Arn'), maxReceiveCount: spec.maxReceiveCount },
        });
        expect(queues[ids.queue]?.Properties?.FifoQueue).toBe(spec.fifo ? true : undefined);
        expect(queues[ids.dlq]?.Properties?.FifoQueue).toBe(spec.fifo ? true : undefined);
        expect(queues[ids.dlq]?.Properties?.SqsManagedSseEnabled).toBe(true);
        expect(queues[ids.queue]?.Properties?.QueueName).toBeUndefined();
        expect(queues[ids.dlq]?.Properties?.QueueName).toBeUndefined();
      },
    );

    it('refuses plain-HTTP requests on every queue', () => {
      // Prepare
      const policies = Object.values(resourcesOf(built.template, 'AWS::SQS::QueuePolicy'));

      // Assess
      for (const queueId of Object.keys(resourcesOf(built.template, 'AWS::SQS::Queue'))) {
        const policy = policies.find((p) => JSON.stringify(p.Properties?.Queues) === JSON.stringify([ref(queueId)]));
        expect(policy, queueId).toBeDefined();
        expect(policy?.Properties?.PolicyDocument).toMatchObject({
          Statement: expect.arrayContaining([
            expect.objectContaining({
              Effect: 'Deny',
              Action: 'sqs:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        });
      }
    });
  });

  describe('stateful resources', () => {
    it.each(Object.entries(statefulLogicalIds))('keeps the logical ids of every %s', (type, expected) => {
      // Assess
      expect(Object.keys(resourcesOf(built.template, type)).sort()).toEqual([...expected].sort());
    });

    it('retains tables and secrets when the stack is deleted', () => {
      // Assess
      for (const type of ['AWS::DynamoDB::Table', 'AWS::SecretsManager::Secret']) {
        for (const resource of Object.values(resourcesOf(built.template, type))) {
          expect(resource).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
        }
      }
    });
  });

  describe('secrets', () => {
    it.each(integrationNames)(
      'creates the %s secret as an empty JSON object whose description lists its fields',
      (name) => {
        // Assess
        const secret = resourcesOf(built.template, 'AWS::SecretsManager::Secret')[secretId(name)];
        expect(secret?.Properties?.SecretString).toBe('{}');
        expect(secret?.Properties?.GenerateSecretString).toBeUndefined();
        expect(secret?.Properties?.Name).toBeUndefined();
        for (const field of Object.keys(integrations[name].fields)) {
          expect(secret?.Properties?.Description).toContain(`"${field}"`);
        }
      },
    );

    it('outputs every secret ARN and the API URL', () => {
      // Prepare
      const outputs = built.template.findOutputs('*');

      // Assess
      expect(outputs.ApiUrl).toBeDefined();
      for (const name of integrationNames) {
        expect(
          Object.values(outputs).some((o) => JSON.stringify(o.Value) === JSON.stringify(ref(secretId(name)))),
        ).toBe(true);
      }
    });
  });

  describe('HTTP API', () => {
    it('writes JSON access logs and throttles the default stage', () => {
      // Assess
      built.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        AccessLogSettings: {
          DestinationArn: Match.anyValue(),
          Format: Match.stringLikeRegexp('^\\{.*"requestId":"\\$context.requestId"'),
        },
        DefaultRouteSettings: { ThrottlingBurstLimit: Match.anyValue(), ThrottlingRateLimit: Match.anyValue() },
      });
    });

    it('guards admin routes with an uncached REQUEST authorizer backed by adminAuthorizer', () => {
      // Assess
      built.template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
      built.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        AuthorizerType: 'REQUEST',
        AuthorizerPayloadFormatVersion: '2.0',
        EnableSimpleResponses: true,
        IdentitySource: ['$request.header.Authorization'],
        AuthorizerResultTtlInSeconds: 0,
      });
      const authorizer = Object.values(resourcesOf(built.template, 'AWS::ApiGatewayV2::Authorizer'))[0];
      expect(JSON.stringify(authorizer?.Properties?.AuthorizerUri)).toContain(functionIds('adminAuthorizer').function);
    });

    it('has exactly the routes of the topology', () => {
      // Assess
      const keys = Object.values(resourcesOf(built.template, 'AWS::ApiGatewayV2::Route')).map(
        (r) => r.Properties?.RouteKey,
      );
      expect(keys.sort()).toEqual(topology.routes.map((r) => `${r.method} ${r.path}`).sort());
    });

    it.each(topology.routes)('routes $method $path to $function with auth $auth', (route) => {
      // Prepare
      const routes = Object.values(resourcesOf(built.template, 'AWS::ApiGatewayV2::Route'));
      const resource = routes.find((r) => r.Properties?.RouteKey === `${route.method} ${route.path}`);
      // The target is `integrations/<integration id>`, written as a Join around a Ref.
      const integrationId = /"Ref":"([^"]+)"/.exec(JSON.stringify(resource?.Properties?.Target))?.[1] ?? '';
      const integration = resourcesOf(built.template, 'AWS::ApiGatewayV2::Integration')[integrationId];

      // Assess
      expect(resource?.Properties?.AuthorizationType).toBe(route.auth === 'admin' ? 'CUSTOM' : 'NONE');
      if (route.auth === 'admin') expect(resource?.Properties?.AuthorizerId).toBeDefined();
      else expect(resource?.Properties?.AuthorizerId).toBeUndefined();
      expect(integration?.Properties).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
      expect(JSON.stringify(integration?.Properties?.IntegrationUri)).toContain(functionIds(route.function).function);
    });
  });

  describe('event source mappings', () => {
    it('builds one mapping per consumer in the topology', () => {
      // Assess
      built.template.resourceCountIs(
        'AWS::Lambda::EventSourceMapping',
        topology.streamConsumers.length + topology.queueConsumers.length,
      );
    });

    it.each(topology.streamConsumers)('feeds $function from the $table stream as the topology says', (consumer) => {
      // Assess
      built.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: ref(functionIds(consumer.function).function),
        EventSourceArn: getAtt(tableId(consumer.table), 'StreamArn'),
        BatchSize: consumer.batchSize,
        MaximumBatchingWindowInSeconds: consumer.maxBatchingWindowSeconds,
        StartingPosition: consumer.startingPosition,
        MaximumRetryAttempts: consumer.retryAttempts,
        BisectBatchOnFunctionError: consumer.bisectBatchOnError,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        DestinationConfig: { OnFailure: { Destination: getAtt(queueIds(consumer.onFailure).queue, 'Arn') } },
        FilterCriteria: { Filters: consumer.filters.map((pattern) => ({ Pattern: JSON.stringify(pattern) })) },
      });
    });

    it.each(topology.queueConsumers)('feeds $function from the $queue queue as the topology says', (consumer) => {
      // Assess
      built.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: ref(functionIds(consumer.function).function),
        EventSourceArn: getAtt(queueIds(consumer.queue).queue, 'Arn'),
        BatchSize: consumer.batchSize,
        ScalingConfig: { MaximumConcurrency: consumer.maxConcurrency },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    });
  });

  describe('schedules', () => {
    it('builds one EventBridge rule per schedule in the topology', () => {
      // Assess
      built.template.resourceCountIs('AWS::Events::Rule', topology.schedules.length);
    });
  });

  describe('bundles', () => {
    it.each(Object.entries(topology.functions))(
      'bundles %s into one minified ESM file with a source map, as bench/ measures',
      (name, spec) => {
        // Prepare
        const dir = bundleDirOf(name);
        const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
        const map = JSON.parse(readFileSync(join(dir, 'index.mjs.map'), 'utf8')) as {
          sources: string[];
          sourcesContent?: unknown;
        };

        // Assess
        expect(readdirSync(dir).sort()).toEqual(['index.mjs', 'index.mjs.map']);
        expect(code.startsWith(`${bundlingDefaults.banner}\n`)).toBe(true);
        expect(code).toMatch(/export\{[^}]*\bas handler\}/);
        // Minified: a few very long lines (legal comments at the end), where an unminified bundle has thousands.
        // Line breaks inside template literals are text, not code (the console's page, script and stylesheet).
        expect(code.replace(/`[^`]*`/g, '``').split('\n').length).toBeLessThan(50);
        expect(map.sourcesContent).toBeUndefined();
        expect(map.sources.some((source) => source.endsWith(spec.entry))).toBe(true);
        // The AWS SDK is bundled (lib/bundling.ts: it starts faster): nothing is left to the runtime's copy.
        expect(code).not.toMatch(/(?:from\s*|import\(\s*)"@aws-sdk\//);
        // node:http through process.getBuiltinModule, never an ESM import (lib/bundling.ts `alias`: undici stays unloaded).
        expect(code).not.toMatch(/(?:from\s*|import\(\s*)"(?:node:)?https?"/);
        if (Object.keys(spec.tables ?? {}).length > 0) {
          expect(map.sources.some((source) => source.includes('node_modules/@aws-sdk/client-dynamodb/'))).toBe(true);
        }
      },
    );

    it.each(Object.entries(topology.functions))(
      'bundles into %s no AWS SDK client for a service its role may not call',
      (name) => {
        // Prepare
        const map = JSON.parse(readFileSync(join(bundleDirOf(name), 'index.mjs.map'), 'utf8')) as { sources: string[] };
        // The IAM prefix of each client package a bundle may hold.
        const servicePrefix: Readonly<Record<string, string>> = {
          dynamodb: 'dynamodb',
          'dynamodb-streams': 'dynamodb',
          sqs: 'sqs',
          sesv2: 'ses',
          'secrets-manager': 'secretsmanager',
          lambda: 'lambda',
        };

        // Act
        const clients = [
          ...new Set(
            map.sources.flatMap((source) => /node_modules\/@aws-sdk\/client-([^/]+)\//.exec(source)?.[1] ?? []),
          ),
        ];
        const granted = new Set(
          statementsOfRole(built.template, functionIds(name).role)
            .flatMap(actionsOf)
            .map((action) => action.split(':')[0]),
        );

        // Assess
        // A client whose service the role may not call is one the function cannot use: it only slows its cold start.
        expect(clients.filter((client) => !granted.has(servicePrefix[client] ?? client))).toEqual([]);
      },
    );

    it('builds the same template without bundling, but for the code assets, so other test files may skip it', () => {
      // Prepare
      const withoutAssets = (template: unknown) =>
        JSON.parse(JSON.stringify(template, (key, value: unknown) => (key === 'S3Key' ? '<asset>' : value))) as unknown;

      // Act
      const unbundled = synthesizeApp();

      // Assess
      expect(withoutAssets(unbundled.template.toJSON())).toEqual(withoutAssets(built.template.toJSON()));
    }, 60_000);
  });

  describe('cdk-nag', () => {
    it('has no unacknowledged AwsSolutions or Serverless finding', () => {
      // Assess
      expect(built.packs.map((pack) => pack.readPackName).sort()).toEqual(['AwsSolutions', 'Serverless']);
      expect(nagFindings(built)).toEqual([]);
    });

    it('gives every acknowledgement a concrete reason', () => {
      // Prepare
      const acks = acknowledgements(built.app);

      // Assess
      expect(acks.length).toBeGreaterThan(0);
      for (const ack of acks) {
        expect(ack.id, ack.path).toMatch(/(AwsSolutions|Serverless)-/);
        expect(ack.reason.length, `${ack.path} ${ack.id}`).toBeGreaterThanOrEqual(40);
      }
    });

    it('never acknowledges a rule for the whole stack', () => {
      // Assess
      expect(acknowledgements(built.app).filter((ack) => ack.path === 'SyncTools' || ack.path === '')).toEqual([]);
    });
  });
});
