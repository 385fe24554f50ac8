import { describe, expect, it } from 'vitest';
import { type Topology, topology } from '../../lib/topology.js';
import { planOffline } from '../../local/plan.js';
import { runtimeTestTopology } from '../helpers/fixtures/runtime-topology.js';

/** The fixture topology with one part replaced, to break one rule at a time. */
const withChange = (change: Partial<Topology>): Topology => ({ ...runtimeTestTopology, ...change });

describe('Function: planOffline()', () => {
  it('plans the project topology, with the admin authorizer in front of every admin route', () => {
    // Act
    const plan = planOffline(topology);

    // Assess
    const adminRoutes = plan.routes.filter((r) => r.path.startsWith('/admin'));
    expect(adminRoutes.length).toBeGreaterThan(0);
    expect(adminRoutes.every((r) => r.authorizer === 'adminAuthorizer')).toBe(true);
    expect(plan.routes.find((r) => r.routeKey === 'GET /health')?.authorizer).toBeNull();
    expect(plan.queues.every((q) => q.dlq.name === `${q.name}-dlq` && q.dlq.fifo === q.fifo)).toBe(true);
    expect(plan.streamConsumers.every((c) => c.reportBatchItemFailures && c.retryAttempts >= 0)).toBe(true);
  });

  it('describes every setting a runtime needs, as plain data', () => {
    // Act
    const plan = planOffline(runtimeTestTopology);

    // Assess
    expect(plan.tables).toEqual([
      {
        name: 'items',
        envName: 'ITEMS_TABLE',
        partitionKey: 'pk',
        billingMode: 'PAY_PER_REQUEST',
        stream: 'NEW_AND_OLD_IMAGES',
        ttlAttribute: 'expires_at',
        indexes: [{ name: 'byKind', partitionKey: 'kind', sortKey: 'pk', projection: 'ALL' }],
      },
      {
        name: 'control',
        envName: 'CONTROL_TABLE',
        partitionKey: 'pk',
        sortKey: 'sk',
        billingMode: 'PAY_PER_REQUEST',
        ttlAttribute: 'expires_at',
        indexes: [],
      },
    ]);
    expect(plan.queues.find((q) => q.name === 'ordered')).toEqual({
      name: 'ordered',
      envName: 'ORDERED_QUEUE_URL',
      maxReceiveEnvName: 'ORDERED_QUEUE_MAX_RECEIVE_COUNT',
      fifo: true,
      visibilityTimeoutSeconds: 1,
      maxReceiveCount: 2,
      retentionSeconds: 86_400,
      dlq: { name: 'ordered-dlq', envName: 'ORDERED_DLQ_URL', fifo: true, retentionSeconds: 1_209_600 },
    });
    expect(plan.streamConsumers[0]).toMatchObject({
      table: 'items',
      function: 'stream',
      batchSize: 10,
      startingPosition: 'LATEST',
      retryAttempts: 2,
      bisectBatchOnError: true,
      onFailure: 'failures',
      reportBatchItemFailures: true,
    });
    expect(plan.schedules[0]).toMatchObject({ name: 'tick', schedule: { kind: 'rate', everyMs: 3_600_000 } });
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  describe.each([
    [
      'a route to an unknown function',
      withChange({ routes: [{ method: 'GET', path: '/x', function: 'nope', auth: 'public' }] }),
      /route GET \/x: function "nope" is not declared/,
    ],
    [
      'an admin route without the authorizer function',
      withChange({
        routes: [{ method: 'GET', path: '/x', function: 'http', auth: 'admin' }],
        authorizer: 'adminAuthorizer',
      }),
      /the authorizer of admin routes: function "adminAuthorizer" is not declared/,
    ],
    [
      'a route declared twice',
      withChange({
        routes: [
          { method: 'GET', path: '/x', function: 'http', auth: 'public' },
          { method: 'GET', path: '/x', function: 'http', auth: 'public' },
        ],
      }),
      /declared twice/,
    ],
    [
      'a stream consumer of a table without a stream',
      withChange({ tables: { items: { description: 'x', partitionKey: 'pk' } } }),
      /has no stream/,
    ],
    [
      'a FIFO on-failure destination',
      withChange({
        streamConsumers: runtimeTestTopology.streamConsumers.map((c) => ({ ...c, onFailure: 'ordered' })),
      }),
      /must be a standard queue/,
    ],
    [
      'a consumer slower than its queue lets a message stay invisible',
      withChange({
        queueConsumers: [
          { queue: 'jobs', function: 'http', batchSize: 1, maxBatchingWindowSeconds: 0, maxConcurrency: 2 },
        ],
      }),
      /the queue's visibility timeout is shorter than the function's timeout/,
    ],
    [
      'a FIFO batch over 10',
      withChange({
        queueConsumers: [
          { queue: 'ordered', function: 'queue', batchSize: 11, maxBatchingWindowSeconds: 1, maxConcurrency: 2 },
        ],
      }),
      /batch size must be 1 to 10/,
    ],
    [
      'a maximum concurrency under 2',
      withChange({
        queueConsumers: [
          { queue: 'jobs', function: 'queue', batchSize: 1, maxBatchingWindowSeconds: 0, maxConcurrency: 1 },
        ],
      }),
      /maximum concurrency must be 2 to 1000/,
    ],
    [
      'a filter operator the runtime does not implement',
      withChange({
        streamConsumers: runtimeTestTopology.streamConsumers.map((c) => ({
          ...c,
          filters: [{ eventName: [{ suffix: 'RT' }] }] as unknown as typeof c.filters,
        })),
      }),
      /Unsupported filter pattern: eventName/,
    ],
    [
      'a malformed numeric range',
      withChange({
        streamConsumers: runtimeTestTopology.streamConsumers.map((c) => ({
          ...c,
          filters: [{ dynamodb: { NewImage: { n: { N: [{ numeric: ['>', 1, '<'] }] } } } }],
        })),
      }),
      /numeric/,
    ],
    [
      'a bad schedule',
      withChange({ schedules: [{ name: 's', function: 'scheduled', expression: 'rate(5 minute)' }] }),
      /schedule s: Invalid schedule/,
    ],
  ])('a topology with %s', (_name, broken, message) => {
    it('is refused with a message naming the problem', () => {
      // Act & Assess
      expect(() => planOffline(broken)).toThrow(message);
    });
  });
});
