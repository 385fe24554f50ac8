import { beforeAll, describe, expect, it } from 'vitest';
import { topology } from '../../lib/topology.js';
import { planOffline } from '../../local/plan.js';
import { type SynthesizedApp, getAtt, logicalIdOf, ref, resourcesOf, synthesizeApp } from './stack-fixture.js';

/**
 * The CDK template and the offline runtime's plan, compared with each other
 * rather than each with the topology: whatever either side derives on its
 * own (defaults, names, filters), a difference between what AWS runs and
 * what `npm start` runs fails here.
 */
let built: SynthesizedApp;
const plan = planOffline(topology);

beforeAll(() => {
  built = synthesizeApp();
}, 120_000);

const idOf = <T>(map: ReadonlyMap<string, T>, name: string, pick: (value: T) => Parameters<typeof logicalIdOf>[0]) => {
  const value = map.get(name);
  if (!value) throw new Error(`the stack has no ${name}`);
  return logicalIdOf(pick(value));
};
/** Template properties are untyped JSON; assertions below say what they expect. */
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties have no static type here.
type Json = any;
const propsOf = (type: string, id: string): Json => resourcesOf(built.template, type)[id]?.Properties ?? {};
const mappingProps = (): Json[] =>
  Object.values(resourcesOf(built.template, 'AWS::Lambda::EventSourceMapping')).map((m) => m.Properties ?? {});

const functionId = (name: string) => idOf(built.stack.functions, name, (f) => f.function);
const tableId = (name: string) => idOf(built.stack.tables, name, (t) => t);
const queueId = (name: string) => idOf(built.stack.queues, name, (q) => q.queue);

describe('Topology drift: CDK template vs offline plan', () => {
  it('serves the same route keys, with the same authorizer, on both sides', () => {
    // Prepare
    const routes = Object.values(resourcesOf(built.template, 'AWS::ApiGatewayV2::Route'));
    // Act
    const onAws = routes.map((r) => `${r.Properties?.RouteKey} ${r.Properties?.AuthorizationType}`).sort();
    const offline = plan.routes.map((r) => `${r.routeKey} ${r.authorizer ? 'CUSTOM' : 'NONE'}`).sort();
    // Assess
    expect(offline).toEqual(onAws);
  });

  it('has the same tables, keys, streams, TTL and indexes on both sides', () => {
    for (const table of plan.tables) {
      const resource = propsOf('AWS::DynamoDB::Table', tableId(table.name));
      const keys = [{ AttributeName: table.partitionKey, KeyType: 'HASH' }];
      if (table.sortKey) keys.push({ AttributeName: table.sortKey, KeyType: 'RANGE' });
      expect(resource.KeySchema, table.name).toEqual(keys);
      expect(resource.StreamSpecification?.StreamViewType, table.name).toBe(table.stream);
      expect(resource.TimeToLiveSpecification?.AttributeName, table.name).toBe(table.ttlAttribute);
      const indexes = (resource.GlobalSecondaryIndexes ?? []).map(
        (i: {
          IndexName: string;
          KeySchema: { AttributeName: string }[];
          Projection: { ProjectionType: string; NonKeyAttributes?: string[] };
        }) =>
          [
            i.IndexName,
            i.KeySchema.map((k) => k.AttributeName).join('+'),
            i.Projection.ProjectionType,
            ...(i.Projection.NonKeyAttributes ?? []),
          ].join(' '),
      );
      expect(indexes, table.name).toEqual(
        table.indexes.map((i) =>
          [
            i.name,
            [i.partitionKey, i.sortKey].filter(Boolean).join('+'),
            i.projection,
            ...(i.nonKeyAttributes ?? []),
          ].join(' '),
        ),
      );
    }
    expect(Object.keys(resourcesOf(built.template, 'AWS::DynamoDB::Table'))).toHaveLength(plan.tables.length);
  });

  it('has the same queues, FIFO or not, with the same visibility and redrive on both sides', () => {
    for (const queue of plan.queues) {
      const resource = propsOf('AWS::SQS::Queue', queueId(queue.name));
      expect(Boolean(resource.FifoQueue), queue.name).toBe(queue.fifo);
      expect(resource.VisibilityTimeout, queue.name).toBe(queue.visibilityTimeoutSeconds);
      expect(resource.MessageRetentionPeriod, queue.name).toBe(queue.retentionSeconds);
      expect(resource.RedrivePolicy?.maxReceiveCount, queue.name).toBe(queue.maxReceiveCount);
    }
  });

  it('feeds the same functions from the same streams with the same settings and filters', () => {
    for (const consumer of plan.streamConsumers) {
      const resource = mappingProps().find(
        (m) =>
          JSON.stringify(m.FunctionName) === JSON.stringify(ref(functionId(consumer.function))) &&
          JSON.stringify(m.EventSourceArn) === JSON.stringify(getAtt(tableId(consumer.table), 'StreamArn')),
      );
      expect(resource, `${consumer.table} -> ${consumer.function}`).toBeDefined();
      expect({
        batchSize: resource?.BatchSize,
        window: resource?.MaximumBatchingWindowInSeconds ?? 0,
        start: resource?.StartingPosition,
        retries: resource?.MaximumRetryAttempts,
        bisect: resource?.BisectBatchOnFunctionError,
        partial: resource?.FunctionResponseTypes,
        onFailure: resource?.DestinationConfig?.OnFailure?.Destination,
        filters: (resource?.FilterCriteria?.Filters ?? []).map((f: { Pattern: string }) => JSON.parse(f.Pattern)),
      }).toEqual({
        batchSize: consumer.batchSize,
        window: consumer.maxBatchingWindowSeconds,
        start: consumer.startingPosition,
        retries: consumer.retryAttempts,
        bisect: consumer.bisectBatchOnError,
        partial: consumer.reportBatchItemFailures ? ['ReportBatchItemFailures'] : undefined,
        onFailure: getAtt(queueId(consumer.onFailure), 'Arn'),
        filters: consumer.filters,
      });
    }
  });

  it('feeds the same functions from the same queues with the same batch size and concurrency', () => {
    for (const consumer of plan.queueConsumers) {
      const resource = mappingProps().find(
        (m) => JSON.stringify(m.EventSourceArn) === JSON.stringify(getAtt(queueId(consumer.queue), 'Arn')),
      );
      expect(resource?.FunctionName, consumer.queue).toEqual(ref(functionId(consumer.function)));
      expect(resource?.BatchSize, consumer.queue).toBe(consumer.batchSize);
      expect(resource?.ScalingConfig?.MaximumConcurrency, consumer.queue).toBe(consumer.maxConcurrency);
      expect(resource?.FunctionResponseTypes, consumer.queue).toEqual(['ReportBatchItemFailures']);
    }
  });

  it('runs the same schedules with the same expressions', () => {
    const rules = Object.values(resourcesOf(built.template, 'AWS::Events::Rule'));
    expect(rules.map((r) => r.Properties?.ScheduleExpression).sort()).toEqual(
      plan.schedules.map((s) => s.expression).sort(),
    );
  });

  it('gives every function the same timeout and memory on both sides', () => {
    for (const fn of plan.functions) {
      const resource = propsOf('AWS::Lambda::Function', functionId(fn.name));
      expect([resource?.Timeout, resource?.MemorySize], fn.name).toEqual([fn.timeoutSeconds, fn.memoryMb]);
    }
  });
});
