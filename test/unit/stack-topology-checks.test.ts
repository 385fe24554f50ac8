import { describe, expect, it } from 'vitest';
import { topologyProblems } from '../../lib/check-topology.js';
import { type Topology, topology } from '../../lib/topology.js';

const base: Topology = topology;

describe('Function: topologyProblems()', () => {
  it('finds nothing wrong with the project topology', () => {
    // Act
    const problems = topologyProblems(base);

    // Assess
    expect(problems).toEqual([]);
  });

  it('names a route to an undeclared function', () => {
    // Prepare
    const broken: Topology = {
      ...base,
      routes: [...base.routes, { method: 'POST', path: '/webhooks/x', function: 'nope', auth: 'public' }],
    };

    // Act
    const problems = topologyProblems(broken);

    // Assess
    expect(problems).toEqual(['route POST /webhooks/x: function "nope" is not declared.']);
  });

  it('refuses a stream consumer on a table without a stream', () => {
    // Prepare
    const consumer = base.streamConsumers[0];
    if (!consumer) throw new Error('the project topology has no stream consumer to copy');
    const broken: Topology = { ...base, streamConsumers: [{ ...consumer, table: 'conflicts' }] };

    // Act
    const problems = topologyProblems(broken);

    // Assess
    expect(problems).toEqual([expect.stringContaining('table "conflicts" has no stream')]);
  });

  it('refuses an on-failure queue that is not declared', () => {
    // Prepare
    const consumer = base.streamConsumers[0];
    if (!consumer) throw new Error('the project topology has no stream consumer to copy');
    const broken: Topology = { ...base, streamConsumers: [{ ...consumer, onFailure: 'missing' }] };

    // Act
    const problems = topologyProblems(broken);

    // Assess
    expect(problems).toEqual([expect.stringContaining('on-failure queue "missing" is not declared')]);
  });

  it('refuses a queue whose visibility timeout is shorter than its consumer timeout', () => {
    // Prepare
    const outbound = base.queues.outbound;
    if (!outbound) throw new Error('the project topology has no outbound queue');
    const broken: Topology = {
      ...base,
      queues: { ...base.queues, outbound: { ...outbound, visibilityTimeoutSeconds: 10 } },
    };

    // Act
    const problems = topologyProblems(broken);

    // Assess
    expect(problems).toEqual([expect.stringContaining("visibility timeout is shorter than the function's timeout")]);
  });

  it('refuses a batching window on a FIFO queue consumer', () => {
    // Prepare
    const broken: Topology = {
      ...base,
      queueConsumers: base.queueConsumers.map((c) =>
        c.queue === 'outbound' ? { ...c, maxBatchingWindowSeconds: 5 } : c,
      ),
    };

    // Act
    const problems = topologyProblems(broken);

    // Assess
    expect(problems).toEqual([expect.stringContaining('FIFO event sources do not support a batching window')]);
  });

  it('requires the authorizer function when admin routes exist', () => {
    // Prepare
    const broken: Topology = { ...base, authorizer: 'someOtherAuthorizer' };

    // Act
    const problems = topologyProblems(broken);

    // Assess
    expect(problems).toEqual(['the authorizer of admin routes: function "someOtherAuthorizer" is not declared.']);
  });

  it.each(['every 5 minutes', '*/15 * * * *'])('refuses the schedule expression %s', (expression) => {
    // Prepare
    const health = base.functions.health;
    if (!health) throw new Error('the project topology has no health function');
    const broken: Topology = {
      ...base,
      // A job that can record its runs, so the expression is the only problem.
      functions: { ...base.functions, job: { ...health, tables: { control: ['UpdateItem'] } } },
      schedules: [{ name: 'bad', function: 'job', expression }],
    };

    // Act
    const problems = topologyProblems(broken);

    // Assess
    expect(problems).toEqual([expect.stringMatching(/^schedule bad: Invalid schedule/)]);
  });

  it('names a table a function declares but the topology does not', () => {
    // Prepare
    const health = base.functions.health;
    if (!health) throw new Error('the project topology has no health function');
    const broken: Topology = {
      ...base,
      functions: {
        ...base.functions,
        health: { ...health, tables: { ghost: ['GetItem'] } as unknown as typeof health.tables },
      },
    };

    // Act
    const problems = topologyProblems(broken);

    // Assess
    expect(problems).toEqual(['function health: table "ghost" is not declared.']);
  });
});
