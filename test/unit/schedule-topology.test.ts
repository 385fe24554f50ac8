import { describe, expect, it } from 'vitest';
import { topologyProblems } from '../../lib/check-topology.js';
import { mergeTopology, type Topology, topology } from '../../lib/topology.js';
import type { FunctionSpec, ScheduleSpec } from '../../lib/topology-spec.js';

/**
 * What the validator asks of schedules: a schedule runner that can list and
 * run them, scheduled functions that can record their runs, names fit for a
 * URL, and a catalogue that fits in the runner's environment.
 */
const job: FunctionSpec = {
  description: 'Test: a scheduled job.',
  entry: 'functions/platform/health/handler.ts',
  memoryMb: 256,
  timeoutSeconds: 60,
  tables: { control: ['UpdateItem'] },
};

/** The project topology with one scheduled job, `job`, on the `tick` schedule. */
const scheduled = (change: Partial<Topology> = {}, schedule: Partial<ScheduleSpec> = {}): Topology => ({
  ...topology,
  functions: { ...topology.functions, job },
  schedules: [{ name: 'tick', function: 'job', expression: 'rate(5 minutes)', ...schedule }],
  ...change,
});

describe('Function: mergeTopology() with a schedule runner', () => {
  it('takes the schedule runner from the fragment that declares it', () => {
    // Act
    const merged = mergeTopology([
      { name: 'a', functions: { admin: job } },
      { name: 'b', scheduleRunner: 'admin' },
    ]);

    // Assess
    expect(merged.scheduleRunner).toBe('admin');
  });

  it('refuses two fragments that both declare a schedule runner, naming both', () => {
    // Act & Assess
    expect(() =>
      mergeTopology([
        { name: 'platform', scheduleRunner: 'admin' },
        { name: 'crm', scheduleRunner: 'crmAdmin' },
      ]),
    ).toThrow('the schedule runner is declared by platform and crm');
  });

  it('makes the admin API the schedule runner of the project', () => {
    // Assess
    expect(topology.scheduleRunner).toBe('admin');
  });
});

describe('Function: topologyProblems() on schedules', () => {
  it('accepts a scheduled job that can record its runs', () => {
    // Act
    const problems = topologyProblems(scheduled());

    // Assess
    expect(problems).toEqual([]);
  });

  it('requires a schedule runner when schedules exist', () => {
    // Prepare
    const { scheduleRunner: _runner, ...withoutRunner } = scheduled();

    // Act
    const problems = topologyProblems(withoutRunner);

    // Assess
    expect(problems).toEqual(['schedules need a schedule runner; set `scheduleRunner` on a fragment.']);
  });

  it('needs no schedule runner while there are no schedules', () => {
    // Prepare
    const { scheduleRunner: _runner, ...withoutRunner } = topology;

    // Act
    const problems = topologyProblems({ ...withoutRunner, schedules: [] });

    // Assess
    expect(problems).toEqual([]);
  });

  it('names a schedule runner that is not a declared function', () => {
    // Act
    const problems = topologyProblems(scheduled({ scheduleRunner: 'ghost' }));

    // Assess
    expect(problems).toEqual(['the schedule runner ghost: function "ghost" is not declared.']);
  });

  it('refuses a schedule runner that cannot read and record runs', () => {
    // Prepare
    const admin = topology.functions.admin;
    if (!admin) throw new Error('the project topology has no admin function');
    const { control: _control, ...otherTables } = admin.tables ?? {};

    // Act
    const problems = topologyProblems(
      scheduled({ functions: { ...topology.functions, job, admin: { ...admin, tables: otherTables } } }),
    );

    // Assess
    expect(problems).toEqual([
      "the schedule runner admin cannot read and record runs; declare control: ['GetItem', 'UpdateItem'] in its tables.",
    ]);
  });

  it.each([
    ['no control table at all', {}],
    ['reads only', { control: ['GetItem'] }],
  ] as const)('refuses a scheduled function with %s, as it could not record its runs', (_label, tables) => {
    // Prepare
    const topologyWithJob = scheduled({ functions: { ...topology.functions, job: { ...job, tables } } });

    // Act
    const problems = topologyProblems(topologyWithJob);

    // Assess
    expect(problems).toEqual([
      "schedule tick: function job cannot record its runs; declare control: ['UpdateItem'] in its tables.",
    ]);
  });

  it('refuses to schedule the schedule runner itself', () => {
    // Act
    const problems = topologyProblems(scheduled({}, { function: 'admin' }));

    // Assess
    expect(problems).toEqual([
      'the schedule runner admin cannot be scheduled itself: its catalogue would name its own function.',
    ]);
  });

  it.each(['with space', 'slash/name', 'x'.repeat(65), ''])(
    'refuses the schedule name "%s", which would not fit in an admin URL',
    (name) => {
      // Act
      const problems = topologyProblems(scheduled({}, { name }));

      // Assess
      expect(problems).toEqual([
        `schedule ${name}: a name is 1 to 64 letters, digits, ".", "_" or "-" (it is part of an admin URL).`,
      ]);
    },
  );

  it('refuses more schedules than the runner environment can list, and accepts twenty', () => {
    // Prepare
    const many = (count: number): Topology =>
      scheduled({
        schedules: Array.from({ length: count }, (_, i) => ({
          name: `conflict-resolver-${String(i).padStart(2, '0')}`,
          function: 'job',
          expression: 'rate(15 minutes)',
        })),
      });

    // Act
    const twenty = topologyProblems(many(20));
    const thirty = topologyProblems(many(30));

    // Assess
    expect(twenty).toEqual([]);
    expect(thirty).toEqual([
      expect.stringMatching(/^the schedule runner admin: the schedule catalogue may take up to \d+ bytes/),
    ]);
  });
});
