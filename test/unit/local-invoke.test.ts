import { describe, expect, it } from 'vitest';
import { createInvoker } from '../../local/invoke.js';
import { createRuntimeLog } from '../../local/log.js';
import type { PlannedFunction } from '../../local/plan.js';

const spec = {
  name: 'environment',
  entry: 'test/helpers/fixtures/environment-handler.ts',
  memoryMb: 128,
  timeoutSeconds: 1,
} as PlannedFunction;

const newInvoker = () =>
  createInvoker({
    functions: [spec],
    root: process.cwd(),
    region: 'us-east-1',
    accountId: '000000000000',
    namePrefix: '',
    log: createRuntimeLog('silent'),
  });

const environmentsOf = async (invoker: ReturnType<typeof newInvoker>, ...holds: number[]): Promise<unknown[]> =>
  (await Promise.all(holds.map((holdMs) => invoker.invoke('environment', { holdMs }, 'direct')))).map((result) =>
    result.ok ? result.value : result.error.message,
  );

describe('Function: createInvoker()', () => {
  it('runs concurrent invocations in environments of their own, so module state is never shared by two at once', async () => {
    // Prepare
    const invoker = newInvoker();

    // Act
    const environments = await environmentsOf(invoker, 50, 50, 50);

    // Assess
    expect(new Set(environments).size).toBe(3);
  });

  it('reuses an idle environment for the next invocation, as a warm Lambda does', async () => {
    // Prepare
    const invoker = newInvoker();
    const [first] = await environmentsOf(invoker, 0);

    // Act
    const [second] = await environmentsOf(invoker, 0);

    // Assess
    expect(second).toBe(first);
  });

  it('never reuses an environment whose invocation timed out', async () => {
    // Prepare
    const invoker = newInvoker();
    const [first] = await environmentsOf(invoker, 0);
    const timedOut = await invoker.invoke('environment', { holdMs: 1_500 }, 'direct');

    // Act
    const [next] = await environmentsOf(invoker, 0);

    // Assess
    expect(timedOut).toMatchObject({ ok: false, timedOut: true });
    expect(next).not.toBe(first);
  });
});
