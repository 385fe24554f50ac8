import { beforeAll, describe, expect, it } from 'vitest';
import { topology } from '../../lib/topology.js';
import {
  actionsOf,
  getAtt,
  logicalIdOf,
  statementsOfRole,
  type SynthesizedApp,
  synthesizeApp,
} from './stack-fixture.js';

/**
 * What the DLQ tooling may do on AWS, and no more: the replayer reads only
 * the streams its consumers read and invokes only those consumers; the
 * admin API receives from the two DLQs and sends only to their queues.
 */
let built: SynthesizedApp;

const statementsOf = (name: string) => {
  const fn = built.stack.functions.get(name);
  if (!fn) throw new Error(`no function ${name}`);
  return statementsOfRole(built.template, logicalIdOf(fn.role));
};
const fnArn = (name: string) => {
  const fn = built.stack.functions.get(name);
  if (!fn) throw new Error(`no function ${name}`);
  return getAtt(logicalIdOf(fn.function), 'Arn');
};
const streamArn = (table: string) => {
  const t = built.stack.tables.get(table);
  if (!t) throw new Error(`no table ${table}`);
  return getAtt(logicalIdOf(t), 'StreamArn');
};

/** Resources (or actions) as a sorted list of JSON, since CDK orders and merges them its own way. */
const asSet = (values: unknown): string[] =>
  [values]
    .flat(2)
    .map((value) => JSON.stringify(value))
    .sort();

beforeAll(() => {
  built = synthesizeApp();
});

describe('Stack: DLQ and stream-failure grants', () => {
  it('lets the replayer read exactly the streams of the consumers that fail to streamFailures', () => {
    // Prepare
    const tables = [
      ...new Set(topology.streamConsumers.filter((c) => c.onFailure === 'streamFailures').map((c) => c.table)),
    ];

    // Act
    const reads = statementsOf('streamFailureReplayer').filter((s) =>
      actionsOf(s).some((action) => action.startsWith('dynamodb:Get') && !action.endsWith('Item')),
    );

    // Assess
    expect(reads).toHaveLength(1);
    expect(asSet(reads[0]?.Action)).toEqual(asSet(['dynamodb:GetShardIterator', 'dynamodb:GetRecords']));
    expect(asSet(reads[0]?.Resource)).toEqual(asSet(tables.map(streamArn)));
  });

  it('lets the replayer invoke exactly the stream consumers, and nothing else', () => {
    // Prepare
    const consumers = [...new Set(topology.streamConsumers.map((c) => c.function))];

    // Act
    const invokes = statementsOf('streamFailureReplayer').filter((s) =>
      actionsOf(s).some((action) => action.startsWith('lambda:')),
    );

    // Assess
    expect(invokes).toHaveLength(1);
    expect(invokes[0]?.Action).toBe('lambda:InvokeFunction');
    expect(asSet(invokes[0]?.Resource)).toEqual(asSet(consumers.map(fnArn)));
  });

  it('tells the replayer each consumer with its filters', () => {
    // Act
    const environment = built.template.findResources('AWS::Lambda::Function', {
      Properties: { Description: topology.functions.streamFailureReplayer?.description },
    });
    const variables = Object.values(environment)[0]?.Properties?.Environment?.Variables as Record<string, unknown>;

    // Assess
    const catalogue = JSON.stringify(variables?.STREAM_CONSUMERS);
    for (const consumer of topology.streamConsumers) {
      expect(catalogue).toContain(logicalIdOf(built.stack.functions.get(consumer.function)?.function as never));
      expect(catalogue).toContain(`\\"table\\":\\"${consumer.table}\\"`);
    }
  });

  it('lets the admin API receive from both DLQs but send only to their queues, never to a DLQ', () => {
    // Prepare
    const outbound = built.stack.queues.get('outbound');
    const failures = built.stack.queues.get('streamFailures');
    if (!outbound || !failures) throw new Error('queues missing');
    const dlqs = [outbound.deadLetterQueue, failures.deadLetterQueue].map((q) => getAtt(logicalIdOf(q), 'Arn'));
    const queues = [outbound.queue, failures.queue].map((q) => getAtt(logicalIdOf(q), 'Arn'));

    // Act
    const statements = statementsOf('admin').filter((s) => actionsOf(s).some((action) => action.startsWith('sqs:')));
    const receiving = statements.filter((s) => actionsOf(s).includes('sqs:ReceiveMessage')).map((s) => s.Resource);
    const sending = statements.filter((s) => actionsOf(s).includes('sqs:SendMessage')).map((s) => s.Resource);

    // Assess
    expect(asSet(receiving)).toEqual(asSet(dlqs));
    expect(asSet(sending)).toEqual(asSet(queues));
  });
});
