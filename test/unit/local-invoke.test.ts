import { afterEach, describe, expect, it } from 'vitest';
import { createInvoker, type InvocationResult, type StoppableInvoker } from '../../local/invoke.js';
import { createRuntimeLog } from '../../local/log.js';
import type { PlannedFunction } from '../../local/plan.js';
import type { EnvironmentEvent } from '../helpers/fixtures/lambda-environment-handler.js';
import { recordedEvents } from '../helpers/fixtures/recorder.js';

/** What the fixture answers (`test/helpers/fixtures/lambda-environment-handler.ts`). */
interface Described {
  readonly environmentId: string;
  readonly invocations: number;
  readonly log: { readonly cold_start?: boolean; readonly correlation_id?: string };
  readonly variable: string | null;
}

const functions: readonly PlannedFunction[] = [
  { name: 'environment', entry: 'test/helpers/fixtures/environment-handler.ts', memoryMb: 128, timeoutSeconds: 1 },
  {
    name: 'describer',
    entry: 'test/helpers/fixtures/lambda-environment-handler.ts',
    memoryMb: 256,
    timeoutSeconds: 1,
  },
  { name: 'brokenInit', entry: 'test/helpers/fixtures/failing-init-handler.ts', memoryMb: 128, timeoutSeconds: 1 },
];

let invoker: StoppableInvoker | undefined;

const newInvoker = (): StoppableInvoker => {
  invoker = createInvoker({
    functions,
    root: process.cwd(),
    region: 'us-east-1',
    accountId: '000000000000',
    namePrefix: '',
    log: createRuntimeLog('silent'),
  });
  return invoker;
};

const answerOf = <T>(result: InvocationResult): T => {
  if (!result.ok) throw result.error;
  return result.value as T;
};

const environmentsOf = async (target: StoppableInvoker, ...holds: number[]): Promise<unknown[]> =>
  (await Promise.all(holds.map((holdMs) => target.invoke('environment', { holdMs }, 'direct')))).map((result) =>
    result.ok ? result.value : result.error.message,
  );

const describeIn = (target: StoppableInvoker, event: EnvironmentEvent): Promise<Described> =>
  target.invoke('describer', event, 'direct').then((result) => answerOf<Described>(result));

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('Function: createInvoker()', () => {
  afterEach(async () => {
    await invoker?.stop();
    invoker = undefined;
  });

  it('runs concurrent invocations in environments of their own, so module state is never shared by two at once', async () => {
    // Prepare
    const target = newInvoker();

    // Act
    const environments = await environmentsOf(target, 50, 50, 50);

    // Assess
    expect(new Set(environments).size).toBe(3);
  });

  it('keeps the state of modules the entry imports apart too: each concurrent invocation counts its own, and logs its own correlation id', async () => {
    // Prepare
    const target = newInvoker();

    // Act
    const answers = await Promise.all(
      ['a', 'b', 'c'].map((id) => describeIn(target, { holdMs: 150, correlationId: `correlation-${id}` })),
    );

    // Assess
    expect(answers.map((a) => a.invocations)).toEqual([1, 1, 1]);
    expect(answers.map((a) => a.log.correlation_id)).toEqual(['correlation-a', 'correlation-b', 'correlation-c']);
    expect(answers.map((a) => a.log.cold_start)).toEqual([true, true, true]);
  });

  it('reuses an idle environment for the next invocation, as a warm Lambda does, and Powertools logs cold_start false', async () => {
    // Prepare
    const target = newInvoker();
    const first = await describeIn(target, {});

    // Act
    const second = await describeIn(target, {});

    // Assess
    expect(second.environmentId).toBe(first.environmentId);
    expect([first.log.cold_start, second.log.cold_start]).toEqual([true, false]);
    expect(second.invocations).toBe(2);
  });

  it('never reuses an environment whose invocation timed out', async () => {
    // Prepare
    const target = newInvoker();
    const [first] = await environmentsOf(target, 0);
    const timedOut = await target.invoke('environment', { holdMs: 1_500 }, 'direct');

    // Act
    const [next] = await environmentsOf(target, 0);

    // Assess
    expect(timedOut).toMatchObject({ ok: false, timedOut: true });
    expect(timedOut.ok || timedOut.error.message).toBe('Task timed out after 1.00 seconds');
    expect(next).not.toBe(first);
  });

  it('terminates the environment of a timed-out invocation, so its late work never runs', async () => {
    // Prepare
    const target = newInvoker();
    const marker = `late-${Date.now()}`;

    // Act
    const result = await target.invoke('describer', { holdMs: 1_300, correlationId: marker }, 'direct');
    await pause(800);

    // Assess
    // The error first: when this fails, the message says what ended the invocation instead of its timeout.
    expect(result.ok || result.error.message).toBe('Task timed out after 1.00 seconds');
    expect(result).toMatchObject({ ok: false, timedOut: true });
    expect(recordedEvents<EnvironmentEvent>('lambda-environment').filter((e) => e.correlationId === marker)).toEqual(
      [],
    );
  });

  it('reports a thrown error with its name, message and a stack that names the TypeScript source', async () => {
    // Prepare
    const target = newInvoker();

    // Act
    const result = await target.invoke('describer', { throwName: 'VendorRejectedError' }, 'direct');

    // Assess
    expect(result).toMatchObject({ ok: false, timedOut: false, functionError: 'Unhandled' });
    if (result.ok) return;
    expect(result.error.name).toBe('VendorRejectedError');
    expect(result.error.message).toBe('VendorRejectedError thrown on purpose');
    expect(result.error.stack).toContain('lambda-environment-handler.ts');
  });

  it('keeps the environment of an invocation that threw: the error is the handler’s, not the environment’s', async () => {
    // Prepare
    const target = newInvoker();
    const before = await describeIn(target, {});
    await target.invoke('describer', { throwName: 'Error' }, 'direct');

    // Act
    const after = await describeIn(target, {});

    // Assess
    expect(after.environmentId).toBe(before.environmentId);
  });

  it('fails the invocation with the init error when the module throws on import, and tries a new environment next time', async () => {
    // Prepare
    const target = newInvoker();

    // Act
    const results = [await target.invoke('brokenInit', {}, 'direct'), await target.invoke('brokenInit', {}, 'direct')];

    // Assess
    for (const result of results) {
      expect(result).toMatchObject({ ok: false, timedOut: false });
      expect(result.ok || result.error.message).toBe('the fixture init fails on purpose');
    }
  });

  it('gives each invocation the runtime’s process.env as it is at the time of the call', async () => {
    // Prepare
    const target = newInvoker();
    const variable = 'LOCAL_INVOKE_TEST_SETTING';
    const seen: (string | null)[] = [];

    // Act
    try {
      process.env[variable] = 'one';
      seen.push((await describeIn(target, { variable })).variable);
      process.env[variable] = 'two';
      seen.push((await describeIn(target, { variable })).variable);
      delete process.env[variable];
      seen.push((await describeIn(target, { variable })).variable);
    } finally {
      delete process.env[variable];
    }

    // Assess
    expect(seen).toEqual(['one', 'two', null]);
  });

  it('runs at most ten environments of a function that no queue asks more of; further invocations wait for one', async () => {
    // Prepare
    const target = newInvoker();

    // Act
    const environments = await environmentsOf(target, ...Array.from({ length: 12 }, () => 200));

    // Assess
    expect(new Set(environments).size).toBe(10);
  });

  it('ends an invocation in flight when stopped, and refuses invocations after', async () => {
    // Prepare
    const target = newInvoker();
    const marker = `stopped-${Date.now()}`;
    await describeIn(target, {});
    const inFlight = target.invoke('describer', { holdMs: 600, correlationId: marker }, 'direct');
    await pause(200);

    // Act
    await target.stop();
    const later = await target.invoke('describer', {}, 'direct');
    const ended = await inFlight;
    await pause(500);

    // Assess
    expect(ended.ok).toBe(false);
    expect(later).toMatchObject({ ok: false });
    expect(later.ok || later.error.message).toMatch(/stopped/);
    expect(recordedEvents<EnvironmentEvent>('lambda-environment').filter((e) => e.correlationId === marker)).toEqual(
      [],
    );
  });
});
