import { beforeAll, describe, expect, it } from 'vitest';
import type { FunctionSpec } from '../../lib/topology-spec.js';
import { type Topology, topology } from '../../lib/topology.js';
import {
  actionsOf,
  getAtt,
  logicalIdOf,
  nagFindings,
  ref,
  resourcesOf,
  statementsOfRole,
  type SynthesizedApp,
  synthesizeApp,
} from './stack-fixture.js';

/**
 * The project topology plus two scheduled jobs (one of them on two
 * schedules) and a function nothing schedules, all on the health handler,
 * which bundles fast. What the stack must build for schedules an operator
 * can run now: rules whose event names the schedule, and a runner that
 * knows the schedules and may invoke exactly their functions.
 */
const job = (description: string): FunctionSpec => ({
  description,
  entry: 'functions/platform/health/handler.ts',
  memoryMb: 256,
  timeoutSeconds: 60,
  tables: { control: ['UpdateItem'] },
});

const withSchedules: Topology = {
  ...topology,
  functions: {
    ...topology.functions,
    conflictResolver: job('Test: resolves conflicts every 15 minutes.'),
    syncMonitor: job('Test: watches the sync every 5 minutes.'),
    bystander: { ...job('Test: scheduled by nobody.'), tables: {} },
  },
  schedules: [
    { name: 'conflict-resolver', function: 'conflictResolver', expression: 'cron(0/15 * * * ? *)' },
    { name: 'sync-monitor', function: 'syncMonitor', expression: 'rate(5 minutes)' },
    { name: 'sync-monitor-nightly', function: 'syncMonitor', expression: 'cron(0 3 * * ? *)' },
  ],
};

let built: SynthesizedApp;

beforeAll(() => {
  built = synthesizeApp({ topology: withSchedules });
}, 120_000);

const fnId = (name: string): string => {
  const fn = built.stack.functions.get(name);
  if (!fn) throw new Error(`no function ${name}`);
  return logicalIdOf(fn.function);
};

/** The rule's target, as the template has it. */
const targetOf = (expression: string): Record<string, unknown> => {
  const rule = Object.values(resourcesOf(built.template, 'AWS::Events::Rule')).find(
    (r) => r.Properties?.ScheduleExpression === expression,
  );
  const [target] = (rule?.Properties?.Targets ?? []) as Record<string, unknown>[];
  if (!target) throw new Error(`no rule on ${expression}`);
  return target;
};

/**
 * What EventBridge would deliver through an input transformer: each
 * `<variable>` replaced by the JSON of the value its path picks from the event.
 */
const transform = (
  transformer: { InputPathsMap: Record<string, string>; InputTemplate: string },
  event: Record<string, unknown>,
): unknown =>
  JSON.parse(
    transformer.InputTemplate.replace(/<([A-Za-z0-9_-]+)>/g, (_, key: string) => {
      const path = transformer.InputPathsMap[key];
      if (!path?.startsWith('$.')) throw new Error(`no path for <${key}>`);
      return JSON.stringify(event[path.slice(2)]);
    }),
  );

describe('Class: SyncToolsStack with schedules', () => {
  it.each([
    ['conflict-resolver', 'cron(0/15 * * * ? *)'],
    ['sync-monitor', 'rate(5 minutes)'],
    ['sync-monitor-nightly', 'cron(0 3 * * ? *)'],
  ])(
    'sends the %s rule target the scheduled event with the schedule name and the event id as run id',
    (name, expression) => {
      // Prepare
      const fired = {
        version: '0',
        id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: '123456789012',
        time: '2026-11-24T12:15:00Z',
        region: 'eu-west-1',
        resources: ['arn:aws:events:eu-west-1:123456789012:rule/SyncTools-SchedulesRule-1A2B3C'],
        detail: {},
      };

      // Act
      const delivered = transform(targetOf(expression).InputTransformer as Parameters<typeof transform>[0], fired);

      // Assess
      expect(delivered).toEqual({ ...fired, detail: { schedule: name, trigger: 'schedule', run_id: fired.id } });
    },
  );

  it('gives the schedule runner the catalogue of every schedule, with each function by its physical name', () => {
    // Prepare
    const runner = resourcesOf(built.template, 'AWS::Lambda::Function')[fnId('admin')];
    const variables =
      (runner?.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};

    // Assess
    expect(variables.SCHEDULES).toEqual({
      'Fn::Join': [
        '',
        [
          '[{"name":"conflict-resolver","expression":"cron(0/15 * * * ? *)","function":"',
          ref(fnId('conflictResolver')),
          '"},{"name":"sync-monitor","expression":"rate(5 minutes)","function":"',
          ref(fnId('syncMonitor')),
          '"},{"name":"sync-monitor-nightly","expression":"cron(0 3 * * ? *)","function":"',
          ref(fnId('syncMonitor')),
          '"}]',
        ],
      ],
    });
  });

  it('lets the schedule runner invoke exactly the scheduled functions, unqualified, and nothing else', () => {
    // Prepare
    const runner = built.stack.functions.get('admin');
    if (!runner) throw new Error('no admin function');

    // Act
    const invokes = statementsOfRole(built.template, logicalIdOf(runner.role)).filter((s) =>
      actionsOf(s).some((action) => action.startsWith('lambda:')),
    );

    // Assess
    expect(invokes).toEqual([
      {
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: [getAtt(fnId('conflictResolver'), 'Arn'), getAtt(fnId('syncMonitor'), 'Arn')],
      },
    ]);
  });

  it('lets no other function invoke a function', () => {
    // Prepare
    const runner = built.stack.functions.get('admin');
    if (!runner) throw new Error('no admin function');
    // The stream-failure replayer invokes the stream consumers; test/unit/dlq-stack-grants.test.ts holds it to them.
    const replayer = built.stack.functions.get('streamFailureReplayer');

    // Act
    const others = [...built.stack.functions.values()]
      .filter((fn) => fn !== runner && fn !== replayer)
      .flatMap((fn) => statementsOfRole(built.template, logicalIdOf(fn.role)))
      .filter((s) => actionsOf(s).some((action) => action.startsWith('lambda:')));

    // Assess
    expect(others).toEqual([]);
  });

  it('stays free of unacknowledged nag findings', () => {
    // Assess
    expect(nagFindings(built)).toEqual([]);
  });
});
